"""Every change to the team tree, one team at a time or in bulk (the plan import)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict, Unpack

from django.db import transaction
from django.db.models import ProtectedError

from headway.accounts.models import User, Workspace
from headway.core.errors import Conflict, Invalid
from headway.core.trees import ancestor_map
from headway.domain.tree import has_loop, team_rank
from headway.history.actions import (
    BATCH,
    Batch,
    delete_recorded,
    record,
    save_changed,
    save_created,
)
from headway.teams.models import Team


class TeamFields(TypedDict, total=False):
    """The fields create_team and update_team may be given (references as objects)."""

    key: str
    name: str
    kind: str
    parent: Team | None
    lead: User | None


def validate_team(team: Team) -> None:
    parent = team.parent
    if parent is None:
        return
    if parent.workspace_id != team.workspace_id:
        raise Invalid("parent", "unknown team")
    parents = ancestor_map(Team.objects.filter(pk=parent.pk))
    if has_loop({**parents, team.pk or 0: parent.pk}, team.pk or 0):
        raise Invalid("parent", "would make the team its own ancestor")


@transaction.atomic
def create_team(
    workspace: Workspace,
    *,
    actor: User | None,
    via: str = "",
    members: Iterable[User] = (),
    **fields: Unpack[TeamFields],
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
    **fields: Unpack[TeamFields],
) -> Team:
    changes = save_changed(team, fields, actor=actor, via=via)
    validate_team(team)
    if "kind" in changes:  # its objectives' place in the OKR tree's order (Objective.team_rank)
        team.objectives.update(team_rank=team_rank(team.kind))
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


# Bulk writes (the plan import) -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TeamRow:
    """A team to write: its fields (the lead as an id), its parent as a key (it may be written
    in the same batch) and its members as usernames (the batch knows their ids)."""

    key: str
    values: Mapping[str, Any]
    parent: str | None
    members: Sequence[str]


def team_context(team: Team) -> dict[str, int | None]:
    return {"objective_id": None, "team_id": team.pk}


@transaction.atomic
def upsert_teams(batch: Batch, items: Sequence[TeamRow], rows: dict[str, Team]) -> None:
    """Create or update teams by key, with their parents and members (a team's members become
    exactly those given). The caller checked that no parent makes a loop (domain.tree)."""
    members: dict[int, dict[int, int]] = defaultdict(dict)
    through = Team.members.through
    for row_id, team_id, user_id in through.objects.filter(
        team__workspace=batch.workspace
    ).values_list("id", "team_id", "user_id"):
        members[team_id][user_id] = row_id
    pairs = [(item.key, item.values) for item in items]
    upserted = batch.upsert(Team, "team", pairs, rows)
    add, remove = [], []
    for one in upserted:
        item = items[one.index]
        current = members[one.row.pk]
        wanted = {batch.ids["user"][username] for username in item.members}
        if set(current) == wanted:
            continue
        add += [through(team_id=one.row.pk, user_id=u) for u in wanted - set(current)]
        remove += [row_id for u, row_id in current.items() if u not in wanted]
        before = sorted(batch.names["user"].get(u, str(u)) for u in current)
        after = sorted(item.members)
        one.changes["members"] = after if one.new else [before, after]
    through.objects.bulk_create(add, batch_size=BATCH)
    if remove:
        through.objects.filter(id__in=remove).delete()
    late = {i: {"parent": batch.ref("team", item.parent)} for i, item in enumerate(items)}
    batch.finish("team", upserted, team_context, late=late)
