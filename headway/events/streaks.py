"""Check-in discipline (docs/rhythm.md): streaks of weeks kept, the key results not checked
in on this week, and those whose status worsened lately, for a team lead's view.

The caller (a page) hands in the key results and events its reader may see; this module
reads them in a fixed number of queries, whatever their number, and applies the rules of
domain/rhythm.py. Key results that follow a KPI are left out: the KPI's values keep them
current, and a KPI left without values is announced as `kpi.stale`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import QuerySet

from headway.domain.events import Kind
from headway.domain.rhythm import (
    MAX_STREAK_WEEKS,
    WEEK,
    Streak,
    Tracked,
    Week,
    checked_in_for,
    expected_in,
    local_date,
    streak,
    week_of,
)
from headway.events.models import DomainEvent
from headway.okrs.models import CheckIn, KeyResult

LIST_SIZE = 10  # rows a list of the panel shows; it says how many there are in all
WORSENED_DAYS = 7


@dataclass(frozen=True, slots=True)
class Rhythm:
    """A team's (or a person's) check-in rhythm as of a moment."""

    week: Week
    streak: Streak
    expected: int  # key results expected to be checked in on this week
    missed: list[dict[str, Any]]  # the first LIST_SIZE not checked in on yet: {"kr", "owner"}
    missed_total: int


def rhythm_of(key_results: QuerySet[KeyResult], *, tz: str, now: datetime) -> Rhythm:
    """The streak of `key_results` (those of open cycles, say), this week's key results
    without a check-in and their owners, as of `now` in the time zone `tz` (two queries)."""
    today = local_date(now, tz)
    week = week_of(today, tz)
    krs = list(
        key_results.filter(kpi__isnull=True)
        .select_related("owner", "objective__owner", "objective__cycle")
        .order_by("objective__title", "objective_id", "position", "pk")
    )
    first = {kr.pk: max(local_date(kr.created_at, tz), kr.objective.cycle.start) for kr in krs}
    since = max(min(first.values(), default=today), week.start - MAX_STREAK_WEEKS * WEEK)
    dates: dict[int, list[date]] = defaultdict(list)
    this_week: set[int] = set()
    rows = CheckIn.objects.filter(key_result__in=key_results.filter(kpi__isnull=True))
    rows = rows.filter(at__gte=since - timedelta(days=6)).order_by()
    for kr_id, at, created in rows.values_list("key_result_id", "at", "created_at"):
        dates[kr_id].append(at)
        if checked_in_for(week, at, created):
            this_week.add(kr_id)
    tracked = {kr.pk: Tracked(first[kr.pk], kr.objective.cycle.end, dates[kr.pk]) for kr in krs}
    due = [kr for kr in krs if expected_in(tracked[kr.pk], week.start) and kr.pk not in this_week]
    return Rhythm(
        week=week,
        streak=streak(tracked.values(), as_of=today),
        expected=sum(1 for t in tracked.values() if expected_in(t, week.start)),
        missed=[{"kr": kr, "owner": kr.owner or kr.objective.owner} for kr in due[:LIST_SIZE]],
        missed_total=len(due),
    )


def worsened(events: QuerySet[DomainEvent], *, now: datetime) -> dict[str, Any]:
    """The key results of `events` (a team's, those the reader may see) whose status
    worsened in the last WORSENED_DAYS days, newest first: the first LIST_SIZE and how many
    in all (two queries)."""
    found = events.filter(
        kind=Kind.KEY_RESULT_STATUS_CHANGED.value,
        at__gte=now - timedelta(days=WORSENED_DAYS),
        data__worsened=True,
    ).order_by("-at", "-id")
    rows = list(found.select_related("owner", "objective")[:LIST_SIZE])
    return {"rows": rows, "total": found.count()}
