"""Key result pages: add one to an objective, edit it, delete it after asking."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from headway import access
from headway.core.errors import DomainError
from headway.core.forms import show_error, unique_key
from headway.domain.policy import Action
from headway.okrs import actions
from headway.okrs.forms import (
    KeyResultForm,
)
from headway.okrs.models import KeyResult
from headway.okrs.views.common import delete_after_asking, edit_page, form_page
from headway.pages.http import AuthenticatedRequest
from headway.pages.middleware import member_required


@member_required
def key_result_edit(request: AuthenticatedRequest, key: str) -> HttpResponse:
    kr = access.get_key_result(request.membership, key, Action.EDIT)
    fields = ["title", "metric", "start", "target", "unit", "direction", "weight", "owner", "kpi"]
    form = KeyResultForm(
        request.POST or None,
        membership=request.membership,
        initial={name: getattr(kr, name) for name in fields},
    )
    return edit_page(
        request, kr, form, actions.update_key_result,
        what="key result", objective=kr.objective, delete="okrs:key-result-delete",
    )  # fmt: skip


@member_required
def key_result_delete(request: AuthenticatedRequest, key: str) -> HttpResponse:
    """Delete a key result with its check-ins, after asking; refused in a closed cycle."""
    kr = access.get_key_result(request.membership, key, Action.EDIT)
    back = reverse("okrs:objective", args=[kr.objective.key])
    return delete_after_asking(
        request,
        what="key result",
        title=kr.title,
        delete=lambda: actions.delete_key_result(kr, actor=request.user, via="web"),
        message="Its check-ins are deleted with it, and the objective's progress is computed "
        "from the key results that remain. This cannot be undone.",
        back=back,
        done=back,
        cycle=kr.objective.cycle,
    )


@member_required
def key_result_create(request: AuthenticatedRequest, key: str) -> HttpResponse:
    """Add one more key result to an objective."""
    objective = access.get_objective(request.membership, key)
    access.check_write(request.membership, KeyResult(objective=objective))
    form = KeyResultForm(request.POST or None, membership=request.membership)
    if request.method == "POST" and form.is_valid():
        taken = set(objective.key_results.values_list("key", flat=True))
        number = len(taken) + 1
        while f"{objective.key}-kr{number}" in taken:
            number += 1
        try:
            actions.create_key_result(
                objective,
                actor=request.user,
                via="web",
                key=unique_key(
                    KeyResult.objects.filter(workspace_id=objective.workspace_id),
                    f"{objective.key}-kr{number}",
                    fallback="kr",
                ),
                **form.cleaned_data,
            )
            return redirect("okrs:objective", key=objective.key)
        except DomainError as error:
            show_error(form, error)
    return form_page(request, f"New key result for {objective.title}", form, objective=objective)
