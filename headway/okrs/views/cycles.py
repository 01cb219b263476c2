"""Cycle pages: create, edit, close and reopen."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from headway import access
from headway.core.errors import DomainError
from headway.core.forms import show_error
from headway.domain.policy import Action
from headway.okrs import actions
from headway.okrs.forms import (
    CycleForm,
)
from headway.okrs.models import Cycle
from headway.okrs.views.common import form_page
from headway.pages.http import AuthenticatedRequest
from headway.pages.middleware import member_required


@member_required
def cycle_create(request: AuthenticatedRequest) -> HttpResponse:
    access.check(request.membership, Action.MANAGE)
    form = CycleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = actions.create_cycle(
                request.membership.workspace, actor=request.user, via="web", **form.cleaned_data
            )
            return redirect(f"/okrs/?cycle={cycle.key}")
        except DomainError as error:
            show_error(form, error)
    return form_page(request, "New cycle", form)


@member_required
def cycle_edit(request: AuthenticatedRequest, cycle_key: str) -> HttpResponse:
    cycle = access.get_cycle(request.membership, cycle_key, Action.MANAGE)
    form = CycleForm(request.POST or None, instance=Cycle.objects.get(pk=cycle.pk))
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            actions.update_cycle(cycle, actor=request.user, via="web", **changed)
            return redirect(f"/okrs/?cycle={cycle.key}")
        except DomainError as error:
            show_error(form, error)
    return form_page(
        request, f"Edit {cycle.name}", form, reopen_cycle=cycle if cycle.is_closed else None
    )


@require_POST
@member_required
def close_cycle(request: AuthenticatedRequest, cycle_key: str) -> HttpResponse:
    cycle = access.get_cycle(request.membership, cycle_key, Action.MANAGE)
    try:
        actions.close_cycle(cycle, actor=request.user, via="web")
        messages.success(request, f"{cycle.name} is closed: its scores are final.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("okrs:review-cycle", cycle_key=cycle.key)


@require_POST
@member_required
def reopen_cycle(request: AuthenticatedRequest, cycle_key: str) -> HttpResponse:
    """Reopen a closed cycle (admins): its frozen figures are dropped, check-ins accepted again."""
    cycle = access.get_cycle(request.membership, cycle_key, Action.MANAGE)
    if not cycle.is_closed:
        messages.error(request, f"{cycle.name} is not closed.")
    else:
        actions.reopen_cycle(cycle, actor=request.user, via="web")
        messages.success(request, f"{cycle.name} is reopened: its scores are live again.")
    return redirect("okrs:review-cycle", cycle_key=cycle.key)
