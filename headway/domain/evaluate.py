"""One key result and one objective, evaluated as of a date: the rules put together."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from headway.domain.progress import kr_current, kr_progress, latest_point
from headway.domain.scoring import score
from headway.domain.status import kr_status, objective_status
from headway.domain.types import KRInput, KRResult, ObjectiveResult, Point


def latest_confidence(points: Iterable[Point], *, as_of: date) -> int | None:
    """Confidence of the latest check-in on or before `as_of` that carries one."""
    latest = latest_point((p for p in points if p.confidence is not None), as_of=as_of)
    return latest.confidence if latest is not None else None


def evaluate_kr(
    kr: KRInput,
    values: Iterable[Point],
    *,
    as_of: date,
    elapsed: Decimal,
    check_ins: Iterable[Point] | None = None,
) -> KRResult:
    """Current value, progress, attainment, status, score and confidence of one key result.

    `values` gives the current value: the KR's check-ins, or its linked KPI's values. The
    confidence comes from `check_ins` (by default `values`): a KPI-fed KR keeps the owner's
    confidence. Observations after `as_of` are ignored. `elapsed` is the share of the cycle
    that has passed (status.elapsed_fraction).
    """
    values = list(values)
    latest = latest_point(values, as_of=as_of)
    current = kr_current(kr, latest)
    progress, attainment = kr_progress(kr, current)
    confidence = latest_confidence(values if check_ins is None else check_ins, as_of=as_of)
    return KRResult(
        current=current,
        progress=progress,
        attainment=attainment,
        status=kr_status(kr.direction, progress, elapsed=elapsed, confidence=confidence),
        score=score(progress),
        confidence=confidence,
    )


def evaluate_objective(progress: Decimal | None, *, elapsed: Decimal) -> ObjectiveResult:
    """Status and score of an objective whose (unrounded) progress is known."""
    return ObjectiveResult(
        progress=progress,
        status=objective_status(progress, elapsed=elapsed),
        score=score(progress) if progress is not None else None,
    )
