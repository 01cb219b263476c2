"""The cycle review: every objective's score, a retrospective note each, and carrying over."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from headway import access
from headway.core.errors import Conflict, Invalid, NotFound
from headway.domain.carry import is_unfinished
from headway.domain.policy import Action
from headway.okrs import actions
from headway.okrs.forms import (
    RetrospectiveForm,
)
from headway.okrs.models import Cycle
from headway.okrs.scoring import scoreboard
from headway.okrs.views.common import pick_cycle
from headway.pages.http import AuthenticatedRequest, today
from headway.pages.middleware import member_required


@member_required
def review(request: AuthenticatedRequest, cycle_key: str | None = None) -> HttpResponse:
    """Every objective's score, band and success, a retrospective note each, and closing."""
    membership = request.membership
    cycle, cycles = pick_cycle(request, cycle_key or request.GET.get("cycle"))
    rows: list[dict[str, Any]] = []
    if cycle is not None:
        board = scoreboard([cycle], as_of=today(membership))
        objectives = (
            access.objectives_for(membership)
            .filter(cycle=cycle)
            .select_related("owner", "team")
            .order_by("team__name", "title")
        )
        rows = [
            {
                "objective": o,
                "figures": board.objectives.get(o.pk),
                "can_edit": access.may_on(membership, Action.EDIT, o),
                "form": RetrospectiveForm(initial={"retrospective": o.retrospective}),
            }
            for o in objectives
        ]
    context = {
        "cycle": cycle,
        "cycles": cycles,
        "rows": rows,
        "cycle_state": cycle.state_on(today(membership)) if cycle else None,
        "can_close": cycle is not None
        and not cycle.is_closed
        and access.may_on(membership, Action.MANAGE),
        "can_reopen": cycle is not None
        and cycle.is_closed
        and access.may_on(membership, Action.MANAGE),
        "carry": carry_choices(cycle, cycles, rows),
    }
    return render(request, "okrs/review.html", context)


def carry_choices(
    cycle: Cycle | None, cycles: list[Cycle], rows: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """The carry-over form of the review page: the unfinished objectives the caller may edit,
    and the planned or active cycles to carry them into (the next one first)."""
    if cycle is None:
        return None
    objectives = [
        row
        for row in rows
        if row["can_edit"]
        and not row["objective"].carried_over
        and is_unfinished(row["figures"].progress if row["figures"] else None)
    ]
    targets = sorted(
        (c for c in cycles if not c.is_closed and c.pk != cycle.pk),
        key=lambda c: (c.start <= cycle.start, c.start),
    )
    if not objectives or not targets:
        return None
    return {"rows": objectives, "targets": targets}


@require_POST
@member_required
def carry_over(request: AuthenticatedRequest, cycle_key: str) -> HttpResponse:
    """Carry the ticked objectives of a cycle into another one (docs/scoring.md)."""
    membership = request.membership
    cycle = access.get_cycle(membership, cycle_key)
    back = redirect("okrs:review-cycle", cycle_key=cycle.key)
    try:
        objectives = access.objectives_to_carry(
            membership, cycle, request.POST.getlist("objectives")
        )
        to_cycle = access.get_cycle(membership, request.POST.get("to_cycle", ""))
        carried = actions.carry_over(
            objectives,
            to_cycle=to_cycle,
            mode=request.POST.get("mode", "move"),
            actor=request.user,
            via="web",
        )
    except (Invalid, Conflict, NotFound) as error:
        messages.error(request, error.message)
        return back
    messages.success(
        request,
        f"{len(carried)} objective{'s' if len(carried) != 1 else ''} carried over to "
        f"{to_cycle.name}: " + ", ".join(o.key for o in carried),
    )
    return back


@require_POST
@member_required
def retrospective(request: AuthenticatedRequest, key: str) -> HttpResponse:
    objective = access.get_objective(request.membership, key, Action.EDIT)
    form = RetrospectiveForm(request.POST)
    saved = False
    if form.is_valid():
        actions.update_objective(
            objective,
            actor=request.user,
            via="web",
            retrospective=form.cleaned_data["retrospective"],
        )
        saved = True
    if not request.htmx:
        return redirect("okrs:review-cycle", cycle_key=objective.cycle.key)
    row = {"objective": objective, "can_edit": True, "form": form, "saved": saved}
    return render(request, "okrs/review.html#retro", {"row": row})
