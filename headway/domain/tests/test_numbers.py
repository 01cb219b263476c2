"""dec and num: stored floats to Decimals and back for display."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from headway.domain.numbers import dec, num


def test_dec_keeps_what_was_typed() -> None:
    assert dec(0.1) == Decimal("0.1")
    assert dec(None) is None


def test_num_rounds_and_never_prints_minus_zero() -> None:
    assert num(Decimal("1.23456")) == 1.2346
    assert str(num(Decimal("-0.00001"))) == "0.0"
    assert num(None) is None


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9))
def test_num_of_dec_rounds_trip_to_four_places(value: float) -> None:
    assert num(dec(value)) == round(value, 4) or num(dec(value)) == 0.0
