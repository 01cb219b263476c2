"""Number conversion between stored floats, the Decimals the rules compute with, and display."""

from __future__ import annotations

from decimal import Decimal

FIGURE_DECIMALS = 4


def dec(value: float | None) -> Decimal | None:
    """A stored float as the Decimal a person typed (str() gives the shortest round-trip form)."""
    return None if value is None else Decimal(str(value))


def num(value: Decimal | None, places: int = FIGURE_DECIMALS) -> float | None:
    """A Decimal figure as a float rounded for display and export; never -0.0."""
    if value is None:
        return None
    rounded = round(float(value), places)
    return rounded if rounded != 0 else 0.0  # -0.0001 rounds to -0.0, which would print
