"""A cycle's state on a given day, and which cycle is "the current one".

Both rules are used by every page, the API, rollups and exports, so they live here, free of
Django: a cycle is anything with `key`, `start`, `end` and a stored `state`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol, TypeVar

from headway.domain.types import CycleState


class CycleLike(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def start(self) -> date: ...
    @property
    def end(self) -> date: ...
    @property
    def state(self) -> str: ...


C = TypeVar("C", bound=CycleLike)


def cycle_state(stored: str, start: date, as_of: date) -> CycleState:
    """Closed if it was closed; else active from its start date on (or earlier, when an admin
    activated it early); else planning. Nobody has to switch a cycle on: the date does."""
    if stored == CycleState.CLOSED.value:
        return CycleState.CLOSED
    if stored == CycleState.ACTIVE.value or start <= as_of:
        return CycleState.ACTIVE
    return CycleState.PLANNING


def current_cycle(cycles: Iterable[C], as_of: date) -> C | None:
    """The cycle a page shows when none is asked for.

    1. a cycle containing `as_of`, open ones before closed ones, the latest to start first;
    2. else the latest cycle to have started (a quarter that ended and awaits its review);
    3. else the first cycle still to come;
    4. else none.
    """
    pool = list(cycles)
    containing = [c for c in pool if c.start <= as_of <= c.end]
    if containing:
        return max(containing, key=lambda c: (c.state != CycleState.CLOSED.value, c.start, c.key))
    started = [c for c in pool if c.start <= as_of]
    if started:
        return max(started, key=lambda c: (c.start, c.key))
    return min(pool, key=lambda c: (c.start, c.key), default=None)


# What may still change in a closed cycle: a cycle's name and state (reopening it), and an
# objective's review (its retrospective, and whether it was carried over). Anything else it
# holds (key results, check-ins) is final.
OPEN_WHEN_CLOSED: dict[str, frozenset[str]] = {
    "cycle": frozenset({"name", "state"}),
    "objective": frozenset({"retrospective", "carried_over"}),
}


def refused_when_closed(subject: str, fields: Iterable[str]) -> list[str]:
    """The changed `fields` of a `subject` ("cycle", "objective", "key_result", "check_in")
    that a closed cycle refuses, sorted; empty when the change is allowed."""
    return sorted(set(fields) - OPEN_WHEN_CLOSED.get(subject, frozenset()))
