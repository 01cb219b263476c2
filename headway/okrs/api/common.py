"""What the okrs endpoints share: the day asked about, the figures of the rows an answer shows,
creating and saving through the write decision."""

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
from headway.okrs.models import Cycle, KeyResult, Objective
from headway.okrs.scoring import Scoreboard, figures_of
from headway.pages.http import today

T = TypeVar("T")


def day_of(membership: Membership, params: AsOfParams | None = None) -> date:
    """The day asked about, else today in the workspace."""
    return (params.as_of if params else None) or today(membership)


def figures_for(
    membership: Membership,
    cycles: Iterable[Cycle],
    day: AsOfParams | None = None,
    *,
    objectives: Iterable[Objective] = (),
    key_results: Iterable[KeyResult] = (),
) -> Scoreboard:
    """The figures of exactly these rows as of the day asked about: stored where they answer,
    so an answer costs the rows it shows, not its cycle (okrs.scoring.figures_of)."""
    return figures_of(
        cycles,
        as_of=day_of(membership, day),
        today=today(membership),
        objectives=objectives,
        key_results=key_results,
    )


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
