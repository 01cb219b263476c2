"""References in request bodies (team, owner, parent, kpi...), resolved in the caller's workspace.

A key that names nothing the caller can see, including an object of another workspace with
the same key, is "unknown": `Invalid` naming the field (400), never a cross-tenant link.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from pydantic import BaseModel

from headway import access
from headway.accounts.models import Membership, User
from headway.core.errors import Invalid
from headway.kpis.models import KPI
from headway.okrs.models import Cycle, KeyResult, Objective
from headway.teams.models import Team

M = TypeVar("M", bound=Model)

Ref = Callable[[Membership, Any, str], Any]


def one(queryset: QuerySet[M], field: str, what: str, value: str) -> M:
    found = queryset.first()
    if found is None:
        raise Invalid(field, f"unknown {what} {value!r}")
    return found


def user_ref(membership: Membership, username: str | None, field: str = "owner") -> User | None:
    if username is None:
        return None
    users = User.objects.filter(
        username=username, memberships__workspace_id=membership.workspace_id
    )
    return one(users, field, "user", username)


def team_ref(membership: Membership, key: str | None, field: str = "team") -> Team | None:
    if key is None:
        return None
    return one(access.teams_for(membership).filter(key=key), field, "team", key)


def cycle_ref(membership: Membership, key: str, field: str = "cycle") -> Cycle:
    return one(access.cycles_for(membership).filter(key=key), field, "cycle", key)


def objective_ref(
    membership: Membership, key: str | None, field: str = "objective"
) -> Objective | None:
    if key is None:
        return None
    visible = access.objectives_for(membership).filter(key=key).select_related("cycle", "team")
    return one(visible, field, "objective", key)


def key_result_ref(
    membership: Membership, key: str | None, field: str = "key_result"
) -> KeyResult | None:
    if key is None:
        return None
    visible = access.key_results_for(membership).filter(key=key).select_related("objective")
    return one(visible, field, "key result", key)


def kpi_ref(membership: Membership, key: str | None, field: str = "kpi") -> KPI | None:
    if key is None:
        return None
    return one(access.kpis_for(membership).filter(key=key), field, "KPI", key)


def users_ref(
    membership: Membership, usernames: list[str], field: str = "members"
) -> list[User | None]:
    return [user_ref(membership, name, field) for name in usernames]


def resolved(membership: Membership, fields: dict[str, Any], **refs: Ref) -> dict[str, Any]:
    """`fields` (a request body) with each reference named in `refs` that it holds turned into
    a row of the caller's workspace, in the order of `refs`: the first unknown one is the error."""
    for field, ref in refs.items():
        if field in fields:
            fields[field] = ref(membership, fields[field], field)
    return fields


def with_owner(membership: Membership, payload: BaseModel) -> dict[str, Any]:
    """The body of a new object; an owner left out of it is the caller."""
    fields = payload.model_dump()
    if "owner" not in payload.model_fields_set:
        fields["owner"] = membership.user.username
    return fields
