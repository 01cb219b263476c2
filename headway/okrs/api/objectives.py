"""API: objectives, with their figures."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from ninja import Query, Router, Status

from headway import access
from headway.accounts.models import Membership
from headway.api_auth import ApiRequest
from headway.api_refs import cycle_ref, objective_ref, resolved, team_ref, user_ref, with_owner
from headway.api_schemas import (
    AsOfParams,
    PageParams,
    PathKey,
    changes_of,
    page_of,
    paged,
    responds,
)
from headway.domain.kr_count import key_result_warnings
from headway.domain.policy import Action
from headway.domain.types import Status as FigureStatus
from headway.okrs import actions
from headway.okrs.api.common import (
    create,
    day_of,
    figures_for,
    key_of,
    save,
    username,
)
from headway.okrs.models import Cycle, KeyResult, Objective
from headway.okrs.schemas import (
    ObjectiveFilters,
    ObjectiveIn,
    ObjectiveOut,
    ObjectivePage,
    ObjectivePatch,
)
from headway.okrs.scoring import Scoreboard, hidden_in_figures, status_filter
from headway.pages.http import today

router = Router()

# The columns a list answer reads: of the related rows only what it shows. The cycle is read
# once for the page (a prefetch shares one instance), not once per row: a closed cycle carries
# the frozen figures of all its objectives.
LIST_COLUMNS = (
    *("key", "title", "description", "kind", "visibility", "retrospective", "carried_over"),
    *("progress", "cycle_id", "team_id", "owner_id", "parent_id", "carried_from_id"),
    *("owner__username", "team__key", "parent__key", "carried_from__key"),
)


def objective_out(
    objective: Objective, board: Scoreboard, hidden: dict[int, int] | None = None
) -> ObjectiveOut:
    figures = board.objectives.get(objective.pk)
    return ObjectiveOut(
        key=objective.key,
        title=objective.title,
        description=objective.description,
        owner=username(objective.owner),
        team=key_of(objective.team),
        cycle=objective.cycle.key,
        parent=key_of(objective.parent),
        kind=objective.kind,
        visibility=objective.visibility,
        retrospective=objective.retrospective,
        carried_from=key_of(objective.carried_from),
        carried_over=objective.carried_over,
        progress=figures.progress if figures else None,
        status=figures.status if figures else None,
        score=figures.score if figures else None,
        expected=figures.expected if figures else 0.0,
        warnings=key_result_warnings(kr_count(objective)),
        hidden_children=(hidden or {}).get(objective.pk, 0),
    )


def kr_count(objective: Objective) -> int:
    """The number of key results, annotated by `with_kr_count` on lists (one query otherwise)."""
    count: int | None = getattr(objective, "kr_count", None)
    return objective.key_results.count() if count is None else count


def with_kr_count(rows: QuerySet[Objective]) -> QuerySet[Objective]:
    """Each objective with the number of its key results (`kr_count`), in the same query.

    A subquery per row rather than a join: a page is then sorted and cut before anything is
    counted, where GROUP BY would count the key results of every objective first.
    """
    counts = (
        KeyResult.objects.filter(objective=OuterRef("pk"))
        .order_by()
        .values("objective")
        .annotate(n=Count("id"))
        .values("n")
    )
    return rows.annotate(kr_count=Coalesce(Subquery(counts), 0))


def objective_fields(membership: Membership, fields: dict[str, Any]) -> dict[str, Any]:
    return resolved(
        membership, fields, owner=user_ref, team=team_ref, cycle=cycle_ref, parent=objective_ref
    )


def one_objective(membership: Membership, key: str, day: AsOfParams | None = None) -> ObjectiveOut:
    objective = access.get_objective(membership, key)
    hidden = hidden_in_figures(
        [objective.cycle_id], access.hidden_objectives_q(membership), shown=[objective.pk]
    )
    board = figures_for(membership, [objective.cycle], day, objectives=[objective])
    return objective_out(objective, board, hidden)


@router.get("/objectives", response=responds(200, ObjectivePage), tags=["objectives"])
def list_objectives(
    request: ApiRequest,
    filters: Query[ObjectiveFilters],
    day: Query[AsOfParams],
    page: Query[PageParams],
) -> dict[str, Any]:
    """The objectives the caller can see, by key, with their figures."""
    as_of = day_of(request.auth, day)
    rows = with_kr_count(
        access.objectives_for(request.auth)
        .select_related("team", "owner", "parent", "carried_from")
        .only(*LIST_COLUMNS)
        .prefetch_related("cycle")
    )
    for name, lookup in (("cycle", "cycle__key"), ("team", "team__key"), ("parent", "parent__key")):
        if (value := getattr(filters, name)) is not None:
            rows = rows.filter(**{lookup: value})
    if filters.owner is not None:
        rows = rows.filter(owner__username=filters.owner)
    computed = Scoreboard(as_of=as_of)
    if filters.status is not None:
        found, computed = status_filter(
            Cycle.objects.filter(id__in=rows.values("cycle_id")),
            FigureStatus(filters.status),
            as_of=as_of,
            today=today(request.auth),
        )
        rows = rows.filter(found)
    count, objectives = page_of(rows, page)
    cycles = (o.cycle for o in objectives if o.pk not in computed.objectives)
    board = figures_for(request.auth, cycles, day, objectives=objectives)
    board.objectives.update(computed.objectives)
    hidden = hidden_in_figures(
        {o.cycle_id for o in objectives},
        access.hidden_objectives_q(request.auth),
        shown=[o.pk for o in objectives],
    )
    return paged(count, objectives, lambda o: objective_out(o, board, hidden))


@router.post("/objectives", response=responds(201, ObjectiveOut), tags=["objectives"])
def create_objective(request: ApiRequest, payload: ObjectiveIn) -> Status[ObjectiveOut]:
    """Add an objective. Members: one they own or of one of their teams."""
    fields = objective_fields(request.auth, with_owner(request.auth, payload))
    workspace = request.auth.workspace
    objective = create(request.auth, Objective(), fields, actions.create_objective, workspace)
    return Status(201, one_objective(request.auth, objective.key))


@router.get("/objectives/{key}", response=responds(200, ObjectiveOut), tags=["objectives"])
def get_objective(request: ApiRequest, key: PathKey, day: Query[AsOfParams]) -> ObjectiveOut:
    return one_objective(request.auth, key, day)


@router.patch("/objectives/{key}", response=responds(200, ObjectiveOut), tags=["objectives"])
def update_objective(request: ApiRequest, key: PathKey, payload: ObjectivePatch) -> ObjectiveOut:
    """Change an objective. Members: theirs or their teams'."""
    objective = access.get_objective(request.auth, key, Action.EDIT)
    fields = objective_fields(request.auth, changes_of(payload))
    save(request.auth, objective, fields, actions.update_objective)
    return one_objective(request.auth, key)


@router.delete("/objectives/{key}", response=responds(204, None), tags=["objectives"])
def delete_objective(request: ApiRequest, key: PathKey) -> Status[None]:
    """Delete an objective with its key results and initiatives."""
    objective = access.get_objective(request.auth, key, Action.EDIT)
    actions.delete_objective(objective, actor=request.auth.user, via="api")
    return Status(204, None)
