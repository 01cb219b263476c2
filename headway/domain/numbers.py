"""Number conversion between stored floats, the Decimals the rules compute with, and display."""

from __future__ import annotations

from decimal import Context, Decimal

FIGURE_DECIMALS = 4
# Progress and attainment are kept to 15 significant digits: a float holds any such number
# exactly (str() gives its digits back), so a figure stored in a float column and read back
# is the very Decimal the rules computed, and stored figures equal recomputed ones.
STORED = Context(prec=15)


def dec(value: float | None) -> Decimal | None:
    """A stored float as the Decimal a person typed (str() gives the shortest round-trip form)."""
    return None if value is None else Decimal(str(value))


def num(value: Decimal | None, places: int = FIGURE_DECIMALS) -> float | None:
    """A Decimal figure as a float rounded for display and export; never -0.0."""
    if value is None:
        return None
    rounded = round(float(value), places)
    return rounded if rounded != 0 else 0.0  # -0.0001 rounds to -0.0, which would print


def storable(value: Decimal) -> Decimal:
    """`value` to 15 significant digits, the precision a stored figure keeps; never -0."""
    return STORED.plus(value) + 0
