"""My focus: the home page of a signed-in member."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any, TypedDict, cast

from django.db.models import Max, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django_stubs_ext import WithAnnotations

from headway import access
from headway.accounts.models import Membership
from headway.domain.policy import Action
from headway.domain.rhythm import Streak
from headway.domain.types import TeamKind
from headway.events.streaks import rhythm_of
from headway.history.models import Event
from headway.kpis.models import KPI
from headway.kpis.scoring import kpi_figures, latest_figures, needing_attention
from headway.okrs.blockers import open_blockers
from headway.okrs.models import Cycle, KeyResult, Objective
from headway.okrs.scoring import figures_of
from headway.okrs.views.common import shown_figures
from headway.pages.http import AuthenticatedRequest, today
from headway.pages.middleware import member_required

SOON_DAYS = 14
# The lists that grow with the organisation show their first rows and how many there are.
LIST_SIZE = 10


class LastCheckIn(TypedDict):
    last_check_in: date | None


def needs_attention(kpis: QuerySet[KPI], day: date) -> dict[str, Any]:
    """The first `LIST_SIZE` of `kpis` needing attention with their figures, and how many in
    all: the selection is made in SQL, the figures are computed for the rows shown only."""
    selected = needing_attention(kpis, as_of=day)
    first = list(selected[:LIST_SIZE])
    rows = [
        {"kpi": k, "f": latest_figures(k, k.latest_at, k.latest_value, as_of=day)} for k in first
    ]
    return first_rows(rows, selected.count())


def first_rows(rows: list[dict[str, Any]], total: int | None = None) -> dict[str, Any]:
    """The first `LIST_SIZE` of `rows` (or of `total` rows, `rows` being the first ones), the
    count in all, and how many are left out."""
    total = len(rows) if total is None else total
    return {"rows": rows[:LIST_SIZE], "total": total, "more": max(0, total - LIST_SIZE)}


def due_for_check_in(
    request: AuthenticatedRequest, cycles: list[Cycle], day: date
) -> list[dict[str, Any]]:
    """My key results without a check-in this week. One driven by a KPI is due only while its
    KPI is stale or has no value: a fresh KPI keeps it up to date (docs/scoring.md)."""
    week_start = day - timedelta(days=day.weekday())
    krs = cast(
        "list[WithAnnotations[KeyResult, LastCheckIn]]",
        list(
            access.key_results_for(request.membership)
            .checked_in_by(request.user)
            .filter(objective__cycle__in=cycles)
            .select_related("objective", "kpi")
            .annotate(last_check_in=Max("check_ins__at"))
            .order_by("objective__title", "position")
        ),
    )
    kpis = {kr.kpi.pk: kr.kpi for kr in krs if kr.kpi is not None}
    kpi_f = kpi_figures(list(kpis.values()), as_of=day)
    board = figures_of(cycles, as_of=day, today=day, key_results=krs)
    due = []
    for kr in krs:
        if kr.last_check_in is not None and kr.last_check_in >= week_start:
            continue
        kf = kpi_f.get(kr.kpi_id) if kr.kpi_id is not None else None
        if kf is not None and kf.latest_value is not None and not kf.stale:
            continue
        due.append({"kr": kr, "f": board.key_results.get(kr.pk), "kpi": kr.kpi if kf else None})
    return due


def led_blockers(membership: Membership, cycles: list[Cycle]) -> list[dict[str, Any]]:
    """Open blockers and help requests in the teams I lead (and the teams below them)."""
    led = access.team_context(membership).led_subtree
    if not led:
        return []
    return open_blockers(
        access.key_results_for(membership).filter(
            objective__team_id__in=led, objective__cycle__in=cycles
        )
    )


def objective_rows(
    membership: Membership, cycles: list[Cycle], objectives: Iterable[Objective]
) -> list[dict[str, Any]]:
    """Each objective with its figures (stored ones for today's pages) and the number of its key
    results hidden from me."""
    rows = list(objectives)
    board, hidden = shown_figures(membership, cycles, rows)
    return [
        {"objective": o, "f": board.objectives.get(o.pk), "hidden": hidden.get(o.pk, 0)}
        for o in rows
    ]


def team_activity(membership: Membership) -> QuerySet[Event]:
    """Recent events in my teams, about objectives I can see or about none."""
    mine = access.team_context(membership).mine
    events = Event.objects.filter(workspace_id=membership.workspace_id, team_id__in=mine)
    # The rule on the joined objective row, not `objective__in=` every objective I can see:
    # SQLite built that whole list before reading twelve events.
    if seen := access.visible_objectives_q(membership, "objective__"):  # Q() for an admin
        events = events.filter(Q(objective__isnull=True) | seen)
    return events.select_related("actor", "objective")[:12]


def viewer_home(request: AuthenticatedRequest) -> HttpResponse:
    """A viewer follows the company: its objectives this cycle and the KPIs needing attention."""
    membership = request.membership
    day = today(membership)
    cycle = access.cycles_for(membership).current(day)
    objectives = (
        access.objectives_for(membership)
        .filter(cycle=cycle)
        .filter(Q(team__isnull=True) | Q(team__kind=TeamKind.COMPANY.value))
        .select_related("team", "owner")
        .order_by("title")
    )
    kpis = access.kpis_for(membership).select_related("team").order_by("name")
    context = {
        "day": day,
        "cycle": cycle,
        "objectives": first_rows(
            objective_rows(membership, [cycle] if cycle else [], objectives[:LIST_SIZE]),
            objectives.count(),
        ),
        "kpis": needs_attention(kpis, day),
        "kpi_count": kpis.count(),
    }
    return render(request, "core/home_viewer.html", context)


@member_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    """KRs due for a check-in this week, my objectives, KPIs needing attention, due initiatives,
    open blockers of the teams I lead, and recent activity in my teams."""
    membership, user = request.membership, request.user
    can_check_in = access.may_own(membership, Action.CHECK_IN)
    if not can_check_in:
        return viewer_home(request)
    day = today(membership)
    cycles = list(access.cycles_for(membership).open())
    objectives = (
        access.objectives_for(membership)
        .filter(owner=user, cycle__in=cycles)
        .select_related("team", "cycle")
    )
    kpis = access.kpis_for(membership).filter(owner=user).select_related("team")
    initiatives = (
        access.initiatives_for(membership)
        .due_for(user, until=day + timedelta(days=SOON_DAYS))
        .filter(objective__cycle__in=cycles)
        .select_related("objective")
        .order_by("due")
    )
    context = {
        "day": day,
        "due": due_for_check_in(request, cycles, day),
        "objectives": objective_rows(membership, cycles, objectives),
        "kpis": needs_attention(kpis, day),
        "has_kpis": kpis.exists(),
        "initiatives": initiatives,
        "blockers": first_rows(led_blockers(membership, cycles)),
        "leads": bool(access.team_context(membership).led_subtree),
        "activity": team_activity(membership),
        "can_check_in": can_check_in,
        "has_open_cycle": bool(cycles),
        "streak": my_streak(request, cycles),
    }
    return render(request, "core/home.html", context)


def my_streak(request: AuthenticatedRequest, cycles: list[Cycle]) -> Streak:
    """Weeks in a row I checked in on every key result I answer for (docs/rhythm.md)."""
    mine = access.key_results_for(request.membership).checked_in_by(request.user)
    tz = request.membership.workspace.timezone
    return rhythm_of(mine.filter(objective__cycle__in=cycles), tz=tz, now=timezone.now()).streak
