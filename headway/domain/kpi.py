"""KPI status (red / amber / green) and staleness (docs/scoring.md)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from headway.domain.bounds import check_number
from headway.domain.progress import latest_point
from headway.domain.types import (
    Cadence,
    KPIDirection,
    KPIInput,
    KPIResult,
    KPIStatus,
    Point,
    RuleViolation,
)

ZERO = Decimal(0)


def validate_kpi(kpi: KPIInput) -> None:
    """Raise RuleViolation when a KPI's thresholds cannot be evaluated."""
    for name in ("target", "green", "red", "low", "high", "tolerance"):
        check_number(name, getattr(kpi, name))
    if kpi.direction is KPIDirection.WITHIN_RANGE:
        if kpi.low is None:
            raise RuleViolation("low", "is required when direction is within_range")
        if kpi.high is None:
            raise RuleViolation("high", "is required when direction is within_range")
        if kpi.low > kpi.high:
            raise RuleViolation("high", "must be greater than or equal to low")
        if kpi.tolerance is not None and kpi.tolerance < 0:
            raise RuleViolation("tolerance", "must be 0 or more")
        return
    green = kpi.green if kpi.green is not None else kpi.target
    red = kpi.red if kpi.red is not None else kpi.target
    if green is None or red is None:
        raise RuleViolation("target", "is required unless both green and red are given")
    if kpi.direction is KPIDirection.HIGHER_IS_BETTER and green < red:
        raise RuleViolation("green", "must be at least red when higher is better")
    if kpi.direction is KPIDirection.LOWER_IS_BETTER and green > red:
        raise RuleViolation("green", "must be at most red when lower is better")


def kpi_status(kpi: KPIInput, latest: Point | None) -> KPIStatus:
    """Colour of the latest value against the thresholds; no_data without a value."""
    if latest is None:
        return KPIStatus.NO_DATA
    value = latest.value
    if kpi.direction is KPIDirection.WITHIN_RANGE:
        assert kpi.low is not None  # validate_kpi guarantees both bounds
        assert kpi.high is not None
        tolerance = kpi.tolerance if kpi.tolerance is not None else ZERO
        if kpi.low <= value <= kpi.high:
            return KPIStatus.GREEN
        if kpi.low - tolerance <= value <= kpi.high + tolerance:
            return KPIStatus.AMBER
        return KPIStatus.RED
    # Without thresholds both green and red equal the target: the KPI is green or red, never amber.
    green = kpi.green if kpi.green is not None else kpi.target
    red = kpi.red if kpi.red is not None else kpi.target
    assert green is not None  # validate_kpi guarantees a target or both thresholds
    assert red is not None
    if kpi.direction is KPIDirection.HIGHER_IS_BETTER:
        if value >= green:
            return KPIStatus.GREEN
        return KPIStatus.RED if value < red else KPIStatus.AMBER
    if value <= green:
        return KPIStatus.GREEN
    return KPIStatus.RED if value > red else KPIStatus.AMBER


def is_stale(cadence: Cadence, latest: Point | None, *, as_of: date) -> bool:
    """True when the latest value is more than two reporting periods old; False without a value."""
    if latest is None:
        return False
    return (as_of - latest.at).days > 2 * cadence.days


def evaluate_kpi(kpi: KPIInput, values: Iterable[Point], *, as_of: date) -> KPIResult:
    """Latest value on or before `as_of`, its status and staleness."""
    latest = latest_point(values, as_of=as_of)
    return KPIResult(
        latest=latest,
        status=kpi_status(kpi, latest),
        stale=is_stale(kpi.cadence, latest, as_of=as_of),
    )


def needs_attention(status: KPIStatus, *, stale: bool) -> bool:
    """A KPI a reader should look at: red or amber, or stale whatever its colour."""
    return stale or status in (KPIStatus.RED, KPIStatus.AMBER)


@dataclass(frozen=True, slots=True)
class GreenRange:
    """Where a value is green for KPIs of one direction, named by KPIInput fields: the first of
    `low` (of `high`) that is not None is the least (the greatest) green value, inclusive; no
    fields is unbounded on that side. `kpi_status` turned around, so that a query can select
    the KPIs that are not green from their stored thresholds."""

    low: tuple[str, ...]
    high: tuple[str, ...]


GREEN_RANGES = {
    KPIDirection.HIGHER_IS_BETTER: GreenRange(low=("green", "target"), high=()),
    KPIDirection.LOWER_IS_BETTER: GreenRange(low=(), high=("green", "target")),
    KPIDirection.WITHIN_RANGE: GreenRange(low=("low",), high=("high",)),
}


def first_set(kpi: KPIInput, fields: tuple[str, ...]) -> Decimal | None:
    """The first of `fields` of `kpi` that is not None (a GreenRange bound of this KPI)."""
    return next((v for v in (getattr(kpi, f) for f in fields) if v is not None), None)


def fresh_since(cadence: Cadence, *, as_of: date) -> date:
    """The oldest date a latest value may have without being stale (`is_stale` turned around)."""
    return as_of - timedelta(days=2 * cadence.days)


@dataclass(frozen=True, slots=True)
class ThresholdBand:
    """The values from `low` to `high` that get `status`; None is unbounded on that side."""

    low: Decimal | None
    high: Decimal | None
    status: KPIStatus


def threshold_bands(kpi: KPIInput) -> list[ThresholdBand]:
    """The red / amber / green regions of the value axis, lowest first, as `kpi_status` colours
    them (missing green and red default to the target); none without thresholds."""
    red, amber, green = KPIStatus.RED, KPIStatus.AMBER, KPIStatus.GREEN
    if kpi.direction is KPIDirection.WITHIN_RANGE and kpi.low is not None and kpi.high is not None:
        tolerance = kpi.tolerance or ZERO
        low, high = kpi.low, kpi.high
        return [
            ThresholdBand(None, low - tolerance, red),
            ThresholdBand(low - tolerance, low, amber),
            ThresholdBand(low, high, green),
            ThresholdBand(high, high + tolerance, amber),
            ThresholdBand(high + tolerance, None, red),
        ]
    good = kpi.green if kpi.green is not None else kpi.target
    bad = kpi.red if kpi.red is not None else kpi.target
    if good is None or bad is None:
        return []
    if kpi.direction is KPIDirection.LOWER_IS_BETTER:
        return [ThresholdBand(None, good, green), ThresholdBand(good, bad, amber),
                ThresholdBand(bad, None, red)]  # fmt: skip
    return [ThresholdBand(None, bad, red), ThresholdBand(bad, good, amber),
            ThresholdBand(good, None, green)]  # fmt: skip


Move = Literal["up", "down", "flat"]
Mood = Literal["good", "bad", "flat"]


@dataclass(frozen=True, slots=True)
class Trend:
    """The last move of a KPI's series and whether it was good, bad or neither."""

    move: Move
    mood: Mood


def trend(direction: KPIDirection, values: Sequence[float]) -> Trend:
    """Flat with fewer than two values or an unchanged last one; a move within a range is neither
    good nor bad."""
    if len(values) < 2 or values[-1] == values[-2]:
        return Trend("flat", "flat")
    up = values[-1] > values[-2]
    mood: Mood
    if direction is KPIDirection.WITHIN_RANGE:
        mood = "flat"
    else:
        mood = "good" if up == (direction is KPIDirection.HIGHER_IS_BETTER) else "bad"
    return Trend("up" if up else "down", mood)
