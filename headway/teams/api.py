"""API: the team tree. Everyone reads it; admins change it."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router, Status

from headway import access
from headway.accounts.models import Membership, User
from headway.api_auth import ApiRequest
from headway.api_refs import resolved, team_ref, user_ref, users_ref
from headway.api_schemas import (
    AsOfParams,
    PageParams,
    PathKey,
    changes_of,
    page_of,
    paged,
    responds,
)
from headway.core.timeutil import today_in
from headway.domain.policy import Action
from headway.okrs.rollups import shown_team_progress
from headway.teams import actions
from headway.teams.models import Team
from headway.teams.schemas import TeamIn, TeamOut, TeamPage, TeamPatch

router = Router()


def rollup(
    membership: Membership, shown: list[Team], params: AsOfParams | None = None
) -> dict[int, float | None]:
    """Progress of the `shown` teams in the current cycle on that date, over the objectives the
    caller can see: each one's subtree summed in one query (okrs.rollups.shown_team_progress),
    not the whole tree."""
    today = today_in(membership.workspace.timezone)
    as_of = (params.as_of if params else None) or today
    cycle = access.cycles_for(membership).current(as_of)
    if cycle is None:
        return {}
    teams, visible = access.teams_for(membership), access.objectives_for(membership)
    ids = [team.pk for team in shown]
    return shown_team_progress(cycle, teams, ids, visible, as_of=as_of, today=today)


def team_out(team: Team, progress: dict[int, float | None]) -> TeamOut:
    return TeamOut(
        key=team.key,
        name=team.name,
        kind=team.kind,
        parent=team.parent.key if team.parent else None,
        lead=team.lead.username if team.lead else None,
        members=sorted(user.username for user in team.members.all()),
        progress=progress.get(team.pk),
    )


def team_fields(membership: Membership, fields: dict[str, Any]) -> dict[str, Any]:
    return resolved(membership, fields, parent=team_ref, lead=user_ref, members=users_ref)


def detailed(membership: Membership, key: str) -> Team:
    teams = access.teams_for(membership).select_related("parent", "lead")
    team = access.get_team(membership, key)
    return teams.prefetch_related("members").get(pk=team.pk)


@router.get("/teams", response=responds(200, TeamPage))
def list_teams(
    request: ApiRequest, day: Query[AsOfParams], page: Query[PageParams]
) -> dict[str, Any]:
    """Every team of the workspace, by name, with its progress."""
    teams = access.teams_for(request.auth).select_related("parent", "lead")
    count, rows = page_of(teams.prefetch_related("members"), page)
    progress = rollup(request.auth, rows, day)
    return paged(count, rows, lambda team: team_out(team, progress))


@router.post("/teams", response=responds(201, TeamOut))
def create_team(request: ApiRequest, payload: TeamIn) -> Status[TeamOut]:
    """Add a team (admins)."""
    access.check(request.auth, Action.MANAGE)
    fields = team_fields(request.auth, payload.model_dump())
    members: list[User] = fields.pop("members")
    team = actions.create_team(
        request.auth.workspace, actor=request.auth.user, via="api", members=members, **fields
    )
    team = detailed(request.auth, team.key)
    return Status(201, team_out(team, rollup(request.auth, [team])))


@router.get("/teams/{key}", response=responds(200, TeamOut))
def get_team(request: ApiRequest, key: PathKey, day: Query[AsOfParams]) -> TeamOut:
    team = detailed(request.auth, key)
    return team_out(team, rollup(request.auth, [team], day))


@router.patch("/teams/{key}", response=responds(200, TeamOut))
def update_team(request: ApiRequest, key: PathKey, payload: TeamPatch) -> TeamOut:
    """Rename, move, or change the lead or members of a team (admins)."""
    team = access.get_team(request.auth, key, Action.MANAGE)
    fields = team_fields(request.auth, changes_of(payload))
    actions.update_team(team, actor=request.auth.user, via="api", **fields)
    team = detailed(request.auth, key)
    return team_out(team, rollup(request.auth, [team]))


@router.delete("/teams/{key}", response=responds(204, None))
def delete_team(request: ApiRequest, key: PathKey) -> Status[None]:
    """Delete a team that has no child teams, objectives or KPIs (admins)."""
    team = access.get_team(request.auth, key, Action.MANAGE)
    actions.delete_team(team, actor=request.auth.user, via="api")
    return Status(204, None)
