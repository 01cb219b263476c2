"""The weekly check-in: one form for all my key results, saved in one transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render

from headway import access
from headway.core.errors import DomainError
from headway.core.forms import show_error
from headway.domain.policy import Action
from headway.domain.types import CycleState, Metric
from headway.okrs import actions
from headway.okrs.forms import CheckInForm
from headway.okrs.models import KeyResult
from headway.okrs.scoring import Scoreboard, figures_of
from headway.pages.htmx import render_page_or_partial
from headway.pages.http import AuthenticatedRequest, today
from headway.pages.middleware import member_required


def my_key_results(request: AuthenticatedRequest) -> list[KeyResult]:
    """Key results the caller checks in on: theirs, or unowned ones of their objectives."""
    return list(
        access.key_results_for(request.membership)
        .checked_in_by(request.user)
        .exclude(objective__cycle__state=CycleState.CLOSED.value)
        .select_related("objective", "objective__cycle", "objective__team", "owner", "kpi")
        .order_by("objective__title", "position", "key")
    )


def figures(request: AuthenticatedRequest, krs: list[KeyResult]) -> Scoreboard:
    """The figures of `krs` as of today."""
    day = today(request.membership)
    cycles = [kr.objective.cycle for kr in krs]
    return figures_of(cycles, as_of=day, today=day, key_results=krs)


def check_in_rows(
    krs: list[KeyResult], board: Scoreboard, data: Any = None
) -> list[dict[str, Any]]:
    rows = []
    for kr in krs:
        figures = board.key_results.get(kr.pk)
        initial = {"confidence": (figures.confidence if figures else None) or 7}
        if kr.metric == Metric.BOOLEAN.value:
            initial["value"] = bool(figures and figures.current)
        form = CheckInForm(data, prefix=kr.key, initial=initial, kr=kr, today=board.as_of)
        if kr.kpi_id is not None:
            del form.fields["value"]  # the KPI drives it: confidence and notes only
        rows.append({"kr": kr, "figures": figures, "form": form})
    return rows


def is_filled(row: dict[str, Any]) -> bool:
    """A row to save: a value given, or, for a KPI-driven key result, a confidence changed or a
    note, blocker or help request written."""
    form, data = row["form"], row["form"].cleaned_data
    if row["kr"].kpi_id is None:
        return data.get("value") is not None
    return "confidence" in form.changed_data or any(
        data.get(name) for name in ("note", "blockers", "help_needed")
    )


@member_required
def check_in(request: AuthenticatedRequest) -> HttpResponse:
    """One form for all my key results; saving is one transaction, shown without a reload."""
    membership = request.membership
    if request.method == "POST":
        # A role that may not check in on anything (a viewer) is refused before anything else.
        access.check_own(membership, Action.CHECK_IN)
    elif not access.may_own(membership, Action.CHECK_IN):
        return render(request, "okrs/check_in_viewer.html")  # what a viewer does instead
    krs = my_key_results(request)
    saved = 0
    rows = check_in_rows(
        krs, figures(request, krs), request.POST if request.method == "POST" else None
    )
    if request.method == "POST" and all(row["form"].is_valid() for row in rows):
        saved = save_check_ins(request, rows)
        if saved:  # read again: the check-ins changed their stored figures
            krs = my_key_results(request)
            rows = check_in_rows(krs, figures(request, krs))
    context = {"rows": rows, "saved": saved, "posted": request.method == "POST"}
    return render_page_or_partial(
        request, "okrs/check_in.html", context, partials={"check-in": "check-in"}
    )


def save_check_ins(request: AuthenticatedRequest, rows: list[dict[str, Any]]) -> int:
    """Record every filled row, all or nothing; errors go next to their fields."""
    filled = [row for row in rows if is_filled(row)]
    try:
        with transaction.atomic():
            for row in filled:
                kr, data = row["kr"], row["form"].cleaned_data
                access.check_on(request.membership, Action.CHECK_IN, kr)
                try:
                    actions.record_check_in(
                        kr,
                        actor=request.user,
                        value=data.get("value"),
                        confidence=data["confidence"],
                        at=data.get("at"),
                        note=data["note"],
                        blockers=row["form"].blockers_text(),
                        via="web",
                    )
                except DomainError as error:
                    show_error(row["form"], error)
                    raise
    except DomainError:
        return 0
    return len(filled)
