"""API: dependencies between objectives and key results."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router, Status

from headway import access
from headway.api_auth import ApiRequest
from headway.api_refs import key_result_ref, objective_ref, resolved
from headway.api_schemas import (
    PageParams,
    page_of,
    paged,
    responds,
)
from headway.domain.policy import Action
from headway.okrs import actions
from headway.okrs.api.common import key_of
from headway.okrs.models import Dependency
from headway.okrs.schemas import (
    DependencyIn,
    DependencyOut,
    DependencyPage,
)

router = Router()

DEPENDENCY_RELATED = ("objective", "key_result", "depends_on_objective", "depends_on_key_result")


def dependency_out(dependency: Dependency) -> DependencyOut:
    return DependencyOut(
        id=dependency.pk,
        objective=key_of(dependency.objective),
        key_result=key_of(dependency.key_result),
        depends_on_objective=key_of(dependency.depends_on_objective),
        depends_on_key_result=key_of(dependency.depends_on_key_result),
        note=dependency.note,
    )


@router.get("/dependencies", response=responds(200, DependencyPage), tags=["dependencies"])
def list_dependencies(request: ApiRequest, page: Query[PageParams]) -> dict[str, Any]:
    """Dependencies whose both ends the caller can see."""
    rows = access.dependencies_for(request.auth).select_related(*DEPENDENCY_RELATED)
    count, dependencies = page_of(rows, page)
    return paged(count, dependencies, dependency_out)


@router.post("/dependencies", response=responds(201, DependencyOut), tags=["dependencies"])
def create_dependency(request: ApiRequest, payload: DependencyIn) -> Status[DependencyOut]:
    """Record that an objective or key result depends on another one."""
    m = request.auth
    fields = resolved(
        m,
        payload.model_dump(),
        objective=objective_ref,
        key_result=key_result_ref,
        depends_on_objective=objective_ref,
        depends_on_key_result=key_result_ref,
    )
    dependency = Dependency(**fields)
    if dependency.objective is not None or dependency.key_result is not None:
        access.check_on(m, Action.EDIT, dependency)
    created = actions.create_dependency(
        m.workspace,
        actor=m.user,
        via="api",
        **{name: getattr(dependency, name) for name in (*DEPENDENCY_RELATED, "note")},
    )
    return Status(201, dependency_out(created))


@router.delete("/dependencies/{id}", response=responds(204, None), tags=["dependencies"])
def delete_dependency(request: ApiRequest, id: int) -> Status[None]:
    """Remove a dependency (an edit of the object that depends)."""
    dependency = access.get_dependency(request.auth, id, Action.EDIT)
    actions.delete_dependency(dependency, actor=request.auth.user, via="api")
    return Status(204, None)
