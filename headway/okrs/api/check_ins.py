"""API: the check-ins of a key result."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router, Status

from headway import access
from headway.api_auth import ApiRequest
from headway.api_schemas import (
    PageParams,
    PathKey,
    page_of,
    paged,
    responds,
)
from headway.domain.policy import Action
from headway.okrs import actions
from headway.okrs.api.common import username
from headway.okrs.models import CheckIn
from headway.okrs.schemas import (
    CheckInIn,
    CheckInOut,
    CheckInPage,
)

router = Router()


def check_in_out(check_in: CheckIn) -> CheckInOut:
    return CheckInOut(
        key_result=check_in.key_result.key,
        at=check_in.at,
        value=check_in.value,
        confidence=check_in.confidence,
        note=check_in.note,
        blockers=check_in.blockers,
        author=username(check_in.author),
    )


@router.get(
    "/key-results/{key}/check-ins", response=responds(200, CheckInPage), tags=["key results"]
)
def list_check_ins(request: ApiRequest, key: PathKey, page: Query[PageParams]) -> dict[str, Any]:
    """The check-ins of a key result, oldest first."""
    kr = access.get_key_result(request.auth, key)
    rows = CheckIn.objects.filter(key_result=kr).select_related("key_result", "author")
    count, check_ins = page_of(rows.order_by("at"), page)
    return paged(count, check_ins, check_in_out)


@router.post(
    "/key-results/{key}/check-ins", response=responds(201, CheckInOut), tags=["key results"]
)
def create_check_in(request: ApiRequest, key: PathKey, payload: CheckInIn) -> Status[CheckInOut]:
    """Record a reading. Members: on key results of theirs or of their teams' objectives."""
    kr = access.get_key_result(request.auth, key, Action.CHECK_IN)
    check_in = actions.record_check_in(
        kr, actor=request.auth.user, via="api", **payload.model_dump()
    )
    return Status(201, check_in_out(check_in))
