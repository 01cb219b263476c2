"""The cycle review, a page of teams at a time: each objective's score, a retrospective note
each, and carrying over."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.contrib import messages
from django.db.models import F, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
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
from headway.okrs.scoring import figures_of
from headway.okrs.views.common import pick_cycle
from headway.pages.htmx import render_page_or_partial
from headway.pages.http import AuthenticatedRequest, today
from headway.pages.middleware import member_required
from headway.pages.paging import paginate

TEAMS_PER_PAGE = 10


@member_required
def review(request: AuthenticatedRequest, cycle_key: str | None = None) -> HttpResponse:
    """Each objective's score, band and success, a retrospective note each, and closing; a
    page of `TEAMS_PER_PAGE` teams at a time, or the teams matching `?team=`."""
    membership = request.membership
    cycle, cycles = pick_cycle(request, cycle_key or request.GET.get("cycle"))
    search = request.GET.get("team", "").strip()
    context: dict[str, Any] = {
        "cycle": cycle,
        "cycles": cycles,
        "search": search,
        "groups": [],
        "cycle_state": cycle.state_on(today(membership)) if cycle else None,
        "can_close": cycle is not None
        and not cycle.is_closed
        and access.may_on(membership, Action.MANAGE),
        "can_reopen": cycle is not None
        and cycle.is_closed
        and access.may_on(membership, Action.MANAGE),
        "carry": None,
    }
    if cycle is not None:
        context |= review_page(request, cycle, search)
        context["carry"] = carry_choices(cycle, cycles, context["rows"])
    return render_page_or_partial(
        request, "okrs/review.html", context, partials={"review-teams": "teams"}
    )


def review_page(request: AuthenticatedRequest, cycle: Cycle, search: str) -> dict[str, Any]:
    """The teams of this page (objectives without a team form the first group, as they sort
    first by team name) with their objectives and figures, and the counts in all."""
    membership = request.membership
    visible = access.objectives_for(membership).filter(cycle=cycle)
    matching = visible
    if search:
        matching = visible.filter(Q(team__key__iexact=search) | Q(team__name__icontains=search))
    by_team = (F("team__name").asc(nulls_first=True), "team_id")
    page = paginate(
        request.GET,
        matching.order_by(*by_team).values_list("team_id", flat=True).distinct(),
        size=TEAMS_PER_PAGE,
    )
    on_page = Q(team_id__in=[t for t in page.items if t is not None])
    if None in page.items:
        on_page |= Q(team__isnull=True)
    objectives = (
        list(matching.filter(on_page).select_related("owner", "team").order_by(*by_team, "title"))
        if page.items
        else []
    )
    day = today(membership)
    board = figures_of([cycle], as_of=day, today=day, objectives=objectives)
    rows: list[dict[str, Any]] = [
        {
            "objective": o,
            "figures": board.objectives.get(o.pk),
            "can_edit": access.may_on(membership, Action.EDIT, o),
            "form": RetrospectiveForm(initial={"retrospective": o.retrospective}),
        }
        for o in objectives
    ]
    groups = [
        {"team": team, "rows": list(group)}
        for team, group in groupby(rows, key=lambda row: row["objective"].team)
    ]
    return {"page": page, "rows": rows, "groups": groups, "objective_count": visible.count()}


def back_to_review(request: AuthenticatedRequest, cycle: Cycle) -> HttpResponse:
    """The review page a form was posted from: its page and team search are the query string
    of the form's action."""
    url, query = reverse("okrs:review-cycle", args=[cycle.key]), request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url)


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
    back = back_to_review(request, cycle)
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
        return back_to_review(request, objective.cycle)
    row = {"objective": objective, "can_edit": True, "form": form, "saved": saved}
    return render(request, "okrs/review.html#retro", {"row": row})
