"""Team pages: the team tree with rollups, one team's objectives, KPIs, members and children."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render

from headway import access
from headway.core.errors import DomainError
from headway.core.forms import show_error, unique_key
from headway.domain.policy import Action
from headway.domain.tree import lineage
from headway.kpis.scoring import kpi_figures
from headway.okrs.blockers import open_blockers
from headway.okrs.rollups import team_progress
from headway.okrs.views.common import pick_cycle, shown_figures
from headway.pages.http import AuthenticatedRequest, today
from headway.pages.middleware import member_required
from headway.pages.paging import paginate
from headway.teams import actions
from headway.teams.forms import TeamForm
from headway.teams.models import Team


@dataclass
class Node:
    """A team of the tree on the page: its rollup, how many child teams it has, and those
    shown under it (None while the branch is closed)."""

    team: Team
    progress: float | None
    child_count: int
    open_url: str
    children: list[Node] | None = None


@member_required
def team_list(request: AuthenticatedRequest) -> HttpResponse:
    """The top of the team tree (the company and its departments) with rollups; a branch opens
    on demand (`?open=<key>`: the page with it open, or for HTMX only its child teams); `q`
    finds teams by name or key, one page at a time."""
    membership = request.membership
    cycle, _ = pick_cycle(request, request.GET.get("cycle"))
    teams = access.teams_for(membership)
    parents: dict[int, int | None] = dict(teams.values_list("pk", "parent_id"))
    day = today(membership)
    visible = access.objectives_for(membership)
    rollup = team_progress(cycle, parents, visible, as_of=day, today=day)
    tree = TeamTree(request, parents, rollup)
    q = request.GET.get("q", "").strip()
    context: dict[str, Any] = {
        "cycle": cycle,
        "q": q,
        "team_count": len(parents),
        "can_manage": access.may_on(membership, Action.MANAGE),
    }
    if q:
        found = teams.filter(Q(name__icontains=q) | Q(key__icontains=q))
        page = paginate(request.GET, found.select_related("lead", "parent"))
        context |= {"page": page, "nodes": [tree.node(t) for t in page.items]}
        return render(request, "teams/list.html", context)
    opened = teams.filter(key=request.GET.get("open", "")).first()
    if opened and request.htmx:
        return render(request, "teams/tree_branch.html", {"nodes": tree.children(opened)})
    context["nodes"] = tree.top(opened)
    return render(request, "teams/list.html", context)


class TeamTree:
    """The nodes of the teams page, from the workspace's parent map: only the teams shown are
    read in full."""

    def __init__(
        self,
        request: AuthenticatedRequest,
        parents: dict[int, int | None],
        rollup: dict[int, float | None],
    ) -> None:
        self.request, self.parents, self.rollup = request, parents, rollup
        self.child_ids: dict[int | None, list[int]] = defaultdict(list)
        for pk, parent_id in parents.items():
            self.child_ids[parent_id if parent_id in parents else None].append(pk)

    def node(self, team: Team) -> Node:
        query = self.request.GET.copy()
        for name in ("q", "page"):
            query.pop(name, None)
        query["open"] = team.key
        return Node(
            team, self.rollup.get(team.pk), len(self.child_ids[team.pk]), f"?{query.urlencode()}"
        )

    def children(self, team: Team) -> list[Node]:
        """The child teams of `team`, closed."""
        rows = access.teams_for(self.request.membership).filter(pk__in=self.child_ids[team.pk])
        return [self.node(t) for t in rows.select_related("lead")]

    def top(self, opened: Team | None) -> list[Node]:
        """The roots and their children, and the branch down to `opened` open (one query)."""
        open_ids: set[int | None] = {None, *self.child_ids[None]}
        if opened is not None:
            path: list[int] = lineage(self.parents, opened.pk)
            open_ids.update(path)
        shown = {pk for parent in open_ids for pk in self.child_ids[parent]}
        rows = access.teams_for(self.request.membership).filter(pk__in=shown)
        nodes = {t.pk: self.node(t) for t in rows.select_related("lead")}
        for pk, node in nodes.items():
            if pk in open_ids:
                node.children = [nodes[c] for c in nodes if self.parents[c] == pk]
        return [node for pk, node in nodes.items() if pk in self.child_ids[None]]


@member_required
def detail(request: AuthenticatedRequest, key: str) -> HttpResponse:
    membership = request.membership
    team = access.get_team(membership, key)
    cycle, _ = pick_cycle(request, request.GET.get("cycle"))
    as_of = today(membership)
    parents: dict[int, int | None] = dict(
        access.teams_for(membership).values_list("id", "parent_id")
    )
    children = list(access.teams_for(membership).filter(parent=team))
    visible = access.objectives_for(membership)
    shown = {team.pk, *(t.pk for t in children)}
    rollup = team_progress(cycle, parents, visible, as_of=as_of, today=as_of, only=shown)
    objectives = list(visible.filter(team=team, cycle=cycle).select_related("owner"))
    board, hidden = shown_figures(membership, [cycle] if cycle else [], objectives)
    kpis = list(access.kpis_for(membership).filter(team=team).select_related("owner"))
    figures = kpi_figures(kpis, as_of=as_of)
    context: dict[str, Any] = {
        "team": team,
        "cycle": cycle,
        "progress": rollup.get(team.pk),
        "objectives": [
            {"objective": o, "f": board.objectives.get(o.pk), "hidden": hidden.get(o.pk, 0)}
            for o in objectives
        ],
        "kpis": [{"kpi": k, "f": figures[k.pk]} for k in kpis],
        "members": team.members.order_by("username"),
        "children": [{"team": t, "progress": rollup.get(t.pk)} for t in children],
        "can_manage": access.may_on(membership, Action.MANAGE),
        # open blockers and help requests of the team's key results (docs/scoring.md)
        "blockers": open_blockers(
            access.key_results_for(membership).filter(
                objective__team=team, objective__cycle__in=access.cycles_for(membership).open()
            )
        ),
    }
    return render(request, "teams/detail.html", context)


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
