"""Bounds on what is stored: numbers, dates and readings (docs/scoring.md, "Bounds").

Every number Headway stores is at most 10^15 in size, and an auto key result's target differs
from its start by at least 10^-6, so every figure computed from them is finite: attainment is
at most 2 * 10^15 / 10^-6 = 2 * 10^21, far from a float's limit. Every date lies in
2000-01-01..2100-12-31. A reading (check-in or KPI value) is never dated after today, and a
check-in is dated within its cycle.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

from headway.domain.types import Metric, RuleViolation

MAX_MAGNITUDE = Decimal(10) ** 15
MAX_NUMBER = 1e15  # the same bound, for fields that hold floats
MIN_SPAN = Decimal("0.000001")
# Characters of a long text (a description, note, blockers, retrospective) in every input:
# pages, API and plan file, so that whatever one of them takes, a backup restores.
MAX_TEXT = 20_000
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)
TRUE = 1.0
FALSE = 0.0


def check_number(field: str, value: float | Decimal | None) -> None:
    """Raise RuleViolation unless `value` is None or a finite number of size at most 10^15."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise RuleViolation(field, "must be a number")
    if isinstance(value, Decimal) and not value.is_finite():
        raise RuleViolation(field, "must be a finite number")
    if isinstance(value, float) and not math.isfinite(value):
        raise RuleViolation(field, "must be a finite number")
    if abs(Decimal(str(value)) if isinstance(value, float) else value) > MAX_MAGNITUDE:
        raise RuleViolation(field, "must be between -1e15 and 1e15")


def check_span(start: Decimal, target: Decimal) -> None:
    """An auto key result divides by target - start: it must not be (nearly) zero."""
    if abs(target - start) < MIN_SPAN:
        raise RuleViolation("target", "must differ from start by at least 0.000001")


def check_date(field: str, value: date | None) -> None:
    """Raise RuleViolation unless `value` is None or within 2000-01-01..2100-12-31."""
    if value is not None and not EARLIEST <= value <= LATEST:
        raise RuleViolation(field, "must be between 2000-01-01 and 2100-12-31")


def check_reading_date(
    at: date,
    *,
    today: date,
    start: date | None = None,
    end: date | None = None,
    field: str = "at",
) -> None:
    """A reading is dated in the sane range, not after `today`, and within [start, end].

    `today` is today in the workspace's time zone; `start` and `end` are the cycle's for a
    check-in (a KPI value has none): a check-in dated outside its cycle would count for none
    of the cycle's figures.
    """
    check_date(field, at)
    if at > today:
        raise RuleViolation(field, f"must not be after today ({today.isoformat()})")
    if start is not None and at < start:
        raise RuleViolation(field, f"must not be before the cycle's start ({start.isoformat()})")
    if end is not None and at > end:
        raise RuleViolation(field, f"must not be after the cycle's end ({end.isoformat()})")


def default_reading_date(*, today: date, end: date) -> date:
    """The date of a check-in given without one: today, or the cycle's end once it has passed
    (a late final reading then counts for the cycle it belongs to)."""
    return min(today, end)


def reading_value(metric: Metric, value: float | Decimal | bool, field: str = "value") -> float:
    """The number stored for a check-in's value.

    A done/not-done (boolean) key result takes true or false, or 1 or 0; any other number is
    refused. Other key results take a number, never true or false.
    """
    if metric is Metric.BOOLEAN:
        if isinstance(value, bool):
            return TRUE if value else FALSE
        if isinstance(value, int | float | Decimal) and value in (0, 1):
            return TRUE if value == 1 else FALSE
        raise RuleViolation(field, "must be true or false (or 1 or 0)")
    if isinstance(value, bool):
        raise RuleViolation(field, "must be a number, not true or false")
    check_number(field, value)
    return float(value) + 0.0  # -0.0 + 0.0 is 0.0: a reading of -0 is stored as 0
