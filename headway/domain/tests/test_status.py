"""Status of key results and objectives against elapsed time (docs/scoring.md §4)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from headway.domain.status import (
    elapsed_fraction,
    kr_status,
    objective_status,
    progress_bounds,
    status_for,
)
from headway.domain.types import Direction, Status

# A 100-day cycle, so that day n of the cycle is elapsed n / 100.
START = date(2025, 1, 1)
END = date(2025, 4, 11)


def day(n: int) -> date:
    return START + timedelta(days=n)


class TestElapsedFraction:
    def test_the_cycle_fixture_is_100_days_long(self) -> None:
        assert (END - START).days == 100

    @pytest.mark.parametrize(
        ("n", "expected"), [(0, "0"), (1, "0.01"), (25, "0.25"), (50, "0.5"), (100, "1")]
    )
    def test_it_is_the_share_of_days_passed(self, n: int, expected: str) -> None:
        assert elapsed_fraction(START, END, as_of=day(n)) == Decimal(expected)

    def test_it_is_zero_before_the_start(self) -> None:
        assert elapsed_fraction(START, END, as_of=day(-30)) == 0

    def test_it_is_one_after_the_end(self) -> None:
        assert elapsed_fraction(START, END, as_of=day(130)) == 1

    def test_it_counts_calendar_days(self) -> None:
        # Q1 2025 is 89 days from Jan 1 to Mar 31; Feb 15 is day 45.
        assert elapsed_fraction(date(2025, 1, 1), date(2025, 3, 31), as_of=date(2025, 2, 15)) == (
            Decimal(45) / Decimal(89)
        )

    def test_a_one_day_cycle_is_over_on_its_end_date(self) -> None:
        assert elapsed_fraction(START, START, as_of=START) == 1

    def test_a_one_day_cycle_has_not_started_before_it(self) -> None:
        assert elapsed_fraction(START, START, as_of=day(-1)) == 0

    def test_a_reversed_cycle_does_not_divide_by_a_negative_length(self) -> None:
        assert elapsed_fraction(END, START, as_of=day(50)) == 1
        assert elapsed_fraction(END, START, as_of=day(-1)) == 0


class TestStatusFor:
    @pytest.mark.parametrize(
        ("progress", "elapsed", "expected"),
        [
            ("1", "0.2", Status.DONE),
            ("1", "1", Status.DONE),
            ("0.5", "0.5", Status.ON_TRACK),
            ("0.9", "0.5", Status.ON_TRACK),
            ("0.40", "0.5", Status.ON_TRACK),  # exactly e - 0.10
            ("0.39", "0.5", Status.AT_RISK),
            ("0.25", "0.5", Status.AT_RISK),  # exactly e - 0.25
            ("0.24", "0.5", Status.OFF_TRACK),
            ("0", "0.5", Status.OFF_TRACK),
            ("0", "0", Status.ON_TRACK),
            ("0", "0.1", Status.ON_TRACK),
            ("0", "0.11", Status.AT_RISK),
            ("0", "0.25", Status.AT_RISK),
            ("0", "0.26", Status.OFF_TRACK),
            ("0.9", "1", Status.ON_TRACK),
            ("0.75", "1", Status.AT_RISK),
            ("0.74", "1", Status.OFF_TRACK),
        ],
    )
    def test_it_compares_progress_with_elapsed_time(
        self, progress: str, elapsed: str, expected: Status
    ) -> None:
        assert status_for(Decimal(progress), Decimal(elapsed)) is expected


class TestKRStatus:
    def test_an_auto_kr_follows_the_thresholds(self) -> None:
        status = kr_status(Direction.AUTO, Decimal("0.3"), elapsed=Decimal("0.5"), confidence=None)
        assert status is Status.AT_RISK

    def test_an_auto_kr_at_full_progress_is_done(self) -> None:
        status = kr_status(Direction.AUTO, Decimal(1), elapsed=Decimal("0.5"), confidence=None)
        assert status is Status.DONE

    @pytest.mark.parametrize("direction", [Direction.AT_LEAST, Direction.AT_MOST])
    def test_a_threshold_kr_is_never_done_but_on_track_while_it_holds(
        self, direction: Direction
    ) -> None:
        for elapsed in ("0", "0.5", "1"):
            status = kr_status(direction, Decimal(1), elapsed=Decimal(elapsed), confidence=None)
            assert status is Status.ON_TRACK

    @pytest.mark.parametrize("direction", [Direction.AT_LEAST, Direction.AT_MOST])
    def test_a_threshold_kr_is_off_track_when_it_does_not_hold(self, direction: Direction) -> None:
        # Even on day one: there is no "time to catch up" for a threshold to hold.
        status = kr_status(direction, Decimal(0), elapsed=Decimal(0), confidence=None)
        assert status is Status.OFF_TRACK

    @pytest.mark.parametrize("confidence", [1, 2, 3])
    def test_low_confidence_caps_an_on_track_kr_at_at_risk(self, confidence: int) -> None:
        status = kr_status(
            Direction.AUTO, Decimal("0.6"), elapsed=Decimal("0.5"), confidence=confidence
        )
        assert status is Status.AT_RISK

    @pytest.mark.parametrize("confidence", [4, 7, 10, None])
    def test_higher_or_no_confidence_leaves_on_track_alone(self, confidence: int | None) -> None:
        status = kr_status(
            Direction.AUTO, Decimal("0.6"), elapsed=Decimal("0.5"), confidence=confidence
        )
        assert status is Status.ON_TRACK

    def test_low_confidence_does_not_touch_a_done_kr(self) -> None:
        status = kr_status(Direction.AUTO, Decimal(1), elapsed=Decimal("0.5"), confidence=1)
        assert status is Status.DONE

    def test_low_confidence_does_not_improve_an_off_track_kr(self) -> None:
        status = kr_status(Direction.AUTO, Decimal(0), elapsed=Decimal("0.9"), confidence=2)
        assert status is Status.OFF_TRACK

    def test_low_confidence_keeps_an_at_risk_kr_at_risk(self) -> None:
        status = kr_status(Direction.AUTO, Decimal("0.3"), elapsed=Decimal("0.5"), confidence=2)
        assert status is Status.AT_RISK

    def test_low_confidence_caps_a_threshold_kr_that_holds(self) -> None:
        status = kr_status(Direction.AT_LEAST, Decimal(1), elapsed=Decimal("0.5"), confidence=3)
        assert status is Status.AT_RISK


class TestObjectiveStatus:
    def test_it_is_none_without_progress(self) -> None:
        assert objective_status(None, elapsed=Decimal("0.5")) is None

    @pytest.mark.parametrize(
        ("progress", "expected"),
        [
            ("1", Status.DONE),
            ("0.45", Status.ON_TRACK),
            ("0.3", Status.AT_RISK),
            ("0.2", Status.OFF_TRACK),
        ],
    )
    def test_it_uses_the_kr_thresholds(self, progress: str, expected: Status) -> None:
        assert objective_status(Decimal(progress), elapsed=Decimal("0.5")) is expected

    def test_zero_progress_on_day_one_is_on_track(self) -> None:
        assert objective_status(Decimal(0), elapsed=Decimal(0)) is Status.ON_TRACK


class TestProgressBounds:
    @given(
        progress=st.decimals(min_value=0, max_value=1, places=6),
        elapsed=st.decimals(min_value=0, max_value=1, places=6),
    )
    def test_a_progress_is_in_the_range_of_its_status_only(self, progress, elapsed):
        for status in Status:
            low, high = progress_bounds(status, elapsed)
            inside = (low is None or progress >= low) and (high is None or progress < high)
            assert inside == (status_for(progress, elapsed) is status)
