"""Key result current value, progress and attainment; objective progress (docs/scoring.md §2-3)."""

from datetime import date
from decimal import Decimal

import pytest

from headway.domain.progress import (
    clamp,
    kr_current,
    kr_progress,
    latest_point,
    mean,
    objective_progresses,
    validate_kr,
    weighted_progress,
)
from headway.domain.types import Direction, KRInput, Metric, Point, RuleViolation

MAY_1 = date(2025, 5, 1)
MAY_10 = date(2025, 5, 10)
MAY_20 = date(2025, 5, 20)


def auto(start: str, target: str) -> KRInput:
    return KRInput(
        metric=Metric.NUMBER,
        direction=Direction.AUTO,
        start=Decimal(start),
        target=Decimal(target),
    )


def threshold(direction: Direction, target: str, start: str | None = None) -> KRInput:
    return KRInput(
        metric=Metric.NUMBER,
        direction=direction,
        start=None if start is None else Decimal(start),
        target=Decimal(target),
    )


BOOLEAN = KRInput(metric=Metric.BOOLEAN, direction=Direction.AUTO, start=None, target=None)


class TestValidateKR:
    def test_it_accepts_an_auto_kr_with_start_and_target(self) -> None:
        validate_kr(auto("0", "100"))

    def test_it_accepts_a_boolean_kr_without_start_or_target(self) -> None:
        validate_kr(BOOLEAN)

    def test_it_accepts_a_threshold_kr_without_start(self) -> None:
        validate_kr(threshold(Direction.AT_LEAST, "99.9"))
        validate_kr(threshold(Direction.AT_MOST, "200"))

    def test_it_accepts_weight_zero(self) -> None:
        validate_kr(KRInput(Metric.NUMBER, Direction.AUTO, Decimal(0), Decimal(1), Decimal(0)))

    def test_it_rejects_a_negative_weight(self) -> None:
        kr = KRInput(Metric.NUMBER, Direction.AUTO, Decimal(0), Decimal(1), Decimal(-1))
        with pytest.raises(RuleViolation) as raised:
            validate_kr(kr)
        assert raised.value.field == "weight"

    def test_it_rejects_a_negative_weight_on_a_boolean_kr(self) -> None:
        kr = KRInput(Metric.BOOLEAN, Direction.AUTO, None, None, Decimal("-0.5"))
        with pytest.raises(RuleViolation) as raised:
            validate_kr(kr)
        assert raised.value.field == "weight"

    def test_it_requires_a_target(self) -> None:
        kr = KRInput(Metric.NUMBER, Direction.AT_LEAST, Decimal(0), None)
        with pytest.raises(RuleViolation) as raised:
            validate_kr(kr)
        assert raised.value.field == "target"

    def test_it_requires_a_start_when_direction_is_auto(self) -> None:
        kr = KRInput(Metric.PERCENT, Direction.AUTO, None, Decimal(10))
        with pytest.raises(RuleViolation) as raised:
            validate_kr(kr)
        assert raised.value.field == "start"

    def test_it_rejects_start_equal_to_target_when_direction_is_auto(self) -> None:
        with pytest.raises(RuleViolation) as raised:
            validate_kr(auto("3", "3.0"))
        assert raised.value.field == "target"
        assert raised.value.reason == "must differ from start when direction is auto"
        assert str(raised.value) == "target: must differ from start when direction is auto"

    def test_it_allows_start_equal_to_target_for_a_threshold_kr(self) -> None:
        validate_kr(threshold(Direction.AT_LEAST, "5", start="5"))


class TestLatestPoint:
    def test_it_returns_none_without_points(self) -> None:
        assert latest_point([], as_of=MAY_10) is None

    def test_it_takes_the_latest_by_date_not_by_insertion_order(self) -> None:
        newer = Point(at=MAY_10, value=Decimal(40))
        backdated = Point(at=MAY_1, value=Decimal(10))
        # The back-dated check-in was entered last; it must not hide the newer one.
        assert latest_point([newer, backdated], as_of=MAY_20) == newer

    def test_it_ignores_points_after_as_of(self) -> None:
        early = Point(at=MAY_1, value=Decimal(10))
        late = Point(at=MAY_20, value=Decimal(90))
        assert latest_point([early, late], as_of=MAY_10) == early

    def test_it_includes_a_point_dated_exactly_as_of(self) -> None:
        point = Point(at=MAY_10, value=Decimal(1))
        assert latest_point([point], as_of=MAY_10) == point

    def test_it_returns_none_when_every_point_is_after_as_of(self) -> None:
        assert latest_point([Point(at=MAY_20, value=Decimal(1))], as_of=MAY_10) is None

    def test_it_lets_the_later_of_two_points_on_the_same_day_win(self) -> None:
        first = Point(at=MAY_10, value=Decimal(1))
        second = Point(at=MAY_10, value=Decimal(2))
        assert latest_point([first, second], as_of=MAY_10) == second

    def test_it_accepts_any_iterable(self) -> None:
        points = (Point(at=day, value=Decimal(n)) for n, day in enumerate([MAY_1, MAY_10]))
        latest = latest_point(points, as_of=MAY_20)
        assert latest is not None
        assert latest.value == 1


class TestKRCurrent:
    def test_it_is_the_latest_value(self) -> None:
        assert kr_current(auto("0", "10"), Point(at=MAY_1, value=Decimal(7))) == 7

    def test_it_falls_back_to_start_without_a_check_in(self) -> None:
        assert kr_current(auto("20", "80"), None) == 20

    def test_it_ignores_start_for_a_threshold_kr(self) -> None:
        assert kr_current(threshold(Direction.AT_LEAST, "99", start="99.5"), None) is None

    def test_it_is_none_without_check_in_or_start(self) -> None:
        assert kr_current(threshold(Direction.AT_MOST, "200"), None) is None

    def test_a_boolean_without_check_in_is_false(self) -> None:
        assert kr_current(BOOLEAN, None) == 0

    def test_a_boolean_with_a_check_in_is_its_value(self) -> None:
        assert kr_current(BOOLEAN, Point(at=MAY_1, value=Decimal(1))) == 1


class TestClamp:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [("-0.2", "0"), ("0", "0"), ("0.4", "0.4"), ("1", "1"), ("1.3", "1")],
    )
    def test_it_clamps_to_zero_one(self, value: str, expected: str) -> None:
        assert clamp(Decimal(value)) == Decimal(expected)

    def test_it_takes_custom_bounds(self) -> None:
        assert clamp(Decimal(5), Decimal(1), Decimal(3)) == 3
        assert clamp(Decimal(0), Decimal(1), Decimal(3)) == 1


class TestKRProgress:
    @pytest.mark.parametrize(
        ("start", "target", "current", "progress"),
        [
            ("0", "100", "0", "0"),
            ("0", "100", "40", "0.4"),
            ("0", "100", "100", "1"),
            ("20", "80", "50", "0.5"),
            ("-10", "10", "0", "0.5"),
        ],
    )
    def test_it_is_the_share_of_the_way_from_start_to_target(
        self, start: str, target: str, current: str, progress: str
    ) -> None:
        assert kr_progress(auto(start, target), Decimal(current)) == (
            Decimal(progress),
            Decimal(progress),
        )

    def test_it_works_for_a_decreasing_target(self) -> None:
        # Churn from 5 % down to 3 %: at 4 % the KR is halfway there.
        assert kr_progress(auto("5", "3"), Decimal(4)) == (Decimal("0.5"), Decimal("0.5"))

    def test_it_clamps_progress_but_not_attainment_above_target(self) -> None:
        assert kr_progress(auto("0", "100"), Decimal(130)) == (Decimal(1), Decimal("1.3"))

    def test_it_clamps_progress_but_not_attainment_below_start(self) -> None:
        assert kr_progress(auto("10", "20"), Decimal(5)) == (Decimal(0), Decimal("-0.5"))

    def test_it_clamps_a_decreasing_target_overshoot(self) -> None:
        assert kr_progress(auto("5", "3"), Decimal(2)) == (Decimal(1), Decimal("1.5"))

    def test_it_clamps_a_decreasing_target_gone_the_wrong_way(self) -> None:
        assert kr_progress(auto("5", "3"), Decimal(6)) == (Decimal(0), Decimal("-0.5"))

    @pytest.mark.parametrize(("current", "progress"), [("99", 0), ("99.9", 1), ("100", 1)])
    def test_at_least_is_all_or_nothing(self, current: str, progress: int) -> None:
        assert kr_progress(threshold(Direction.AT_LEAST, "99.9"), Decimal(current)) == (
            Decimal(progress),
            None,
        )

    @pytest.mark.parametrize(("current", "progress"), [("150", 1), ("200", 1), ("200.01", 0)])
    def test_at_most_is_all_or_nothing(self, current: str, progress: int) -> None:
        assert kr_progress(threshold(Direction.AT_MOST, "200"), Decimal(current)) == (
            Decimal(progress),
            None,
        )

    def test_a_threshold_kr_without_a_value_has_progress_zero(self) -> None:
        assert kr_progress(threshold(Direction.AT_LEAST, "10"), None) == (Decimal(0), None)

    @pytest.mark.parametrize(("current", "progress"), [("1", 1), ("0", 0)])
    def test_a_boolean_is_one_when_done(self, current: str, progress: int) -> None:
        assert kr_progress(BOOLEAN, Decimal(current)) == (Decimal(progress), None)

    def test_a_boolean_without_check_in_is_zero(self) -> None:
        assert kr_progress(BOOLEAN, kr_current(BOOLEAN, None)) == (Decimal(0), None)
        assert kr_progress(BOOLEAN, None) == (Decimal(0), None)


class TestWeightedProgress:
    def test_it_is_the_weighted_mean(self) -> None:
        items = [(Decimal(1), Decimal("0.2")), (Decimal(3), Decimal("0.6"))]
        assert weighted_progress(items) == Decimal("0.5")

    def test_equal_weights_give_the_plain_mean(self) -> None:
        items = [(Decimal(1), Decimal("0.3")), (Decimal(1), Decimal("0.9"))]
        assert weighted_progress(items) == Decimal("0.6")

    def test_it_excludes_weight_zero(self) -> None:
        items = [(Decimal(1), Decimal("0.8")), (Decimal(0), Decimal(0))]
        assert weighted_progress(items) == Decimal("0.8")

    def test_it_is_none_when_every_weight_is_zero(self) -> None:
        assert weighted_progress([(Decimal(0), Decimal("0.5"))]) is None

    def test_it_is_none_without_items(self) -> None:
        assert weighted_progress([]) is None


class TestMean:
    def test_it_skips_none(self) -> None:
        assert mean([Decimal("0.2"), None, Decimal("0.4")]) == Decimal("0.3")

    def test_it_is_none_when_everything_is_none(self) -> None:
        assert mean([None, None]) is None

    def test_it_is_none_when_empty(self) -> None:
        assert mean([]) is None


class TestObjectiveProgresses:
    def test_an_objective_with_krs_takes_their_progress(self) -> None:
        assert objective_progresses({1: Decimal("0.4")}, {}) == {1: Decimal("0.4")}

    def test_own_krs_take_precedence_over_children(self) -> None:
        result = objective_progresses({1: Decimal("0.4"), 2: Decimal("1")}, {1: [2]})
        assert result[1] == Decimal("0.4")

    def test_an_objective_without_krs_takes_the_mean_of_its_children(self) -> None:
        result = objective_progresses({1: None, 2: Decimal("0.2"), 3: Decimal("0.6")}, {1: [2, 3]})
        assert result == {1: Decimal("0.4"), 2: Decimal("0.2"), 3: Decimal("0.6")}

    def test_the_fallback_is_recursive(self) -> None:
        # company (no KRs) <- department (no KRs) <- two team objectives
        result = objective_progresses(
            {1: None, 2: None, 3: Decimal("0.5"), 4: Decimal("0.9"), 5: Decimal("0.1")},
            {1: [2, 5], 2: [3, 4]},
        )
        assert result[2] == Decimal("0.7")
        assert result[1] == Decimal("0.4")  # mean of 0.7 and 0.1, not of the three leaves

    def test_it_skips_children_without_progress(self) -> None:
        result = objective_progresses({1: None, 2: None, 3: Decimal("0.3")}, {1: [2, 3]})
        assert result[2] is None
        assert result[1] == Decimal("0.3")

    def test_it_is_none_without_krs_or_children(self) -> None:
        assert objective_progresses({1: None}, {}) == {1: None}

    def test_it_is_none_when_no_child_has_progress(self) -> None:
        assert objective_progresses({1: None, 2: None}, {1: [2]}) == {1: None, 2: None}

    def test_an_objective_whose_krs_all_weigh_zero_falls_back_to_children(self) -> None:
        own = weighted_progress([(Decimal(0), Decimal(1))])
        assert objective_progresses({1: own, 2: Decimal("0.25")}, {1: [2]})[1] == Decimal("0.25")

    def test_it_resolves_children_listed_after_their_parent(self) -> None:
        result = objective_progresses({1: None, 2: None, 3: Decimal(1)}, {1: [2], 2: [3]})
        assert result == {1: Decimal(1), 2: Decimal(1), 3: Decimal(1)}

    def test_it_resolves_a_child_only_once(self) -> None:
        result = objective_progresses({3: Decimal("0.5"), 1: None}, {1: [3]})
        assert result == {3: Decimal("0.5"), 1: Decimal("0.5")}

    def test_a_parent_loop_yields_none_instead_of_hanging(self) -> None:
        assert objective_progresses({1: None, 2: None}, {1: [2], 2: [1]}) == {
            1: None,
            2: None,
        }

    def test_a_loop_does_not_hide_progress_outside_it(self) -> None:
        result = objective_progresses({1: None, 2: None, 3: Decimal("0.6")}, {1: [2, 3], 2: [1]})
        assert result[1] == Decimal("0.6")
