"""Team pages: the team tree with rollups, one team's objectives, KPIs, members and children."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from headway import access
from headway.accounts.models import Membership
from headway.core.errors import DomainError
from headway.core.forms import show_error, unique_key
from headway.core.trees import ancestor_map
from headway.domain.policy import Action
from headway.domain.tree import lineage
from headway.events import streaks
from headway.kpis.scoring import kpi_figures
from headway.okrs.blockers import open_blockers
from headway.okrs.models import Cycle
from headway.okrs.rollups import shown_team_progress
from headway.okrs.views.common import pick_cycle, shown_figures
from headway.pages.http import AuthenticatedRequest, today
from headway.pages.middleware import member_required
from headway.pages.paging import Page, paginate
from headway.teams import actions
from headway.teams.forms import TeamForm
from headway.teams.models import Team

BRANCH_SIZE = 25  # the child teams shown under an open team, a page at a time


@dataclass
class Node:
    """A team of the tree on the page: its rollup, how many child teams it has, and those
    shown under it (None while the branch is closed) with their page when there are more."""

    team: Team
    progress: float | None
    child_count: int
    open_url: str
    children: list[Node] | None = None
    page: Page[Team] | None = None


@member_required
def team_list(request: AuthenticatedRequest) -> HttpResponse:
    """The top of the team tree (the roots and the teams under them, a page at a time) with
    rollups; a branch opens on demand (`?open=<key>`: the page with the path down to it and its
    child teams, or for HTMX only its child teams); `q` finds teams by name or key, one page at a
    time. Every list is a page: the cost follows what is shown, not the organisation."""
    membership = request.membership
    cycle, _ = pick_cycle(request, request.GET.get("cycle"))
    teams = access.teams_for(membership)
    tree = TeamTree(request, cycle, teams)
    q = request.GET.get("q", "").strip()
    context: dict[str, Any] = {
        "cycle": cycle,
        "q": q,
        "team_count": teams.count(),
        "can_manage": access.may_on(membership, Action.MANAGE),
    }
    if q:
        found = teams.filter(Q(name__icontains=q) | Q(key__icontains=q))
        page = paginate(request.GET, found.select_related("lead", "parent"))
        nodes = tree.nodes(page.items)
        context |= {"page": page, "nodes": [nodes[t.pk] for t in page.items]}
        return render(request, "teams/list.html", context)
    key = request.GET.get("open")
    opened = teams.filter(key=key).first() if key else None
    if opened and request.htmx:
        branch = tree.branch([], opened)
        return render(
            request, "teams/tree_branch.html", {"nodes": branch.children, "more": branch.page}
        )
    if opened:
        context |= {"nodes": [tree.branch(tree.path_above(opened), opened)], "opened": opened}
    else:
        context |= tree.top()
    return render(request, "teams/list.html", context)


class TeamTree:
    """The nodes of the teams page: the teams shown are read, their rollups summed over their
    subtrees in the database (okrs.rollups.shown_team_progress), their child teams counted."""

    def __init__(self, request: AuthenticatedRequest, cycle: Cycle | None, teams: QuerySet[Team]):
        self.request, self.cycle, self.teams = request, cycle, teams

    def nodes(self, shown: list[Team]) -> dict[int, Node]:
        """A closed node for each team of `shown`, by id (two queries)."""
        membership = self.request.membership
        ids = [t.pk for t in shown]
        day = today(membership)
        visible = access.objectives_for(membership)
        rollup = shown_team_progress(self.cycle, self.teams, ids, visible, as_of=day, today=day)
        counts = dict(
            self.teams.filter(parent_id__in=ids)
            .order_by()
            .values_list("parent_id")
            .annotate(count=Count("pk"))
        )
        return {t.pk: Node(t, rollup[t.pk], counts.get(t.pk, 0), self.open_url(t)) for t in shown}

    def open_url(self, team: Team) -> str:
        query = self.request.GET.copy()
        for name in ("q", "page"):
            query.pop(name, None)
        query["open"] = team.key
        return f"?{query.urlencode()}"

    def top(self) -> dict[str, Any]:
        """The roots and the teams under them, as one list a page at a time (a root comes
        before its teams, and above them again on the next pages)."""
        tops = self.teams.filter(parent=None)  # by the index on parent, not a scan
        rows = self.teams.filter(Q(parent=None) | Q(parent__in=tops)).order_by(
            Coalesce("parent__name", "name"),
            Coalesce("parent_id", "id"),
            F("parent_id").asc(nulls_first=True),
            "name",
            "pk",
        )
        page = paginate(
            self.request.GET, rows.select_related("lead", "parent__lead"), size=BRANCH_SIZE
        )
        roots = {t.pk: t for t in page.items if t.parent_id is None}
        for team in page.items:
            if team.parent is not None:
                roots.setdefault(team.parent.pk, team.parent)
        nodes = self.nodes([*roots.values(), *(t for t in page.items if t.parent_id)])
        for pk in roots:
            below = [nodes[t.pk] for t in page.items if t.parent_id == pk]
            nodes[pk].children = below or None
        return {"page": page, "nodes": [nodes[pk] for pk in roots]}

    def path_above(self, team: Team) -> list[Team]:
        """The ancestors of `team`, root first (two queries, however deep)."""
        chain = lineage(ancestor_map(self.teams.filter(pk=team.pk)), team.pk)[1:]
        rows = self.teams.filter(pk__in=chain).select_related("lead").in_bulk()
        return [rows[pk] for pk in reversed(chain) if pk in rows]

    def branch(self, path: list[Team], team: Team) -> Node:
        """`team` open with a page of its child teams, under the teams of `path` (its ancestors,
        root first), each open on the next."""
        page = paginate(
            self.request.GET,
            self.teams.filter(parent=team).select_related("lead"),
            size=BRANCH_SIZE,
        )
        nodes = self.nodes([*path, team, *page.items])
        node = nodes[team.pk]
        node.children = [nodes[t.pk] for t in page.items]
        node.page = page if page.last > 1 else None
        for parent, child in zip(path, [*path, team][1:], strict=True):
            nodes[parent.pk].children = [nodes[child.pk]]
        return nodes[path[0].pk] if path else node


@member_required
def detail(request: AuthenticatedRequest, key: str) -> HttpResponse:
    membership = request.membership
    team = access.get_team(membership, key)
    cycle, _ = pick_cycle(request, request.GET.get("cycle"))
    as_of = today(membership)
    teams = access.teams_for(membership)
    children = paginate(request.GET, teams.filter(parent=team), size=BRANCH_SIZE, param="teams")
    visible = access.objectives_for(membership)
    shown = [team.pk, *(t.pk for t in children.items)]
    rollup = shown_team_progress(cycle, teams, shown, visible, as_of=as_of, today=as_of)
    objectives = list(visible.filter(team=team, cycle=cycle).select_related("owner"))
    board, hidden = shown_figures(membership, [cycle] if cycle else [], objectives)
    kpis = list(access.kpis_for(membership).filter(team=team).select_related("owner"))
    figures = kpi_figures(kpis, as_of=as_of)
    context: dict[str, Any] = {
        "team": team,
        "cycle": cycle,
        "progress": rollup[team.pk],
        "objectives": [
            {"objective": o, "f": board.objectives.get(o.pk), "hidden": hidden.get(o.pk, 0)}
            for o in objectives
        ],
        "kpis": [{"kpi": k, "f": figures[k.pk]} for k in kpis],
        "members": team.members.order_by("username"),
        "children": [{"team": t, "progress": rollup[t.pk]} for t in children.items],
        "children_page": children if children.last > 1 else None,
        "can_manage": access.may_on(membership, Action.MANAGE),
        # open blockers and help requests of the team's key results (docs/scoring.md)
        "blockers": open_blockers(
            access.key_results_for(membership).filter(
                objective__team=team, objective__cycle__in=access.cycles_for(membership).open()
            )
        ),
        "rhythm": rhythm_panel(membership, team),
    }
    return render(request, "teams/detail.html", context)


def rhythm_panel(membership: Membership, team: Team) -> dict[str, Any]:
    """The team's check-in rhythm (docs/rhythm.md): its streak, this week's key results
    without a check-in, and those whose status worsened in the last days, among the key
    results of its objectives in open cycles that the reader may see (four queries)."""
    now = timezone.now()
    key_results = access.key_results_for(membership).filter(
        objective__team=team, objective__cycle__in=access.cycles_for(membership).open()
    )
    events = access.domain_events_for(membership).filter(team=team)
    return {
        "of": streaks.rhythm_of(key_results, tz=membership.workspace.timezone, now=now),
        "worsened": streaks.worsened(events, now=now),
        "size": streaks.LIST_SIZE,
    }


def save_team(request: AuthenticatedRequest, form: TeamForm, team: Team | None) -> Team | None:
    data = dict(form.cleaned_data)
    members = data.pop("members")
    try:
        if team is None:
            workspace = request.membership.workspace
            key = unique_key(
                Team.objects.filter(workspace=workspace), data["name"], fallback="team"
            )
            return actions.create_team(
                workspace, actor=request.user, via="web", members=members, key=key, **data
            )
        return actions.update_team(team, actor=request.user, via="web", members=members, **data)
    except DomainError as error:
        show_error(form, error)
        return None


@member_required
def team_create(request: AuthenticatedRequest) -> HttpResponse:
    access.check(request.membership, Action.MANAGE)
    form = TeamForm(request.membership, request.POST or None)
    if request.method == "POST" and form.is_valid():
        team = save_team(request, form, None)
        if team is not None:
            return redirect("teams:detail", key=team.key)
    return render(request, "okrs/form.html", {"title": "New team", "form": form})


@member_required
def team_edit(request: AuthenticatedRequest, key: str) -> HttpResponse:
    team = access.get_team(request.membership, key, Action.MANAGE)
    initial = {
        "name": team.name,
        "kind": team.kind,
        "parent": team.parent,
        "lead": team.lead,
        "members": list(team.members.all()),
    }
    form = TeamForm(request.membership, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid() and save_team(request, form, team):
        return redirect("teams:detail", key=team.key)
    return render(request, "okrs/form.html", {"title": f"Edit {team.name}", "form": form})
