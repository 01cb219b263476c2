"""Dependencies of an objective or its key results: listed with their status, added, removed."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse
from django.views.decorators.http import require_POST

from headway import access
from headway.core.errors import DomainError
from headway.core.forms import show_error
from headway.domain.policy import Action
from headway.okrs import actions
from headway.okrs.forms import (
    DependencyForm,
)
from headway.okrs.models import Dependency, Objective
from headway.okrs.scoring import figures_of
from headway.okrs.views.common import objective_section
from headway.pages.http import AuthenticatedRequest, today
from headway.pages.middleware import member_required


def dependencies_context(
    request: AuthenticatedRequest,
    objective: Objective,
    form: DependencyForm | None = None,
) -> dict[str, Any]:
    """What `objective` (or one of its key results) depends on, and the form to add one."""
    membership = request.membership
    can_edit = access.may_on(membership, Action.EDIT, objective)
    depends_on = list(
        access.dependencies_for(membership)
        .filter(Q(objective=objective) | Q(key_result__objective=objective))
        .select_related(
            "depends_on_objective__cycle", "depends_on_key_result__objective__cycle", "key_result"
        )
    )
    rows = dependency_rows(depends_on, day=today(membership))
    return {
        "objective": objective,
        "depends_on": rows,
        "blocked_by": [row for row in rows if row["status"] == "off_track"],
        "can_edit_dependencies": can_edit,
        "dependency_form": form or (DependencyForm(membership, objective) if can_edit else None),
    }


def dependency_rows(dependencies: list[Dependency], *, day: date) -> list[dict[str, Any]]:
    """Each dependency with the status and progress of what it depends on, as of `day`: the
    figures of those objectives and key results only (their cycles and objectives loaded)."""
    targets = [d.depends_on_objective for d in dependencies if d.depends_on_objective]
    krs = [d.depends_on_key_result for d in dependencies if d.depends_on_key_result]
    board = figures_of(
        {o.cycle for o in targets} | {kr.objective.cycle for kr in krs},
        as_of=day,
        today=day,
        objectives=targets,
        key_results=krs,
    )
    rows = []
    for d in dependencies:
        figures: Any = (
            board.objectives.get(d.depends_on_objective_id)
            if d.depends_on_objective_id
            else board.key_results.get(d.depends_on_key_result_id or 0)
        )
        rows.append(
            {
                "d": d,
                "status": figures.status if figures else None,
                "progress": figures.progress if figures else None,
            }
        )
    return rows


@require_POST
@member_required
def dependency_create(request: AuthenticatedRequest, key: str) -> HttpResponse:
    """'This objective depends on …': an edit of this objective."""
    objective = access.get_objective(request.membership, key, Action.EDIT)
    form = DependencyForm(request.membership, objective, request.POST)
    added = False
    if form.is_valid():
        try:
            actions.create_dependency(
                objective.workspace,
                actor=request.user,
                via="web",
                objective=objective,
                note=form.cleaned_data["note"],
                **form.cleaned_data["depends_on"],
            )
            added = True
        except DomainError as error:
            show_error(form, error)
    if not added and not request.htmx:
        errors = " ".join(str(e) for field in form.errors.values() for e in field)
        messages.error(request, f"The dependency was not added: {errors}")
    return objective_section(
        request,
        objective,
        "dependencies",
        lambda: dependencies_context(request, objective, None if added else form),
    )


@require_POST
@member_required
def dependency_delete(request: AuthenticatedRequest, dependency_id: int) -> HttpResponse:
    dependency = access.get_dependency(request.membership, dependency_id, Action.EDIT)
    source = dependency.objective or dependency.key_result.objective  # type: ignore[union-attr]
    actions.delete_dependency(dependency, actor=request.user, via="web")
    return objective_section(
        request, source, "dependencies", lambda: dependencies_context(request, source)
    )
