"""Create, edit and delete pages for cycles, objectives (with up to 5 key results), key results
and initiatives. Deleting asks on a page of its own first, so it works without JavaScript."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from headway import access
from headway.core import charts
from headway.core.errors import DomainError
from headway.core.forms import show_error, unique_key
from headway.domain.kpi_okr import direction_from_kpi
from headway.domain.policy import Action, Relation
from headway.domain.types import Direction, KPIDirection, Metric
from headway.kpis.scoring import kpi_figures
from headway.okrs import actions
from headway.okrs.forms import (
    CycleForm,
    InitiativeEditForm,
    KeyResultForm,
    KeyResultFormSet,
    ObjectiveForm,
    filled_forms,
)
from headway.okrs.models import Cycle, KeyResult, Objective
from headway.okrs.views import pick_cycle
from headway.pages.http import AuthenticatedRequest, today
from headway.pages.middleware import member_required


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


# Cycles ------------------------------------------------------------------------------------


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


# Objectives --------------------------------------------------------------------------------


def kpi_prefill(request: AuthenticatedRequest, key: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """ "Start an OKR from this KPI": a KR from the KPI's current value to its target
    (`headway.domain.kpi_okr.direction_from_kpi`: auto while there is a distance to cover)."""
    kpi = access.get_kpi(request.membership, key)
    figures = kpi_figures([kpi], as_of=today(request.membership))[kpi.pk]
    current = figures.latest_value
    direction = direction_from_kpi(KPIDirection(kpi.direction), current, kpi.target)
    goal = charts.fmt(kpi.target, kpi.unit)
    moving = direction is Direction.AUTO and current is not None
    objective = {"title": f"Improve {kpi.name}", "team": kpi.team, "owner": request.user}
    kr = {
        "title": (
            f"{kpi.name} from {charts.fmt(current, kpi.unit)} to {goal}"
            if moving
            else f"{kpi.name} reaches {goal}"
        ),
        "metric": Metric.NUMBER.value,
        "start": current,
        "target": kpi.target,
        "unit": kpi.unit,
        "direction": direction.value,
        "kpi": kpi,
        "owner": request.user,
    }
    return objective, kr


class FromKpiKeyResultFormSet(KeyResultFormSet):  # type: ignore[misc,valid-type]
    """Started from a KPI, the one key result it proposes is enough to save the objective as a
    draft (up to 5): an objective with fewer than 2 key results is flagged until more are added
    (the key-result count rule, docs/scoring.md)."""

    min_num = 1  # the pre-filled row is validated and saved even when left as proposed

    def clean(self) -> None:
        if any(self.errors):
            return
        if not 1 <= len(filled_forms(self)) <= 5:
            raise forms.ValidationError("Give between 1 and 5 key results.")


@member_required
def objective_create(request: AuthenticatedRequest) -> HttpResponse:
    """An objective with up to 5 key results (2 to 5 once ready), saved together or not at all."""
    membership = request.membership
    access.check(membership, Action.CREATE, Relation(is_owner=True))
    initial: dict[str, Any] = {"owner": request.user, "team": None}
    kr_initial: list[dict[str, Any]] = []
    formset_class: Any = KeyResultFormSet
    if kpi_key := request.GET.get("kpi"):
        initial, first_kr = kpi_prefill(request, kpi_key)
        kr_initial = [first_kr]
        formset_class = FromKpiKeyResultFormSet
    current, _ = pick_cycle(request, request.GET.get("cycle"))
    initial["cycle"] = current if current and not current.is_closed else None
    if parent_key := request.GET.get("parent"):
        parent = access.get_objective(membership, parent_key)
        initial["parent"] = parent
        if not parent.cycle.is_closed:  # a child is pursued in its parent's cycle
            initial["cycle"] = parent.cycle
    form = ObjectiveForm(membership, request.POST or None, initial=initial)
    formset = formset_class(
        request.POST or None,
        prefix="kr",
        initial=kr_initial,
        form_kwargs={"membership": membership},
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        objective = save_objective(request, form, formset)
        if objective is not None:
            return redirect("okrs:objective", key=objective.key)
    return render(
        request,
        "okrs/objective_form.html",
        {
            "form": form,
            "formset": formset,
            "title": "New objective",
            "from_kpi": formset_class is FromKpiKeyResultFormSet,
        },
    )


def save_objective(
    request: AuthenticatedRequest, form: ObjectiveForm, formset: Any
) -> Objective | None:
    membership = request.membership
    data = dict(form.cleaned_data)
    access.check_write(membership, Objective(), data)
    workspace = membership.workspace
    try:
        with transaction.atomic():
            objective = actions.create_objective(
                workspace,
                actor=request.user,
                via="web",
                key=unique_key(
                    Objective.objects.filter(workspace=workspace), data["title"], fallback="o"
                ),
                **data,
            )
            for position, kr_form in enumerate(filled_forms(formset)):
                try:
                    actions.create_key_result(
                        objective,
                        actor=request.user,
                        via="web",
                        key=f"{objective.key}-kr{position + 1}",
                        position=position,
                        **kr_form.cleaned_data,
                    )
                except DomainError as error:
                    show_error(kr_form, error)
                    raise
    except DomainError as error:
        if not any(f.errors for f in formset.forms):
            show_error(form, error)
        return None
    return objective


@member_required
def objective_edit(request: AuthenticatedRequest, key: str) -> HttpResponse:
    membership = request.membership
    objective = access.get_objective(membership, key, Action.EDIT)
    initial = {
        "title": objective.title,
        "description": objective.description,
        "cycle": objective.cycle,
        "team": objective.team,
        "owner": objective.owner,
        "parent": objective.parent,
        "kind": objective.kind,
        "visibility": objective.visibility,
    }
    form = ObjectiveForm(membership, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        access.check_write(membership, objective, changed)
        try:
            actions.update_objective(objective, actor=request.user, via="web", **changed)
            return redirect("okrs:objective", key=objective.key)
        except DomainError as error:
            show_error(form, error)
    return form_page(
        request,
        f"Edit objective: {objective.title}",
        form,
        objective=objective,
        delete_url=reverse("okrs:objective-delete", args=[objective.key]),
    )


@member_required
def objective_delete(request: AuthenticatedRequest, key: str) -> HttpResponse:
    """Delete an objective with its key results, check-ins and initiatives, after asking."""
    objective = access.get_objective(request.membership, key, Action.EDIT)
    return delete_after_asking(
        request,
        what="objective",
        title=objective.title,
        delete=lambda: actions.delete_objective(objective, actor=request.user, via="web"),
        message="Its key results, check-ins, initiatives and dependencies are deleted with it; "
        "its child objectives stay, without a parent. This cannot be undone.",
        back=reverse("okrs:objective", args=[objective.key]),
        done=f"{reverse('okrs:tree')}?cycle={objective.cycle.key}",
        cycle=objective.cycle,
    )


# Initiatives -------------------------------------------------------------------------------


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
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        access.check_write(membership, initiative, changed)
        try:
            actions.update_initiative(initiative, actor=request.user, via="web", **changed)
            return redirect("okrs:objective", key=objective.key)
        except DomainError as error:
            show_error(form, error)
    return form_page(
        request,
        f"Edit initiative: {initiative.title}",
        form,
        objective=objective,
        delete_url=reverse("okrs:initiative-delete", args=[initiative.key]),
    )


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


@member_required
def key_result_edit(request: AuthenticatedRequest, key: str) -> HttpResponse:
    kr = access.get_key_result(request.membership, key, Action.EDIT)
    fields = ["title", "metric", "start", "target", "unit", "direction", "weight", "owner", "kpi"]
    form = KeyResultForm(
        request.POST or None,
        membership=request.membership,
        initial={name: getattr(kr, name) for name in fields},
    )
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        access.check_write(request.membership, kr, changed)
        try:
            actions.update_key_result(kr, actor=request.user, via="web", **changed)
            return redirect("okrs:objective", key=kr.objective.key)
        except DomainError as error:
            show_error(form, error)
    return form_page(
        request,
        f"Edit key result: {kr.title}",
        form,
        objective=kr.objective,
        delete_url=reverse("okrs:key-result-delete", args=[kr.key]),
    )


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
