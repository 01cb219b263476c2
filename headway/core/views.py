"""My focus: the home page of a signed-in member."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Max, Q
from django.http import HttpResponse
from django.shortcuts import render

from headway.accounts import access
from headway.core.http import AuthenticatedRequest, allowed, today
from headway.core.middleware import member_required
from headway.domain.policy import Action, Relation
from headway.domain.types import CycleState, InitiativeStatus, KPIStatus
from headway.history.models import Event
from headway.kpis.scoring import kpi_figures
from headway.okrs.scoring import scoreboard

SOON_DAYS = 14


@member_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    """KRs due for a check-in this week, my objectives, KPIs needing attention, due initiatives,
    and recent activity in my teams."""
    membership, user = request.membership, request.user
    day = today(membership)
    week_start = day - timedelta(days=day.weekday())
    cycles = list(access.cycles_for(membership).exclude(state=CycleState.CLOSED.value))
    board = scoreboard(cycles, as_of=day)
    krs = (
        access.key_results_for(membership)
        .filter(Q(owner=user) | Q(owner__isnull=True, objective__owner=user))
        .filter(objective__cycle__in=cycles)
        .select_related("objective")
        .annotate(last_check_in=Max("check_ins__at"))
        .order_by("objective__title", "position")
    )
    due = [
        {"kr": kr, "f": board.key_results.get(kr.pk)}
        for kr in krs
        if kr.last_check_in is None or kr.last_check_in < week_start
    ]
    objectives = (
        access.objectives_for(membership)
        .filter(owner=user, cycle__in=cycles)
        .select_related("team", "cycle")
    )
    kpis = list(access.kpis_for(membership).filter(owner=user).select_related("team"))
    figures = kpi_figures(kpis, as_of=day)
    attention = [
        {"kpi": k, "f": figures[k.pk]}
        for k in kpis
        if figures[k.pk].stale
        or figures[k.pk].status in (KPIStatus.RED.value, KPIStatus.AMBER.value)
    ]
    initiatives = (
        access.initiatives_for(membership)
        .filter(Q(owner=user) | Q(owner__isnull=True, objective__owner=user))
        .filter(due__lte=day + timedelta(days=SOON_DAYS))
        .filter(status__in=[InitiativeStatus.TODO.value, InitiativeStatus.DOING.value])
        .select_related("objective")
        .order_by("due")
    )
    mine = access.team_context(membership).mine
    activity = (
        Event.objects.filter(workspace_id=membership.workspace_id, team_id__in=mine)
        .filter(Q(objective__isnull=True) | Q(objective__in=access.objectives_for(membership)))
        .select_related("actor", "objective")[:12]
    )
    context = {
        "day": day,
        "due": due,
        "objectives": [{"objective": o, "f": board.objectives.get(o.pk)} for o in objectives],
        "kpis": attention,
        "initiatives": initiatives,
        "activity": activity,
        "can_check_in": allowed(membership, Action.CHECK_IN, Relation(is_owner=True)),
        "has_open_cycle": bool(cycles),
    }
    return render(request, "core/home.html", context)
