"""API: initiatives."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router, Status

from headway import access
from headway.accounts.models import Membership
from headway.api_auth import ApiRequest
from headway.api_refs import key_result_ref, objective_ref, resolved, user_ref, with_owner
from headway.api_schemas import (
    PageParams,
    PathKey,
    changes_of,
    page_of,
    paged,
    responds,
)
from headway.domain.policy import Action
from headway.okrs import actions
from headway.okrs.api.common import create, key_of, save, username
from headway.okrs.models import Initiative
from headway.okrs.schemas import (
    InitiativeIn,
    InitiativeOut,
    InitiativePage,
    InitiativePatch,
)

router = Router()

INITIATIVE_RELATED = ("objective", "owner", "key_result")


def initiative_out(initiative: Initiative) -> InitiativeOut:
    return InitiativeOut(
        key=initiative.key,
        title=initiative.title,
        owner=username(initiative.owner),
        status=initiative.status,
        due=initiative.due,
        objective=initiative.objective.key,
        key_result=key_of(initiative.key_result),
    )


def initiative_fields(membership: Membership, fields: dict[str, Any]) -> dict[str, Any]:
    return resolved(
        membership, fields, owner=user_ref, objective=objective_ref, key_result=key_result_ref
    )


@router.get("/initiatives", response=responds(200, InitiativePage), tags=["initiatives"])
def list_initiatives(request: ApiRequest, page: Query[PageParams]) -> dict[str, Any]:
    """The initiatives of the objectives the caller can see."""
    rows = access.initiatives_for(request.auth).select_related(*INITIATIVE_RELATED)
    count, initiatives = page_of(rows, page)
    return paged(count, initiatives, initiative_out)


@router.post("/initiatives", response=responds(201, InitiativeOut), tags=["initiatives"])
def create_initiative(request: ApiRequest, payload: InitiativeIn) -> Status[InitiativeOut]:
    """Add an initiative. Members: to an objective they may edit."""
    fields = initiative_fields(request.auth, with_owner(request.auth, payload))
    workspace = request.auth.workspace
    initiative = create(request.auth, Initiative(), fields, actions.create_initiative, workspace)
    return Status(201, initiative_out(initiative))


@router.get("/initiatives/{key}", response=responds(200, InitiativeOut), tags=["initiatives"])
def get_initiative(request: ApiRequest, key: PathKey) -> InitiativeOut:
    return initiative_out(access.get_initiative(request.auth, key))


@router.patch("/initiatives/{key}", response=responds(200, InitiativeOut), tags=["initiatives"])
def update_initiative(request: ApiRequest, key: PathKey, payload: InitiativePatch) -> InitiativeOut:
    initiative = access.get_initiative(request.auth, key, Action.EDIT)
    fields = initiative_fields(request.auth, changes_of(payload))
    save(request.auth, initiative, fields, actions.update_initiative)
    return initiative_out(initiative)


@router.delete("/initiatives/{key}", response=responds(204, None), tags=["initiatives"])
def delete_initiative(request: ApiRequest, key: PathKey) -> Status[None]:
    initiative = access.get_initiative(request.auth, key, Action.EDIT)
    actions.delete_initiative(initiative, actor=request.auth.user, via="api")
    return Status(204, None)
