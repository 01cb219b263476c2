"""Status of key results and objectives against elapsed time (docs/scoring.md)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from headway.domain.progress import ONE, clamp
from headway.domain.types import Direction, Status

ON_TRACK_SLACK = Decimal("0.10")
AT_RISK_SLACK = Decimal("0.25")
LOW_CONFIDENCE = 3


def elapsed_fraction(start: date, end: date, *, as_of: date) -> Decimal:
    """Share of the period [start, end] that has passed on `as_of`, in days, clamped to [0, 1]."""
    length = (end - start).days
    if length <= 0:
        return ONE if as_of >= end else Decimal(0)
    return clamp(Decimal((as_of - start).days) / Decimal(length))


def status_for(progress: Decimal, elapsed: Decimal) -> Status:
    """done at 1; on track within 0.10 of the elapsed share; at risk within 0.25; else off track."""
    if progress >= 1:
        return Status.DONE
    if progress >= elapsed - ON_TRACK_SLACK:
        return Status.ON_TRACK
    if progress >= elapsed - AT_RISK_SLACK:
        return Status.AT_RISK
    return Status.OFF_TRACK


def kr_status(
    direction: Direction, progress: Decimal, *, elapsed: Decimal, confidence: int | None
) -> Status:
    """Status of a key result.

    at_least / at_most KRs are never `done`: they are thresholds to hold, so they are on track
    while the condition holds and off track otherwise. The confidence cap reflects that the
    owner's own doubt is a signal the numbers do not show yet: a KR that is not done and whose
    latest confidence is 3 or lower is at best at risk.
    """
    if direction in (Direction.AT_LEAST, Direction.AT_MOST):
        status = Status.ON_TRACK if progress >= 1 else Status.OFF_TRACK
    else:
        status = status_for(progress, elapsed)
    if status is Status.ON_TRACK and confidence is not None and confidence <= LOW_CONFIDENCE:
        return Status.AT_RISK
    return status


def objective_status(progress: Decimal | None, *, elapsed: Decimal) -> Status | None:
    """Status of an objective: the same thresholds, no confidence cap; None without progress."""
    if progress is None:
        return None
    return status_for(progress, elapsed)


def progress_bounds(status: Status, elapsed: Decimal) -> tuple[Decimal | None, Decimal | None]:
    """The progress range [low, high) of an objective in `status` (status_for turned around),
    so that a list can filter by status on stored progress; None is an open end."""
    on_track, at_risk = elapsed - ON_TRACK_SLACK, elapsed - AT_RISK_SLACK
    return {
        Status.DONE: (ONE, None),
        Status.ON_TRACK: (on_track, ONE),
        Status.AT_RISK: (at_risk, on_track),
        Status.OFF_TRACK: (None, at_risk),
    }[status]
