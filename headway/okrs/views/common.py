"""What the okrs pages share: the chosen cycle, the figures of the objectives shown, the form
and edit pages, a section of the objective page, and deleting after asking."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from headway import access
from headway.accounts.models import Membership
from headway.core.errors import DomainError, NotFound
from headway.domain.cycles import current_cycle
from headway.okrs.models import Cycle, Initiative, KeyResult, Objective
from headway.okrs.scoring import Scoreboard, figures_of, hidden_in_figures
from headway.pages.edit import save_changes
from headway.pages.http import AuthenticatedRequest, today


def pick_cycle(request: AuthenticatedRequest, key: str | None) -> tuple[Cycle | None, list[Cycle]]:
    """The cycle named by `key`, else the current one (`headway.domain.cycles.current_cycle`).

    The figures frozen on closed cycles are left unread: only the chosen cycle's are needed, and
    read when asked for (one query).
    """
    cycles = list(access.cycles_for(request.membership).defer("frozen_figures"))
    if key:
        chosen = next((c for c in cycles if c.key == key), None)
        if chosen is None:
            raise NotFound("cycle", key)
        return chosen, cycles
    return current_cycle(cycles, today(request.membership)), cycles


def shown_figures(
    membership: Membership, cycles: Iterable[Cycle], objectives: list[Objective]
) -> tuple[Scoreboard, dict[int, int]]:
    """The figures of the objectives a page shows, as of today, and per objective how many
    objectives the reader cannot see its figure includes (scoring.hidden_in_figures)."""
    day = today(membership)
    board = figures_of(cycles, as_of=day, today=day, objectives=objectives)
    hidden = hidden_in_figures(
        {o.cycle_id for o in objectives},
        access.hidden_objectives_q(membership),
        [o.pk for o in objectives],
    )
    return board, hidden


def form_page(request: AuthenticatedRequest, title: str, form: Any, **extra: Any) -> HttpResponse:
    return render(request, "okrs/form.html", {"title": title, "form": form, **extra})


def edit_page(
    request: AuthenticatedRequest,
    obj: Objective | KeyResult | Initiative,
    form: forms.BaseForm,
    update: Callable[..., object],
    *,
    what: str,
    objective: Objective,
    delete: str,
) -> HttpResponse:
    """The edit page of an objective or one of its parts: a valid POST saves the changed fields
    through the action `update` (`save_changes`) and goes back to the objective; otherwise the
    form, with a link to the page named `delete`."""
    bound = partial(update, obj, actor=request.user, via="web")
    if (
        request.method == "POST"
        and form.is_valid()
        and save_changes(request.membership, obj, form, bound)
    ):
        return redirect("okrs:objective", key=objective.key)
    return form_page(
        request,
        f"Edit {what}: {obj.title}",
        form,
        objective=objective,
        delete_url=reverse(delete, args=[obj.key]),
    )


def objective_section(
    request: AuthenticatedRequest,
    objective: Objective,
    section: str,
    context: Callable[[], dict[str, Any]],
) -> HttpResponse:
    """A section of the objective's page for an HTMX request; any other goes to the page."""
    if not request.htmx:
        return redirect("okrs:objective", key=objective.key)
    return render(request, f"okrs/objective_detail.html#{section}", context())


def confirm_page(
    request: AuthenticatedRequest, *, title: str, message: str, cancel: str, refused: str = ""
) -> HttpResponse:
    """The question before a deletion; `refused` says why it cannot be done instead."""
    context = {"title": title, "message": message, "cancel": cancel, "refused": refused}
    return render(request, "core/confirm.html", context)


def delete_after_asking(
    request: AuthenticatedRequest,
    *,
    what: str,
    title: str,
    delete: Callable[[], object],
    message: str,
    back: str,
    done: str,
    cycle: Cycle | None = None,
) -> HttpResponse:
    """GET asks (or says why not, in a closed `cycle`); POST deletes, then goes to `done`."""
    if request.method == "POST":
        try:
            delete()
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(back)
        messages.success(request, f"The {what} “{title}” is deleted.")
        return redirect(done)
    refused = ""
    if cycle is not None and cycle.is_closed:
        refused = (
            f"It cannot be deleted: the {cycle.name} cycle is closed and its scores are final. "
            "An admin may reopen the cycle."
        )
    return confirm_page(
        request,
        title=f"Delete the {what} “{title}”?",
        message=message,
        cancel=back,
        refused=refused,
    )
