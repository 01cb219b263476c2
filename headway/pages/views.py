"""My focus: the home page of a signed-in member."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from headway import access
from headway.accounts.models import Membership
from headway.domain.policy import Action
from headway.domain.rhythm import Streak
from headway.domain.types import TeamKind
from headway.events.streaks import rhythm_of
from headway.focus import (
    LIST_SIZE,
    due_for_check_in,
    first_rows,
    led_blockers,
    needs_attention,
    team_activity,
)
from headway.okrs.models import Cycle, Objective
from headway.okrs.views.common import shown_figures
from headway.pages.http import AuthenticatedRequest, today
from headway.pages.middleware import member_required

SOON_DAYS = 14


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
        "due": due_for_check_in(membership, cycles, day),
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
