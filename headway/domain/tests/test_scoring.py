"""End-of-cycle grades: score, colour band, success (docs/scoring.md §5)."""

from decimal import Decimal

import pytest

from headway.domain.scoring import band, score, succeeded
from headway.domain.types import Band, ObjectiveKind


class TestScore:
    @pytest.mark.parametrize(
        ("progress", "expected"),
        [
            ("0", "0.0"),
            ("0.04", "0.0"),
            ("0.05", "0.1"),
            ("0.14999", "0.1"),
            ("0.25", "0.3"),
            ("0.65", "0.7"),
            ("0.6499999", "0.6"),
            ("0.95", "1.0"),
            ("1", "1.0"),
        ],
    )
    def test_it_rounds_half_up_to_one_decimal(self, progress: str, expected: str) -> None:
        result = score(Decimal(progress))
        assert result == Decimal(expected)
        assert result.as_tuple().exponent == -1

    @pytest.mark.parametrize(
        ("typed", "expected"),
        [(0.15, "0.2"), (0.25, "0.3"), (0.35, "0.4"), (0.65, "0.7"), (0.85, "0.9"), (0.95, "1.0")],
    )
    def test_it_rounds_a_typed_float_half_up_once_converted_through_str(
        self, typed: float, expected: str
    ) -> None:
        assert score(Decimal(str(typed))) == Decimal(expected)

    @pytest.mark.parametrize(
        ("typed", "float_rounded"), [(0.15, 0.1), (0.25, 0.2), (0.35, 0.3), (0.95, 0.9)]
    )
    def test_float_rounding_would_grade_these_halves_down(
        self, typed: float, float_rounded: float
    ) -> None:
        # The hazard score() avoids: half-to-even, and binary values just below the half.
        assert round(typed, 1) == float_rounded

    def test_it_rounds_an_unrounded_division(self) -> None:
        assert score(Decimal(2) / Decimal(3)) == Decimal("0.7")
        assert score(Decimal(1) / Decimal(3)) == Decimal("0.3")


class TestBand:
    @pytest.mark.parametrize(
        ("grade", "expected"),
        [
            ("0.0", Band.RED),
            ("0.1", Band.RED),
            ("0.3", Band.RED),
            ("0.4", Band.YELLOW),
            ("0.5", Band.YELLOW),
            ("0.6", Band.YELLOW),
            ("0.7", Band.GREEN),
            ("0.9", Band.GREEN),
            ("1.0", Band.GREEN),
        ],
    )
    def test_it_colours_each_grade(self, grade: str, expected: Band) -> None:
        assert band(Decimal(grade)) is expected

    def test_it_colours_the_score_of_065_green(self) -> None:
        assert band(score(Decimal("0.65"))) is Band.GREEN


class TestSucceeded:
    @pytest.mark.parametrize(
        ("grade", "kind", "expected"),
        [
            ("1.0", ObjectiveKind.COMMITTED, True),
            ("0.9", ObjectiveKind.COMMITTED, False),
            ("0.7", ObjectiveKind.COMMITTED, False),
            ("1.0", ObjectiveKind.ASPIRATIONAL, True),
            ("0.7", ObjectiveKind.ASPIRATIONAL, True),
            ("0.6", ObjectiveKind.ASPIRATIONAL, False),
            ("0.0", ObjectiveKind.ASPIRATIONAL, False),
        ],
    )
    def test_it_applies_the_threshold_of_the_kind(
        self, grade: str, kind: ObjectiveKind, expected: bool
    ) -> None:
        assert succeeded(Decimal(grade), kind) is expected

    def test_a_committed_objective_at_095_progress_fails_only_if_it_rounds_below_1(
        self,
    ) -> None:
        assert succeeded(score(Decimal("0.95")), ObjectiveKind.COMMITTED) is True
        assert succeeded(score(Decimal("0.94")), ObjectiveKind.COMMITTED) is False
