"""End-of-cycle grades: score, colour band, success (docs/scoring.md)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from headway.domain.types import Band, ObjectiveKind

TENTH = Decimal("0.1")


def score(progress: Decimal) -> Decimal:
    """Progress rounded half up to one decimal.

    Decimal, not float: 0.65 must grade 0.7, and Python's round(0.65, 1) gives 0.6 (banker's
    rounding on a binary float that is slightly below 0.65).
    """
    return progress.quantize(TENTH, rounding=ROUND_HALF_UP)


def band(grade: Decimal) -> Band:
    """0.0-0.3 red, 0.4-0.6 yellow, 0.7-1.0 green."""
    if grade <= Decimal("0.3"):
        return Band.RED
    if grade <= Decimal("0.6"):
        return Band.YELLOW
    return Band.GREEN


def succeeded(grade: Decimal, kind: ObjectiveKind) -> bool:
    """A committed objective succeeds at 1.0; an aspirational one at 0.7 or more."""
    threshold = Decimal(1) if kind is ObjectiveKind.COMMITTED else Decimal("0.7")
    return grade >= threshold
