"""What pages read off a KPI: its threshold bands, the trend of its series, whether it needs
attention (docs/scoring.md §6)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from headway.domain.kpi import (
    ThresholdBand,
    Trend,
    kpi_status,
    needs_attention,
    threshold_bands,
    trend,
    validate_kpi,
)
from headway.domain.types import Cadence, KPIDirection, KPIInput, KPIStatus, Point, RuleViolation

RED, AMBER, GREEN = KPIStatus.RED, KPIStatus.AMBER, KPIStatus.GREEN


def kpi(direction: KPIDirection, **numbers: str) -> KPIInput:
    given_ = {name: Decimal(value) for name, value in numbers.items()}
    return KPIInput(direction=direction, cadence=Cadence.MONTHLY, **given_)


class TestThresholdBands:
    def test_higher_is_better_runs_red_amber_green(self):
        bands = threshold_bands(kpi(KPIDirection.HIGHER_IS_BETTER, green="90", red="80"))
        assert bands == [
            ThresholdBand(None, Decimal(80), RED),
            ThresholdBand(Decimal(80), Decimal(90), AMBER),
            ThresholdBand(Decimal(90), None, GREEN),
        ]

    def test_lower_is_better_runs_green_amber_red_and_a_missing_threshold_is_the_target(self):
        bands = threshold_bands(kpi(KPIDirection.LOWER_IS_BETTER, target="5", green="2"))
        assert [(b.low, b.high, b.status) for b in bands] == [
            (None, Decimal(2), GREEN),
            (Decimal(2), Decimal(5), AMBER),
            (Decimal(5), None, RED),
        ]

    def test_within_range_has_amber_edges_as_wide_as_the_tolerance(self):
        bands = threshold_bands(kpi(KPIDirection.WITHIN_RANGE, low="10", high="20", tolerance="2"))
        assert [(b.low, b.high, b.status) for b in bands] == [
            (None, Decimal(8), RED),
            (Decimal(8), Decimal(10), AMBER),
            (Decimal(10), Decimal(20), GREEN),
            (Decimal(20), Decimal(22), AMBER),
            (Decimal(22), None, RED),
        ]

    def test_no_bands_without_a_target_or_thresholds(self):
        assert threshold_bands(kpi(KPIDirection.HIGHER_IS_BETTER)) == []


numbers = st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False)


@st.composite
def valid_kpis(draw: st.DrawFn) -> KPIInput:
    direction = draw(st.sampled_from(KPIDirection))
    fields = ("target", "green", "red", "low", "high", "tolerance")
    values = {name: draw(st.none() | numbers) for name in fields}
    candidate = KPIInput(direction=direction, cadence=Cadence.WEEKLY, **values)
    try:
        validate_kpi(candidate)
    except RuleViolation:
        assume(False)
    return candidate


class TestBandsAgreeWithStatus:
    @given(valid_kpis(), numbers)
    def test_a_value_inside_a_band_has_the_bands_colour(self, k: KPIInput, value: Decimal):
        status = kpi_status(k, Point(at=date(2026, 1, 1), value=value))
        inside = [
            b
            for b in threshold_bands(k)
            if (b.low is None or b.low < value) and (b.high is None or value < b.high)
        ]
        for band in inside:
            assert band.status is status

    @given(valid_kpis())
    def test_bands_run_from_minus_to_plus_infinity_without_gaps(self, k: KPIInput):
        bands = threshold_bands(k)
        assert bands, "a valid KPI has thresholds"
        assert bands[0].low is None
        assert bands[-1].high is None
        for below, above in pairwise(bands):
            assert below.high == above.low


class TestTrend:
    @pytest.mark.parametrize(
        ("direction", "values", "expected"),
        [
            (KPIDirection.HIGHER_IS_BETTER, [1.0, 2.0], Trend("up", "good")),
            (KPIDirection.HIGHER_IS_BETTER, [2.0, 1.0], Trend("down", "bad")),
            (KPIDirection.LOWER_IS_BETTER, [2.0, 1.0], Trend("down", "good")),
            (KPIDirection.LOWER_IS_BETTER, [1.0, 2.0], Trend("up", "bad")),
            (KPIDirection.WITHIN_RANGE, [1.0, 2.0], Trend("up", "flat")),
            (KPIDirection.HIGHER_IS_BETTER, [5.0, 3.0, 3.0], Trend("flat", "flat")),
            (KPIDirection.HIGHER_IS_BETTER, [3.0], Trend("flat", "flat")),
            (KPIDirection.HIGHER_IS_BETTER, [], Trend("flat", "flat")),
        ],
    )
    def test_the_last_move_and_its_mood(self, direction, values, expected):
        assert trend(direction, values) == expected

    @given(
        st.sampled_from(KPIDirection),
        st.lists(st.floats(allow_nan=False), min_size=2, max_size=5),
    )
    def test_only_the_last_two_values_count(self, direction, values):
        assert trend(direction, [0.5, *values]) == trend(direction, values[-2:])


class TestNeedsAttention:
    @pytest.mark.parametrize("status", list(KPIStatus))
    def test_red_and_amber_or_stale_whatever_the_colour(self, status):
        assert needs_attention(status, stale=True)
        assert needs_attention(status, stale=False) is (status in (RED, AMBER))
