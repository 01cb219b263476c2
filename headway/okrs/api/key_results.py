"""API: key results, with their figures."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router, Status

from headway import access
from headway.accounts.models import Membership
from headway.api_auth import ApiRequest
from headway.api_refs import kpi_ref, resolved, user_ref, with_owner
from headway.api_schemas import (
    AsOfParams,
    PageParams,
    PathKey,
    changes_of,
    page_of,
    paged,
    responds,
)
from headway.domain.policy import Action
from headway.okrs import actions
from headway.okrs.api.common import create, figures_for, key_of, save, username
from headway.okrs.models import KeyResult
from headway.okrs.schemas import (
    KeyResultIn,
    KeyResultOut,
    KeyResultPage,
    KeyResultPatch,
)
from headway.okrs.scoring import Scoreboard

router = Router()

KR_RELATED = ("objective", "objective__cycle", "owner", "kpi")


def key_result_out(kr: KeyResult, board: Scoreboard) -> KeyResultOut:
    figures = board.key_results.get(kr.pk)
    return KeyResultOut(
        key=kr.key,
        objective=kr.objective.key,
        title=kr.title,
        metric=kr.metric,
        unit=kr.unit,
        start=kr.start,
        target=kr.target,
        direction=kr.direction,
        weight=kr.weight,
        owner=username(kr.owner),
        kpi=key_of(kr.kpi),
        current=figures.current if figures else None,
        progress=figures.progress if figures else 0.0,
        attainment=figures.attainment if figures else None,
        status=figures.status if figures else "off_track",
        score=figures.score if figures else 0.0,
        confidence=figures.confidence if figures else None,
        expected=figures.expected if figures else 0.0,
    )


def key_result_fields(membership: Membership, fields: dict[str, Any]) -> dict[str, Any]:
    return resolved(membership, fields, owner=user_ref, kpi=kpi_ref)


def one_key_result(membership: Membership, key: str, day: AsOfParams | None = None) -> KeyResultOut:
    kr = access.get_key_result(membership, key)
    return key_result_out(kr, figures_for(membership, [kr.objective.cycle], day, key_results=[kr]))


@router.get(
    "/objectives/{key}/key-results", response=responds(200, KeyResultPage), tags=["key results"]
)
def list_key_results(
    request: ApiRequest, key: PathKey, day: Query[AsOfParams], page: Query[PageParams]
) -> dict[str, Any]:
    """The key results of an objective, in their order, with their figures."""
    objective = access.get_objective(request.auth, key)
    rows = access.key_results_for(request.auth).filter(objective=objective)
    count, krs = page_of(rows.select_related(*KR_RELATED), page)
    board = figures_for(request.auth, [objective.cycle], day, key_results=krs)
    return paged(count, krs, lambda kr: key_result_out(kr, board))


@router.post(
    "/objectives/{key}/key-results", response=responds(201, KeyResultOut), tags=["key results"]
)
def create_key_result(
    request: ApiRequest, key: PathKey, payload: KeyResultIn
) -> Status[KeyResultOut]:
    """Add a key result (at most 5). Members: to an objective they may edit."""
    objective = access.get_objective(request.auth, key)
    fields = key_result_fields(request.auth, with_owner(request.auth, payload))
    new = KeyResult(objective=objective)
    kr = create(request.auth, new, fields, actions.create_key_result, objective)
    return Status(201, one_key_result(request.auth, kr.key))


@router.get("/key-results/{key}", response=responds(200, KeyResultOut), tags=["key results"])
def get_key_result(request: ApiRequest, key: PathKey, day: Query[AsOfParams]) -> KeyResultOut:
    return one_key_result(request.auth, key, day)


@router.patch("/key-results/{key}", response=responds(200, KeyResultOut), tags=["key results"])
def update_key_result(request: ApiRequest, key: PathKey, payload: KeyResultPatch) -> KeyResultOut:
    kr = access.get_key_result(request.auth, key, Action.EDIT)
    fields = key_result_fields(request.auth, changes_of(payload))
    save(request.auth, kr, fields, actions.update_key_result)
    return one_key_result(request.auth, key)


@router.delete("/key-results/{key}", response=responds(204, None), tags=["key results"])
def delete_key_result(request: ApiRequest, key: PathKey) -> Status[None]:
    kr = access.get_key_result(request.auth, key, Action.EDIT)
    actions.delete_key_result(kr, actor=request.auth.user, via="api")
    return Status(204, None)
