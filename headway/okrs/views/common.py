"""What the okrs pages share: the chosen cycle, the form page, and deleting after asking."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from headway import access
from headway.core.errors import DomainError, NotFound
from headway.domain.cycles import current_cycle
from headway.okrs.models import Cycle
from headway.pages.http import AuthenticatedRequest, today


def pick_cycle(request: AuthenticatedRequest, key: str | None) -> tuple[Cycle | None, list[Cycle]]:
    """The cycle named by `key`, else the current one (`headway.domain.cycles.current_cycle`)."""
    cycles = list(access.cycles_for(request.membership))
    if key:
        chosen = next((c for c in cycles if c.key == key), None)
        if chosen is None:
            raise NotFound("cycle", key)
        return chosen, cycles
    return current_cycle(cycles, today(request.membership)), cycles


def form_page(request: AuthenticatedRequest, title: str, form: Any, **extra: Any) -> HttpResponse:
    return render(request, "okrs/form.html", {"title": title, "form": form, **extra})


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
