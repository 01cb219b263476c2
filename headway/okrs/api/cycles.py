"""API: cycles (list, create, read, change, close, carry over)."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router, Status

from headway import access
from headway.accounts.models import Membership
from headway.api_auth import ApiRequest
from headway.api_refs import (
    cycle_ref,
)
from headway.api_schemas import (
    PageParams,
    PathKey,
    changes_of,
    page_of,
    paged,
    responds,
)
from headway.core.timeutil import today_in
from headway.domain.policy import Action
from headway.okrs import actions
from headway.okrs.models import Cycle
from headway.okrs.schemas import (
    CarryOverIn,
    CarryOverOut,
    CycleIn,
    CycleOut,
    CyclePage,
    CyclePatch,
)

router = Router()


def cycle_out(cycle: Cycle, membership: Membership) -> CycleOut:
    """`state` is the derived one: active from the start date on its own, unless closed."""
    state = cycle.state_on(today_in(membership.workspace.timezone))
    return CycleOut(key=cycle.key, name=cycle.name, start=cycle.start, end=cycle.end, state=state)


@router.get("/cycles", response=responds(200, CyclePage), tags=["cycles"])
def list_cycles(request: ApiRequest, page: Query[PageParams]) -> dict[str, Any]:
    """Every cycle of the workspace, latest first."""
    count, rows = page_of(access.cycles_for(request.auth), page)
    return paged(count, rows, lambda cycle: cycle_out(cycle, request.auth))


@router.post("/cycles", response=responds(201, CycleOut), tags=["cycles"])
def create_cycle(request: ApiRequest, payload: CycleIn) -> Status[CycleOut]:
    """Add a cycle (admins)."""
    access.check(request.auth, Action.MANAGE)
    cycle = actions.create_cycle(
        request.auth.workspace, actor=request.auth.user, via="api", **payload.model_dump()
    )
    return Status(201, cycle_out(cycle, request.auth))


@router.get("/cycles/{key}", response=responds(200, CycleOut), tags=["cycles"])
def get_cycle(request: ApiRequest, key: PathKey) -> CycleOut:
    return cycle_out(access.get_cycle(request.auth, key), request.auth)


@router.patch("/cycles/{key}", response=responds(200, CycleOut), tags=["cycles"])
def update_cycle(request: ApiRequest, key: PathKey, payload: CyclePatch) -> CycleOut:
    """Rename, reschedule, activate or reopen a cycle (admins)."""
    cycle = access.get_cycle(request.auth, key, Action.MANAGE)
    actions.update_cycle(cycle, actor=request.auth.user, via="api", **changes_of(payload))
    return cycle_out(cycle, request.auth)


@router.post("/cycles/{key}/close", response=responds(200, CycleOut), tags=["cycles"])
def close_cycle(request: ApiRequest, key: PathKey) -> CycleOut:
    """Close a cycle: its figures as of its end are frozen and check-ins refused (admins)."""
    cycle = access.get_cycle(request.auth, key, Action.MANAGE)
    closed = actions.close_cycle(cycle, actor=request.auth.user, via="api")
    return cycle_out(closed, request.auth)


@router.post("/cycles/{key}/carry-over", response=responds(201, CarryOverOut), tags=["cycles"])
def carry_over(request: ApiRequest, key: PathKey, payload: CarryOverIn) -> Status[CarryOverOut]:
    """Carry unfinished objectives of this cycle into another (whoever may edit them)."""
    cycle = access.get_cycle(request.auth, key)
    keys = None if payload.objectives == "all_unfinished" else list(payload.objectives)
    objectives = access.objectives_to_carry(request.auth, cycle, keys)
    carried = actions.carry_over(
        objectives,
        to_cycle=cycle_ref(request.auth, payload.to_cycle, "to_cycle"),
        mode=payload.mode,
        actor=request.auth.user,
        via="api",
        only_unfinished=keys is None,
    )
    return Status(
        201,
        CarryOverOut(
            mode=payload.mode,
            to_cycle=payload.to_cycle,
            carried={o.carried_from.key: o.key for o in carried if o.carried_from},
        ),
    )
