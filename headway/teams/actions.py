"""Every change to the team tree."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError

from headway.accounts.models import User, Workspace
from headway.core.errors import Conflict, Invalid
from headway.domain.tree import has_loop
from headway.history.actions import delete_recorded, record, save_changed, save_created
from headway.teams.models import Team


def validate_team(team: Team) -> None:
    parent = team.parent
    if parent is None:
        return
    if parent.workspace_id != team.workspace_id:
        raise Invalid("parent", "unknown team")
    parents = dict(
        Team.objects.filter(workspace_id=team.workspace_id).values_list("id", "parent_id")
    )
    if has_loop({**parents, team.pk or 0: parent.pk}, team.pk or 0):
        raise Invalid("parent", "would make the team its own ancestor")


@transaction.atomic
def create_team(
    workspace: Workspace,
    *,
    actor: User | None,
    via: str = "",
    members: Iterable[User] = (),
    **fields: Any,
) -> Team:
    team = Team(workspace=workspace, **fields)
    validate_team(team)
    save_created(team, actor=actor, via=via)
    team.members.set(list(members))
    return team


@transaction.atomic
def update_team(
    team: Team,
    *,
    actor: User | None,
    via: str = "",
    members: Iterable[User] | None = None,
    **fields: Any,
) -> Team:
    save_changed(team, fields, actor=actor, via=via)
    validate_team(team)
    if members is not None:
        before = set(team.members.values_list("username", flat=True))
        wanted = list(members)
        after = {user.username for user in wanted}
        if before != after:
            team.members.set(wanted)
            record(
                team.workspace,
                actor=actor,
                verb="updated",
                subject=team,
                changes={"members": [sorted(before), sorted(after)]},
                summary=str(team),
                via=via,
                team_id=team.pk,
            )
    return team


@transaction.atomic
def delete_team(team: Team, *, actor: User | None, via: str = "") -> None:
    """Delete a team that has no child teams, objectives or KPIs left."""
    try:
        with transaction.atomic():
            delete_recorded(team, actor=actor, via=via)
    except ProtectedError as error:
        raise Conflict(
            f"team {team.key!r} still has child teams, objectives or KPIs; move them first",
            field="key",
        ) from error
