"""Team pages: the team tree with rollups, one team's objectives, KPIs, members and children."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render

from headway import access
from headway.accounts.models import Membership
from headway.core.errors import DomainError
from headway.core.forms import show_error, unique_key
from headway.domain.policy import Action
from headway.kpis.scoring import kpi_figures
from headway.okrs.blockers import open_blockers
from headway.okrs.models import Cycle
from headway.okrs.scoring import hidden_in_figures, scoreboard
from headway.okrs.views.common import pick_cycle
from headway.pages.http import AuthenticatedRequest, today
from headway.pages.middleware import member_required
from headway.teams import actions
from headway.teams.forms import TeamForm
from headway.teams.models import Team


def flatten(teams: list[Team]) -> list[tuple[Team, int]]:
    """Teams in tree order with their depth (company, its departments, their teams)."""
    children: dict[int | None, list[Team]] = {}
    for team in teams:
        children.setdefault(team.parent_id, []).append(team)
    known = {t.pk for t in teams}
    out: list[tuple[Team, int]] = []

    def walk(team: Team, depth: int) -> None:
        out.append((team, depth))
        for child in children.get(team.pk, []):
            walk(child, min(depth + 1, 4))

    for team in teams:
        if team.parent_id is None or team.parent_id not in known:
            walk(team, 0)
    return out


def visible_ids(membership: Membership, cycle: Cycle | None) -> set[int]:
    """The objectives of `cycle` a team rollup may count for this reader: those they can see."""
    rows = access.objectives_for(membership).filter(cycle=cycle)
    return set(rows.values_list("id", flat=True)) if cycle else set()


@member_required
def team_list(request: AuthenticatedRequest) -> HttpResponse:
    membership = request.membership
    cycle, _ = pick_cycle(request, request.GET.get("cycle"))
    teams = list(access.teams_for(membership).select_related("lead"))
    board = scoreboard([cycle] if cycle else [], as_of=today(membership))
    rollup = board.team_progress({t.pk: t.parent_id for t in teams}, visible_ids(membership, cycle))
    rows = [{"team": t, "depth": d, "progress": rollup.get(t.pk)} for t, d in flatten(teams)]
    context = {"rows": rows, "cycle": cycle, "can_manage": access.may_on(membership, Action.MANAGE)}
    return render(request, "teams/list.html", context)


@member_required
def detail(request: AuthenticatedRequest, key: str) -> HttpResponse:
    membership = request.membership
    team = access.get_team(membership, key)
    cycle, _ = pick_cycle(request, request.GET.get("cycle"))
    as_of = today(membership)
    teams = list(access.teams_for(membership))
    board = scoreboard([cycle] if cycle else [], as_of=as_of)
    rollup = board.team_progress({t.pk: t.parent_id for t in teams}, visible_ids(membership, cycle))
    objectives = (
        access.objectives_for(membership).filter(team=team, cycle=cycle).select_related("owner")
    )
    kpis = list(access.kpis_for(membership).filter(team=team).select_related("owner"))
    figures = kpi_figures(kpis, as_of=as_of)
    hidden = hidden_in_figures([cycle.pk] if cycle else [], access.hidden_objectives_q(membership))
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
        "children": [
            {"team": t, "progress": rollup.get(t.pk)} for t in teams if t.parent_id == team.pk
        ],
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
