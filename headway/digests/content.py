"""What each digest tells one person (docs/digests.md), read through their access and
headway/focus.py: a fixed number of queries per person, whatever the size of the workspace;
each list shows its first rows and how many there are in all.

A builder answers None when the digest would be empty: nothing is sent then.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q

from headway import access
from headway.accounts.models import Membership
from headway.domain.blockers import HELP_PREFIX
from headway.domain.digests import Change, kpi_change, previous_month
from headway.domain.events import Kind
from headway.domain.numbers import dec
from headway.domain.policy import Action
from headway.domain.rhythm import Streak, local_date
from headway.domain.types import KPIDirection
from headway.events.models import DomainEvent
from headway.events.streaks import rhythm_of, worsened
from headway.focus import LIST_SIZE, due_for_check_in, first_rows, led_blockers, needs_attention
from headway.kpis.models import KPI
from headway.kpis.scoring import kpi_figures, with_latest
from headway.notifications.messages import path_of, sentence
from headway.okrs.models import Cycle, Objective

MOVED_DAYS = 7
# What moved: progress and status, not the nudges (reminders, staleness: "what needs you").
MOVED_KINDS = (
    Kind.KEY_RESULT_MILESTONE,
    Kind.OBJECTIVE_MILESTONE,
    Kind.OBJECTIVE_ACHIEVED,
    Kind.OBJECTIVE_STATUS_CHANGED,
    Kind.KEY_RESULT_STATUS_CHANGED,
    Kind.KPI_STATUS_CHANGED,
)
KPI_REVIEW_SIZE = 20  # KPIs a monthly review lists


@dataclass(frozen=True, slots=True)
class Moved:
    """One event of the week, with why the reader hears of it."""

    title: str
    said: str
    path: str
    at: datetime
    why: str


@dataclass(frozen=True, slots=True)
class Weekly:
    """The weekly personal digest of one person."""

    membership: Membership
    day: date
    moved: list[Moved]
    moved_total: int
    due: dict[str, Any]  # first_rows of focus.due_for_check_in
    kpis: dict[str, Any]  # focus.needs_attention of the KPIs they own
    blockers: dict[str, Any]  # first_rows of focus.led_blockers
    missed: list[dict[str, Any]]  # the teams they lead: key results without a check-in
    missed_total: int
    worsened: dict[str, Any]  # the teams they lead: key results worsened this week
    streak: Streak | None
    leads: bool = field(default=False)

    def is_empty(self) -> bool:
        return not (
            self.moved_total
            or self.due["total"]
            or self.kpis["total"]
            or self.blockers["total"]
            or self.missed_total
            or self.worsened["total"]
        )


def weekly(membership: Membership, now: datetime) -> Weekly | None:
    """What moved in the last seven days on what the person owns, leads or follows; what needs
    them (key results due for a check-in, their KPIs needing attention, and for a lead the
    missed check-ins, open blockers and help requests, key results that worsened); their
    streak. None when there is nothing to tell."""
    tz = membership.workspace.timezone
    day = local_date(now, tz)
    cycles = list(access.cycles_for(membership).open())
    checks_in = access.may_own(membership, Action.CHECK_IN)
    led = access.team_context(membership).led_subtree
    mine = access.key_results_for(membership).checked_in_by(membership.user)
    missed: list[dict[str, Any]] = []
    missed_total = 0
    worse: dict[str, Any] = {"rows": [], "total": 0}
    if led:
        team_krs = access.key_results_for(membership).filter(
            objective__team_id__in=led, objective__cycle__in=cycles
        )
        team_rhythm = rhythm_of(team_krs, tz=tz, now=now)
        missed, missed_total = team_rhythm.missed, team_rhythm.missed_total
        found = worsened(access.domain_events_for(membership).filter(team_id__in=led), now=now)
        worse = {
            "rows": [{"event": e, "said": sentence(e), "path": path_of(e)} for e in found["rows"]],
            "total": found["total"],
        }
    digest = Weekly(
        membership=membership,
        day=day,
        **moved(membership, now),
        due=first_rows(due_for_check_in(membership, cycles, day) if checks_in else []),
        kpis=needs_attention(access.kpis_for(membership).filter(owner=membership.user), day),
        blockers=first_rows([blocker(row) for row in led_blockers(membership, cycles)]),
        missed=missed,
        missed_total=missed_total,
        worsened=worse,
        streak=rhythm_of(mine.filter(objective__cycle__in=cycles), tz=tz, now=now).streak
        if checks_in
        else None,
        leads=bool(led),
    )
    return None if digest.is_empty() else digest


def blocker(row: dict[str, Any]) -> dict[str, Any]:
    """A row of open_blockers with what it says (a help request without its prefix: the
    digest says "Help requested")."""
    said = row["check_in"].blockers.strip()
    return {**row, "said": said.removeprefix(HELP_PREFIX).strip() if row["help"] else said}


def moved(membership: Membership, now: datetime) -> dict[str, Any]:
    """The progress and status events of the last MOVED_DAYS days on what the person owns,
    the teams they lead, and what they follow (three queries)."""
    user_id = membership.user_id
    follows = list(
        access.follows_for(membership).values_list(
            "objective_id", "key_result_id", "kpi_id", "team_id"
        )
    )
    objectives, key_results, kpis, teams = (
        {row[i] for row in follows if row[i] is not None} for i in range(4)
    )
    led = access.team_context(membership).led_subtree
    mine = Q(owner_id=user_id)
    about = (
        mine
        | Q(team_id__in=led)
        | Q(objective_id__in=objectives)
        | Q(subject_type="key_result", subject_id__in=key_results)
        | Q(subject_type="kpi", subject_id__in=kpis)
        | Q(team_id__in=teams)
    )
    found = (
        access.domain_events_for(membership)
        .filter(
            about, kind__in=[k.value for k in MOVED_KINDS], at__gte=now - timedelta(days=MOVED_DAYS)
        )
        .order_by("-at", "-id")
    )
    rows = list(found.select_related("objective")[:LIST_SIZE])

    def why(event: DomainEvent) -> str:
        if event.owner_id == user_id:
            return "you own it"
        if event.team_id in led:
            return "you lead its team"
        return "you follow it"

    return {
        "moved": [Moved(e.title, sentence(e), path_of(e), e.at, why(e)) for e in rows],
        "moved_total": found.count(),
    }


# The monthly KPI review ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KPIRow:
    kpi: KPI
    status: str
    value: float | None
    at: date | None
    change: Change
    stale: bool


@dataclass(frozen=True, slots=True)
class KPIReview:
    """The monthly KPI review of one person: the KPIs of the teams they lead or belong to."""

    membership: Membership
    month: tuple[date, date]  # the month reviewed: its first and last day
    rows: list[KPIRow]
    total: int
    stale: int  # how many of the rows shown have no fresh value

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.rows))


def kpi_review(membership: Membership, now: datetime) -> KPIReview | None:
    """The KPIs of the person's teams with their status, latest value and change over the
    month reviewed (the one before this), stale ones marked (three queries). None when their
    teams have no KPI."""
    month = previous_month(local_date(now, membership.workspace.timezone))
    mine = access.team_context(membership).mine
    kpis = access.kpis_for(membership).filter(team_id__in=mine)
    first = list(kpis.select_related("team").order_by("team__name", "name", "pk")[:KPI_REVIEW_SIZE])
    if not first:
        return None
    at_end = kpi_figures(first, as_of=month[1])
    before = dict(
        with_latest(
            KPI.objects.filter(pk__in=[k.pk for k in first]), as_of=month[0] - timedelta(days=1)
        ).values_list("pk", "latest_value")
    )
    rows = []
    for kpi in first:
        figures = at_end[kpi.pk]
        change = kpi_change(
            dec(before.get(kpi.pk)),
            dec(figures.latest_value),
            KPIDirection(kpi.direction),
            low=dec(kpi.low),
            high=dec(kpi.high),
        )
        rows.append(
            KPIRow(
                kpi, figures.status, figures.latest_value, figures.latest_at, change, figures.stale
            )
        )
    total = kpis.count()
    return KPIReview(membership, month, rows, total, sum(1 for r in rows if r.stale))


# The retrospective reminder ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Retrospective:
    """The objectives of a cycle ending or ended that a person owns and that have no
    retrospective yet."""

    membership: Membership
    cycle: Cycle
    objectives: list[Objective]
    total: int

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.objectives))


def retrospective(membership: Membership, cycle: Cycle) -> Retrospective | None:
    """The person's objectives of `cycle` without a retrospective (carried-over ones aside: they
    go on in a later cycle); None when there is none (one or two queries)."""
    rows = (
        access.objectives_for(membership)
        .filter(cycle=cycle, owner_id=membership.user_id, retrospective="", carried_over=False)
        .order_by("title", "pk")
    )
    first = list(rows[:LIST_SIZE])
    if not first:
        return None
    total = rows.count()
    return Retrospective(membership, cycle, first, total)
