"""What the okrs endpoints share: the day asked about, one scoreboard, creating and saving
through the write decision."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, TypeVar

from headway import access
from headway.access import Writable
from headway.accounts.models import Membership
from headway.api_schemas import (
    AsOfParams,
)
from headway.core.timeutil import today_in
from headway.okrs.models import Cycle
from headway.okrs.scoring import Scoreboard, scoreboard

T = TypeVar("T")


def day_of(membership: Membership, params: AsOfParams | None = None) -> date:
    """The day asked about, else today in the workspace."""
    return (params.as_of if params else None) or today_in(membership.workspace.timezone)


def board_for(cycles: Iterable[Cycle], as_of: date) -> Scoreboard:
    unique = {cycle.pk: cycle for cycle in cycles}
    return scoreboard(unique.values(), as_of=as_of)


def create(
    membership: Membership,
    new: Writable,
    fields: dict[str, Any],
    action: Callable[..., T],
    target: object,
) -> T:
    """Create `new` (unsaved, the object `fields` describe) through `action` on `target` (the
    workspace, or the objective it joins), once access allows it."""
    access.check_write(membership, new, fields)
    return action(target, actor=membership.user, via="api", **fields)


def save(
    membership: Membership, obj: Writable, fields: dict[str, Any], update: Callable[..., object]
) -> None:
    """Make the changes `fields` to `obj` through the action `update`, once access allows them."""
    access.check_write(membership, obj, fields)
    update(obj, actor=membership.user, via="api", **fields)


def username(user: Any) -> str | None:
    return user.username if user is not None else None


def key_of(obj: Any) -> str | None:
    return obj.key if obj is not None else None
