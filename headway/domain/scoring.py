"""End-of-cycle grades: score, colour band, success (docs/scoring.md)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from headway.domain.types import Band, ObjectiveKind

TENTH = Decimal("0.1")


def score(progress: Decimal) -> Decimal:
    """Progress rounded half up to one decimal.

    Decimal, not float: 0.65 must grade 0.7 and 0.35 must grade 0.4, but Python's round() on a
    float rounds half to even (round(0.25, 1) is 0.2) and sees the binary value, which for 0.35,
    0.85 or 0.95 lies slightly below the half (round(0.35, 1) is 0.3). Callers holding a float
    convert it with Decimal(str(x)), never Decimal(x), which keeps the binary error.
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
