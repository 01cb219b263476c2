"""How pages write numbers: compact when big, never '-0' (issue 9, items 11 and 29)."""

from __future__ import annotations

import pytest

from headway.core.templatetags.headway import number


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (1.2e12, "", "1.2T"),
        (1e15, "EUR", "1,000T EUR"),
        (-1e15, "", "-1,000T"),
        (1_234_567, "", "1.23M"),
        (1_500_000_000, "%", "1.5B%"),
        (999_999.5, "", "999,999.5"),
        (1234.5, "ms", "1,234.5 ms"),
        (-0.0, "", "0"),
        (-0.001, "%", "0%"),
        (1e-300, "", "0"),
        (float("inf"), "", "\u2013"),
        (None, "", "\u2013"),
        (True, "", "\u2013"),
    ],
)
def test_numbers_are_written_compactly_and_never_as_minus_zero(value, unit, text):
    assert number(value, unit) == text
