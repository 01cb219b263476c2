"""The fan-out (docs/notifications.md): each recorded DomainEvent becomes one Notification per
person who hears it, with its e-mail scheduled when they want one.

`fan_out_pending` takes the events not yet fanned out a chunk at a time, each chunk in one
transaction: it resolves the recipients of the whole chunk in a fixed number of queries,
creates the rows (in bulk; a row already there is left alone: (event, recipient) is unique),
and marks the events fanned out. Two workers never take the same event: on PostgreSQL the
chunk's rows are locked with SKIP LOCKED (the second worker takes the next ones); on SQLite
every write transaction begins IMMEDIATE, so the second waits and then finds them done. A
crash before the commit leaves the events pending for the next run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from headway.accounts.models import Membership, User
from headway.core.trees import ancestor_map
from headway.domain.notify import (
    Audience,
    Channel,
    Reason,
    recipients,
    send_at,
    wanted,
    worth_email,
)
from headway.domain.types import Role, Visibility
from headway.events.models import DomainEvent
from headway.notifications.models import FOLLOWABLE, Follow, Notification, QuietHours
from headway.notifications.preferences import overrides_in
from headway.teams.models import Team

CHUNK = 200  # events resolved and written together
MAX_CHUNKS = 25  # per run: the periodic sweep carries on with the rest a minute later


def fan_out_pending(
    now: datetime | None = None, *, max_chunks: int = MAX_CHUNKS
) -> list[DomainEvent]:
    """Fan out the pending events, oldest first, at most `max_chunks` chunks; answer the
    events this run fanned out (for the other channels that act on each event once)."""
    done: list[DomainEvent] = []
    for _ in range(max_chunks):
        chunk = fan_out_chunk(now or timezone.now())
        if not chunk:
            break
        done.extend(chunk)
    return done


def fan_out_chunk(now: datetime) -> list[DomainEvent]:
    with transaction.atomic():
        pending = (
            DomainEvent.objects.filter(fanned_out=False)
            .select_related("workspace", "objective")
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("pk")
        )
        events = list(pending[:CHUNK])
        if not events:
            return []
        Notification.objects.bulk_create(notifications_for(events, now), ignore_conflicts=True)
        DomainEvent.objects.filter(pk__in=[e.pk for e in events]).update(fanned_out=True)
    return events


class Facts:
    """What decides who hears the events of one chunk, loaded in a fixed number of queries."""

    def __init__(self, events: list[DomainEvent]) -> None:
        workspaces = {e.workspace_id for e in events}
        self.members: dict[int, dict[int, Role]] = defaultdict(dict)
        for workspace_id, user_id, role in Membership.objects.filter(
            workspace_id__in=workspaces
        ).values_list("workspace_id", "user_id", "role"):
            self.members[workspace_id][user_id] = Role(role)
        teams = {e.team_id for e in events if e.team_id is not None}
        self.parents = ancestor_map(Team.objects.filter(pk__in=teams)) if teams else {}
        self.leads: dict[int, int | None] = dict(
            Team.objects.filter(pk__in=set(self.parents) | teams).values_list("pk", "lead_id")
        )
        self.team_members: dict[int, set[int]] = defaultdict(set)
        for team_id, user_id in Team.members.through.objects.filter(team_id__in=teams).values_list(
            "team_id", "user_id"
        ):
            self.team_members[team_id].add(user_id)
        self.followers: dict[tuple[str, int], set[int]] = defaultdict(set)
        for user_id, *subjects in self.follows(events):
            for what, pk in zip(FOLLOWABLE, subjects, strict=True):
                if pk is not None:
                    self.followers[(what, pk)].add(user_id)

    @staticmethod
    def follows(events: list[DomainEvent]) -> Iterable[tuple[int, ...]]:
        def ids(subject_type: str) -> set[int]:
            return {e.subject_id for e in events if e.subject_type == subject_type}

        objectives = {e.objective_id for e in events if e.objective_id is not None}
        teams = {e.team_id for e in events if e.team_id is not None}
        return Follow.objects.filter(
            Q(objective_id__in=objectives)
            | Q(key_result_id__in=ids("key_result"))
            | Q(kpi_id__in=ids("kpi"))
            | Q(team_id__in=teams),
            workspace_id__in={e.workspace_id for e in events},
        ).values_list("user_id", *(f"{what}_id" for what in FOLLOWABLE))

    def leads_above(self, team_id: int) -> frozenset[int]:
        found: set[int] = set()
        seen = {team_id}
        parent = self.parents.get(team_id)
        while parent is not None and parent not in seen:  # a loop in the tree ends the walk
            seen.add(parent)
            if (lead := self.leads.get(parent)) is not None:
                found.add(lead)
            parent = self.parents.get(parent)
        return frozenset(found)

    def audience(self, event: DomainEvent) -> Audience:
        objective = event.objective
        followers = set(self.followers[(event.subject_type, event.subject_id)])
        if event.objective_id is not None:
            followers |= self.followers[("objective", event.objective_id)]
        team = event.team_id
        if team is not None:
            followers |= self.followers[("team", team)]
        return Audience(
            members=self.members[event.workspace_id],
            owner=event.owner_id,
            objective_owner=objective.owner_id if objective is not None else None,
            team_lead=self.leads.get(team) if team is not None else None,
            leads_above=self.leads_above(team) if team is not None else frozenset(),
            team_members=frozenset(self.team_members[team]) if team is not None else frozenset(),
            followers=frozenset(followers),
            visibility=Visibility(objective.visibility) if objective is not None else None,
        )


def notifications_for(events: list[DomainEvent], now: datetime) -> list[Notification]:
    """The Notification rows of `events`: one per person who hears one and wants it in the
    app or by e-mail (a fixed number of queries for the whole chunk)."""
    facts = Facts(events)
    heard = {e.pk: recipients_of(e, facts) for e in events}
    people = {person for found in heard.values() for person in found}
    by_workspace: dict[int, set[int]] = defaultdict(set)
    for e in events:
        by_workspace[e.workspace_id] |= set(heard[e.pk])
    overrides = overrides_in(by_workspace)
    addresses = dict(User.objects.filter(pk__in=people).values_list("pk", "email"))
    quiet = {
        (w, u): (start, end)
        for w, u, start, end in QuietHours.objects.filter(
            workspace_id__in=by_workspace, user_id__in=people
        ).values_list("workspace_id", "user_id", "start_hour", "end_hour")
    }
    rows = []
    for event in events:
        for person, reason in heard[event.pk].items():
            chosen = overrides.get((event.workspace_id, person))
            in_app = wanted(event.kind, Channel.IN_APP, chosen)
            email = (
                bool(addresses.get(person))
                and wanted(event.kind, Channel.EMAIL, chosen)
                and worth_email(event.kind, event.data)
            )
            if not (in_app or email):
                continue
            start, end = quiet.get((event.workspace_id, person), (None, None))
            rows.append(
                Notification(
                    workspace_id=event.workspace_id,
                    recipient_id=person,
                    event=event,
                    reason=reason.value,
                    in_app=in_app,
                    created=event.at,
                    email_due=send_at(now, event.workspace.timezone, start, end) if email else None,
                )
            )
    return rows


def recipients_of(event: DomainEvent, facts: Facts) -> dict[int, Reason]:
    return recipients(event.kind, event.data, facts.audience(event), actor=event.actor_id)
