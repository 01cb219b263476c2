"""Bounds on numbers, dates and readings, and the finiteness they guarantee (issue 9, items 11,
12, 17)."""

import math
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from headway.domain.bounds import (
    MAX_MAGNITUDE,
    MIN_SPAN,
    check_date,
    check_number,
    check_reading_date,
    default_reading_date,
    reading_value,
)
from headway.domain.evaluate import evaluate_kr, evaluate_objective
from headway.domain.kpi import evaluate_kpi, validate_kpi
from headway.domain.progress import kr_progress, validate_kr, weighted_progress
from headway.domain.types import (
    Cadence,
    Direction,
    KPIDirection,
    KPIInput,
    KRInput,
    Metric,
    Point,
    RuleViolation,
)

# Any number a person may store: tiny, huge, negative, with many digits.
bounded = st.decimals(
    min_value=-MAX_MAGNITUDE, max_value=MAX_MAGNITUDE, allow_nan=False, allow_infinity=False
) | st.floats(min_value=-1e15, max_value=1e15, allow_nan=False).map(lambda f: Decimal(str(f)))
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


def finite(value: Decimal | None) -> bool:
    """True when the figure survives the trip to a float (JSON, PostgreSQL's jsonb)."""
    return value is None or math.isfinite(float(value))


class TestNumbers:
    def test_the_reported_key_result_is_refused_before_it_can_divide(self):
        kr = KRInput(Metric.NUMBER, Direction.AUTO, Decimal("1e-300"), Decimal("2e-300"))
        with pytest.raises(RuleViolation) as error:
            validate_kr(kr)
        assert error.value.field == "target"

    @pytest.mark.parametrize("field", ["start", "target", "weight"])
    def test_a_number_above_1e15_is_refused_naming_its_field(self, field):
        values = {"start": Decimal(0), "target": Decimal(10), "weight": Decimal(1)}
        values[field] = Decimal("1e16")
        kr = KRInput(
            Metric.NUMBER, Direction.AUTO, values["start"], values["target"], values["weight"]
        )
        with pytest.raises(RuleViolation) as error:
            validate_kr(kr)
        assert error.value.field == field

    def test_a_kpi_threshold_above_1e15_is_refused(self):
        with pytest.raises(RuleViolation) as error:
            validate_kpi(KPIInput(KPIDirection.HIGHER_IS_BETTER, Cadence.WEEKLY, Decimal("-2e15")))
        assert error.value.field == "target"

    @pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan, 1e16, True, "1"])
    def test_check_number_refuses_what_is_not_a_bounded_number(self, value):
        with pytest.raises(RuleViolation):
            check_number("value", value)

    @pytest.mark.parametrize("value", [None, 0, -1e15, 1e15, 1e-300, Decimal("-1E+15")])
    def test_check_number_takes_bounded_numbers(self, value):
        check_number("value", value)

    def test_attainment_is_never_negative_zero(self):
        kr = KRInput(Metric.NUMBER, Direction.AUTO, Decimal(5), Decimal(3))
        _, attainment = kr_progress(kr, Decimal(5))
        assert attainment is not None
        assert not attainment.is_signed()
        assert str(float(attainment)) == "0.0"

    def test_a_row_stored_before_the_bounds_still_gives_a_finite_attainment(self):
        legacy = KRInput(Metric.NUMBER, Direction.AUTO, Decimal("1e-300"), Decimal("2e-300"))
        _, attainment = kr_progress(legacy, Decimal("1e300"))
        assert finite(attainment)

    @given(start=bounded, target=bounded, current=bounded, weight=bounded)
    def test_every_figure_of_a_valid_key_result_is_finite(self, start, target, current, weight):
        kr = KRInput(Metric.NUMBER, Direction.AUTO, start, target, abs(weight))
        try:
            validate_kr(kr)
        except RuleViolation:
            assume(False)
        result = evaluate_kr(
            kr, [Point(date(2026, 1, 5), current, 5)], as_of=date(2026, 2, 1), elapsed=Decimal(1)
        )
        assert finite(result.current)
        assert finite(result.attainment)
        assert result.attainment is None or abs(result.attainment) <= 2 * MAX_MAGNITUDE / MIN_SPAN
        assert 0 <= result.progress <= 1
        assert 0 <= result.score <= 1
        total = weighted_progress([(kr.weight, result.progress), (Decimal(1), Decimal("0.5"))])
        assert finite(total)
        objective = evaluate_objective(total, elapsed=Decimal("0.5"))
        assert finite(objective.progress)
        assert finite(objective.score)

    @given(
        direction=st.sampled_from(KPIDirection),
        target=bounded,
        tolerance=bounded,
        value=bounded,
    )
    def test_kpi_figures_of_bounded_numbers_never_fail(self, direction, target, tolerance, value):
        kpi = KPIInput(
            direction,
            Cadence.WEEKLY,
            target,
            low=-abs(target),
            high=abs(target),
            tolerance=abs(tolerance),
        )
        validate_kpi(kpi)
        result = evaluate_kpi(kpi, [Point(date(2026, 1, 5), value)], as_of=date(2026, 2, 1))
        assert result.latest is not None
        assert finite(result.latest.value)


class TestDates:
    @pytest.mark.parametrize("day", [date(1999, 12, 31), date(2101, 1, 1), date(9999, 12, 31)])
    def test_a_date_outside_2000_to_2100_is_refused(self, day):
        with pytest.raises(RuleViolation) as error:
            check_date("end", day)
        assert error.value.field == "end"

    @given(day=days)
    def test_every_date_from_2000_to_2100_is_taken(self, day):
        check_date("end", day)

    def test_a_reading_after_today_is_refused(self):
        with pytest.raises(RuleViolation, match="after today"):
            check_reading_date(date(2030, 1, 1), today=date(2026, 3, 1))

    def test_a_check_in_before_the_cycles_start_is_refused(self):
        with pytest.raises(RuleViolation, match="before the cycle's start"):
            check_reading_date(
                date(2025, 12, 31),
                today=date(2026, 3, 1),
                start=date(2026, 1, 1),
                end=date(2026, 3, 31),
            )

    def test_a_check_in_after_the_cycles_end_is_refused(self):
        with pytest.raises(RuleViolation, match="after the cycle's end"):
            check_reading_date(
                date(2026, 4, 1),
                today=date(2026, 5, 1),
                start=date(2026, 1, 1),
                end=date(2026, 3, 31),
            )

    def test_a_back_dated_check_in_within_the_cycle_is_taken(self):
        check_reading_date(
            date(2026, 1, 1), today=date(2026, 3, 1), start=date(2026, 1, 1), end=date(2026, 3, 31)
        )

    def test_a_check_in_without_a_date_takes_the_cycles_end_once_it_has_passed(self):
        assert default_reading_date(today=date(2026, 2, 1), end=date(2026, 3, 31)) == date(
            2026, 2, 1
        )
        assert default_reading_date(today=date(2026, 5, 1), end=date(2026, 3, 31)) == date(
            2026, 3, 31
        )


class TestDoneOrNotDone:
    @pytest.mark.parametrize(
        ("given", "stored"), [(True, 1.0), (False, 0.0), (1, 1.0), (0, 0.0), (1.0, 1.0)]
    )
    def test_a_boolean_key_result_takes_true_false_1_and_0(self, given, stored):
        assert reading_value(Metric.BOOLEAN, given) == stored

    @pytest.mark.parametrize("value", [5, 0.5, -1, math.nan])
    def test_a_boolean_key_result_refuses_any_other_number(self, value):
        with pytest.raises(RuleViolation) as error:
            reading_value(Metric.BOOLEAN, value)
        assert error.value.field == "value"

    def test_a_reading_of_minus_zero_is_stored_as_zero(self):
        assert str(reading_value(Metric.NUMBER, -0.0)) == "0.0"

    def test_a_number_key_result_refuses_true(self):
        with pytest.raises(RuleViolation, match="not true or false"):
            reading_value(Metric.NUMBER, True)

    def test_a_number_key_result_refuses_a_number_above_1e15(self):
        with pytest.raises(RuleViolation):
            reading_value(Metric.NUMBER, 1e300)
