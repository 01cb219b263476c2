"""Recording domain events (docs/notifications.md): the writes that cause an event call
`record` in their transaction; when it commits, `recorded` tells the notifications app to fan
the new events out (it also sweeps for any left behind)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from headway.domain.events import Kind
from headway.events.models import DomainEvent, LastSeen

recorded = Signal()  # sent once a transaction that recorded events has committed


@dataclass(frozen=True, slots=True)
class Subject:
    """What an event is about, and who stands to it (the owner, the team, the objective)."""

    type: str  # key_result, objective, kpi, cycle, initiative, dependency
    id: int
    key: str
    title: str
    objective_id: int | None = None
    team_id: int | None = None
    owner_id: int | None = None


@dataclass(frozen=True, slots=True)
class Happened:
    """An event to record: `once` names it where it may happen only once (a milestone)."""

    kind: Kind
    subject: Subject
    data: Mapping[str, Any] = field(default_factory=dict)
    once: str | None = None


def record(
    workspace_id: int,
    events: Iterable[Happened],
    *,
    actor_id: int | None = None,
    at: datetime | None = None,
) -> int:
    """Record `events` (one query), dropping any whose `once` key was recorded before; answer
    how many were offered. The fan-out runs when the surrounding transaction commits."""
    when = at or timezone.now()
    rows = [
        DomainEvent(
            workspace_id=workspace_id,
            kind=e.kind.value,
            at=when,
            subject_type=e.subject.type,
            subject_id=e.subject.id,
            subject_key=e.subject.key,
            title=e.subject.title[:300],
            objective_id=e.subject.objective_id,
            team_id=e.subject.team_id,
            owner_id=e.subject.owner_id,
            actor_id=actor_id,
            data=dict(e.data),
            once=e.once or "",
        )
        for e in events
    ]
    if rows:
        DomainEvent.objects.bulk_create(rows, ignore_conflicts=True)
        transaction.on_commit(lambda: recorded.send(sender=DomainEvent))
    return len(rows)


def seen_before(workspace_id: int, subject_type: str, ids: Iterable[int]) -> set[int]:
    """Those of `ids` whose status was seen before (one query)."""
    return set(
        LastSeen.objects.filter(
            workspace_id=workspace_id, subject_type=subject_type, subject_id__in=list(ids)
        ).values_list("subject_id", flat=True)
    )


def status_changes(
    workspace_id: int,
    subject_type: str,
    statuses: Mapping[int, str | None],
    *,
    previously: Mapping[int, str | None] | None = None,
) -> dict[int, tuple[str, str]]:
    """Compare each object's status now (`statuses`, by id) with the last one seen, remember the
    new ones, and answer {id: (before, after)} where it changed (two queries). An object never
    seen before is compared with its status `previously` (what a write knew before it changed
    the figures), else it has no change; neither has an object without a status."""
    known = dict(
        LastSeen.objects.filter(
            subject_type=subject_type, subject_id__in=list(statuses)
        ).values_list("subject_id", "status")
    )
    earlier = {**(previously or {}), **known}
    changed = {
        pk: (was, status)
        for pk, status in statuses.items()
        if status is not None and (was := earlier.get(pk)) is not None and was != status
    }
    fresh = [
        LastSeen(workspace_id=workspace_id, subject_type=subject_type, subject_id=pk, status=s)
        for pk, s in statuses.items()
        if s is not None and known.get(pk) != s
    ]
    if fresh:
        LastSeen.objects.bulk_create(
            fresh,
            update_conflicts=True,
            unique_fields=["subject_type", "subject_id"],
            update_fields=["status"],
        )
    return changed
