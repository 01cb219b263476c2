"""Initiatives: the objective's checklist (add, tick), and the edit and delete pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from headway import access
from headway.core.forms import unique_key
from headway.domain.policy import Action
from headway.okrs import actions
from headway.okrs.forms import (
    InitiativeEditForm,
    InitiativeForm,
    InitiativeStatusForm,
)
from headway.okrs.models import Initiative, Objective
from headway.okrs.views.common import delete_after_asking, edit_page, objective_section
from headway.pages.http import AuthenticatedRequest
from headway.pages.middleware import member_required


def initiatives_context(
    request: AuthenticatedRequest, objective: Objective, form: InitiativeForm | None = None
) -> dict[str, Any]:
    return {
        "objective": objective,
        "initiatives": objective.initiatives.select_related("owner"),
        "can_edit_initiatives": access.may_on(request.membership, Action.EDIT, objective),
        "initiative_form": form or InitiativeForm(),
    }


@require_POST
@member_required
def initiative_status(request: AuthenticatedRequest, key: str) -> HttpResponse:
    """Tick an initiative done (or back to do) on the objective's checklist."""
    initiative = access.get_initiative(request.membership, key, Action.EDIT)
    form = InitiativeStatusForm(request.POST)
    if form.is_valid():
        actions.update_initiative(
            initiative, actor=request.user, via="web", status=form.cleaned_data["status"]
        )
    return initiatives_response(request, initiative.objective)


@require_POST
@member_required
def initiative_create(request: AuthenticatedRequest, key: str) -> HttpResponse:
    objective = access.get_objective(request.membership, key)
    access.check_write(request.membership, Initiative(objective=objective))
    form = InitiativeForm(request.POST)
    if form.is_valid():
        siblings = Initiative.objects.filter(workspace_id=objective.workspace_id)
        actions.create_initiative(
            objective.workspace,
            actor=request.user,
            via="web",
            objective=objective,
            owner=request.user,
            key=unique_key(siblings, form.cleaned_data["title"], fallback="initiative"),
            **form.cleaned_data,
        )
    return initiatives_response(request, objective, None if form.is_valid() else form)


def initiatives_response(
    request: AuthenticatedRequest, objective: Objective, form: InitiativeForm | None = None
) -> HttpResponse:
    return objective_section(
        request, objective, "initiatives", lambda: initiatives_context(request, objective, form)
    )


@member_required
def initiative_edit(request: AuthenticatedRequest, key: str) -> HttpResponse:
    membership = request.membership
    initiative = access.get_initiative(membership, key, Action.EDIT)
    objective = initiative.objective
    fields = ["title", "owner", "status", "due", "key_result"]
    form = InitiativeEditForm(
        membership,
        objective,
        request.POST or None,
        initial={name: getattr(initiative, name) for name in fields},
    )
    return edit_page(
        request, initiative, form, actions.update_initiative,
        what="initiative", objective=objective, delete="okrs:initiative-delete",
    )  # fmt: skip


@member_required
def initiative_delete(request: AuthenticatedRequest, key: str) -> HttpResponse:
    initiative = access.get_initiative(request.membership, key, Action.EDIT)
    back = reverse("okrs:objective", args=[initiative.objective.key])
    return delete_after_asking(
        request,
        what="initiative",
        title=initiative.title,
        delete=lambda: actions.delete_initiative(initiative, actor=request.user, via="web"),
        message="This cannot be undone.",
        back=back,
        done=back,
    )
