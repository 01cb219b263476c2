"""Objective pages: one objective with its key results, creating one (with up to 5 key results,
or started from a KPI), editing and deleting it."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django import forms
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from headway import access
from headway.accounts.models import Membership
from headway.core import charts
from headway.core.errors import DomainError
from headway.core.forms import show_error, unique_key
from headway.domain.kpi_okr import direction_from_kpi
from headway.domain.kr_count import MAX_KEY_RESULTS, key_result_warnings
from headway.domain.policy import Action
from headway.domain.types import Direction, KPIDirection, Metric
from headway.history.models import Event
from headway.kpis.models import KPIValue
from headway.kpis.scoring import kpi_figures
from headway.okrs import actions
from headway.okrs.forms import (
    KeyResultFormSet,
    ObjectiveForm,
    filled_forms,
)
from headway.okrs.models import CheckIn, Cycle, KeyResult, Objective
from headway.okrs.scoring import Scoreboard, figures_of, hidden_in_figures
from headway.okrs.views.common import (
    delete_after_asking,
    edit_page,
    pick_cycle,
)
from headway.okrs.views.dependencies import dependencies_context
from headway.okrs.views.initiatives import initiatives_context
from headway.pages.http import AuthenticatedRequest, today
from headway.pages.middleware import member_required


def kr_chart(kr: KeyResult, cycle: Cycle, points: list[tuple[Any, float]]) -> str:
    """Check-ins against the expected line; none for a done/not-done key result."""
    if kr.metric == "boolean":
        return ""
    expected = None
    if kr.direction == "auto" and kr.start is not None and kr.target is not None:
        expected = ((cycle.start, kr.start), (cycle.end, kr.target))
    return charts.line_chart(
        title=f"{kr.title}: check-ins against the expected line",
        points=points,
        start=cycle.start,
        end=cycle.end,
        unit=kr.unit,
        target=kr.target,
        expected=expected,
    )


def key_result_rows(krs: list[KeyResult], cycle: Cycle, board: Scoreboard) -> list[dict[str, Any]]:
    """Each key result with its figures and its chart: its check-ins, or, when a KPI drives it,
    the KPI's values within the cycle."""
    points: dict[int, list[tuple[Any, float]]] = defaultdict(list)
    for kr_id, at, value in CheckIn.objects.filter(key_result__in=krs).values_list(
        "key_result_id", "at", "value"
    ):
        points[kr_id].append((at, value))
    kpi_points: dict[int, list[tuple[Any, float]]] = defaultdict(list)
    for kpi_id, at, value in KPIValue.objects.filter(
        kpi_id__in=[kr.kpi_id for kr in krs if kr.kpi_id], at__range=(cycle.start, cycle.end)
    ).values_list("kpi_id", "at", "value"):
        kpi_points[kpi_id].append((at, value))
    return [
        {
            "kr": kr,
            "figures": board.key_results.get(kr.pk),
            "chart": kr_chart(kr, cycle, kpi_points[kr.kpi_id] if kr.kpi_id else points[kr.pk]),
        }
        for kr in krs
    ]


def surroundings_context(
    membership: Membership, objective: Objective, children: list[Objective], board: Scoreboard
) -> dict[str, Any]:
    """The visible objectives around this one (parent, carried from and to, its `children`),
    the dependencies it blocks, and its latest history."""
    visible = access.objectives_for(membership)
    deps = access.dependencies_for(membership).select_related(
        "objective", "key_result__objective", "depends_on_objective", "depends_on_key_result"
    )
    return {
        "parent": visible.filter(pk=objective.parent_id).first() if objective.parent_id else None,
        "carried_from": visible.filter(pk=objective.carried_from_id).select_related("cycle").first()
        if objective.carried_from_id
        else None,
        "carried_to": visible.filter(carried_from=objective).select_related("cycle"),
        "children": [{"objective": o, "figures": board.objectives.get(o.pk)} for o in children],
        "blocks": deps.filter(
            Q(depends_on_objective=objective) | Q(depends_on_key_result__objective=objective)
        ),
        "events": Event.objects.filter(
            workspace_id=membership.workspace_id, objective=objective
        ).select_related("actor", "objective")[:30],
    }


@member_required
def objective_detail(request: AuthenticatedRequest, key: str) -> HttpResponse:
    membership = request.membership
    objective = access.get_objective(membership, key)
    cycle = objective.cycle
    krs = list(objective.key_results.select_related("owner", "kpi"))
    children = list(
        access.objectives_for(membership).filter(parent=objective).select_related("owner", "team")
    )
    day = today(membership)
    board = figures_of(
        [cycle], as_of=day, today=day, objectives=[objective, *children], key_results=krs
    )
    context = {
        "objective": objective,
        "figures": board.objectives.get(objective.pk),
        "hidden_children": hidden_in_figures(
            [objective.cycle_id], access.hidden_objectives_q(membership), shown=[objective.pk]
        ).get(objective.pk, 0),
        "key_results": key_result_rows(krs, cycle, board),
        "weight_total": sum(kr.weight for kr in krs),
        "can_edit": access.may_on(membership, Action.EDIT, objective) and not cycle.is_closed,
        "can_check_in": access.may_on(membership, Action.CHECK_IN, objective)
        and not cycle.is_closed,
        "kr_warnings": key_result_warnings(len(krs)),
        "can_add_key_result": len(krs) < MAX_KEY_RESULTS,
        **surroundings_context(membership, objective, children, board),
        **initiatives_context(request, objective),
        **dependencies_context(request, objective),
    }
    return render(request, "okrs/objective_detail.html", context)


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
    access.check_own(membership, Action.CREATE)
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
    fields = ["title", "description", "cycle", "team", "owner", "parent", "kind", "visibility"]
    initial = {name: getattr(objective, name) for name in fields}
    form = ObjectiveForm(membership, request.POST or None, initial=initial)
    return edit_page(
        request, objective, form, actions.update_objective,
        what="objective", objective=objective, delete="okrs:objective-delete",
    )  # fmt: skip


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
