"""KPI status (red / amber / green) and staleness (docs/scoring.md §6)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from headway.domain.kpi import evaluate_kpi, is_stale, kpi_status, validate_kpi
from headway.domain.types import (
    Cadence,
    KPIDirection,
    KPIInput,
    KPIResult,
    KPIStatus,
    Point,
    RuleViolation,
)

AS_OF = date(2025, 6, 30)


def at(value: str, on: date = AS_OF) -> Point:
    return Point(at=on, value=Decimal(value))


def higher(green: str | None, red: str | None, target: str | None = None) -> KPIInput:
    return KPIInput(
        direction=KPIDirection.HIGHER_IS_BETTER,
        cadence=Cadence.MONTHLY,
        target=None if target is None else Decimal(target),
        green=None if green is None else Decimal(green),
        red=None if red is None else Decimal(red),
    )


def lower(green: str | None, red: str | None, target: str | None = None) -> KPIInput:
    return KPIInput(
        direction=KPIDirection.LOWER_IS_BETTER,
        cadence=Cadence.MONTHLY,
        target=None if target is None else Decimal(target),
        green=None if green is None else Decimal(green),
        red=None if red is None else Decimal(red),
    )


def within(low: str, high: str, tolerance: str | None = None) -> KPIInput:
    return KPIInput(
        direction=KPIDirection.WITHIN_RANGE,
        cadence=Cadence.WEEKLY,
        low=Decimal(low),
        high=Decimal(high),
        tolerance=None if tolerance is None else Decimal(tolerance),
    )


class TestValidateKPI:
    def test_it_accepts_thresholds_in_the_right_order(self) -> None:
        validate_kpi(higher("90", "80"))
        validate_kpi(lower("2", "5"))
        validate_kpi(higher("90", "90"))

    def test_it_accepts_a_target_alone(self) -> None:
        validate_kpi(higher(None, None, target="100"))
        validate_kpi(lower(None, None, target="3"))

    def test_it_accepts_one_threshold_and_a_target(self) -> None:
        validate_kpi(higher("120", None, target="100"))

    def test_it_requires_a_target_or_both_thresholds(self) -> None:
        for kpi in (higher(None, None), higher("90", None), lower(None, "5")):
            with pytest.raises(RuleViolation) as raised:
                validate_kpi(kpi)
            assert raised.value.field == "target"

    def test_it_rejects_green_below_red_when_higher_is_better(self) -> None:
        with pytest.raises(RuleViolation) as raised:
            validate_kpi(higher("80", "90"))
        assert raised.value.field == "green"

    def test_it_rejects_a_defaulted_red_above_green_when_higher_is_better(self) -> None:
        with pytest.raises(RuleViolation) as raised:
            validate_kpi(higher("80", None, target="100"))
        assert raised.value.field == "green"

    def test_it_rejects_green_above_red_when_lower_is_better(self) -> None:
        with pytest.raises(RuleViolation) as raised:
            validate_kpi(lower("5", "2"))
        assert raised.value.field == "green"

    def test_it_accepts_a_range(self) -> None:
        validate_kpi(within("10", "20"))
        validate_kpi(within("10", "10", tolerance="0"))
        validate_kpi(within("10", "20", tolerance="5"))

    def test_a_range_requires_low(self) -> None:
        kpi = KPIInput(KPIDirection.WITHIN_RANGE, Cadence.DAILY, high=Decimal(1))
        with pytest.raises(RuleViolation) as raised:
            validate_kpi(kpi)
        assert raised.value.field == "low"

    def test_a_range_requires_high(self) -> None:
        kpi = KPIInput(KPIDirection.WITHIN_RANGE, Cadence.DAILY, low=Decimal(1))
        with pytest.raises(RuleViolation) as raised:
            validate_kpi(kpi)
        assert raised.value.field == "high"

    def test_a_range_ignores_the_target(self) -> None:
        kpi = KPIInput(KPIDirection.WITHIN_RANGE, Cadence.DAILY, target=Decimal(5))
        with pytest.raises(RuleViolation) as raised:
            validate_kpi(kpi)
        assert raised.value.field == "low"

    def test_a_range_rejects_high_below_low(self) -> None:
        with pytest.raises(RuleViolation) as raised:
            validate_kpi(within("20", "10"))
        assert raised.value.field == "high"

    def test_a_range_rejects_a_negative_tolerance(self) -> None:
        with pytest.raises(RuleViolation) as raised:
            validate_kpi(within("10", "20", tolerance="-1"))
        assert raised.value.field == "tolerance"


class TestKPIStatus:
    def test_it_is_no_data_without_a_value(self) -> None:
        assert kpi_status(higher("90", "80"), None) is KPIStatus.NO_DATA
        assert kpi_status(within("1", "2"), None) is KPIStatus.NO_DATA

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("95", KPIStatus.GREEN),
            ("90", KPIStatus.GREEN),  # value == green
            ("89.99", KPIStatus.AMBER),
            ("80", KPIStatus.AMBER),  # value == red is not below red
            ("79.99", KPIStatus.RED),
            ("0", KPIStatus.RED),
        ],
    )
    def test_higher_is_better(self, value: str, expected: KPIStatus) -> None:
        assert kpi_status(higher("90", "80"), at(value)) is expected

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("1", KPIStatus.GREEN),
            ("2", KPIStatus.GREEN),  # value == green
            ("2.01", KPIStatus.AMBER),
            ("5", KPIStatus.AMBER),  # value == red is not above red
            ("5.01", KPIStatus.RED),
        ],
    )
    def test_lower_is_better(self, value: str, expected: KPIStatus) -> None:
        assert kpi_status(lower("2", "5"), at(value)) is expected

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("15", KPIStatus.GREEN),
            ("10", KPIStatus.GREEN),  # low edge
            ("20", KPIStatus.GREEN),  # high edge
            ("9", KPIStatus.AMBER),
            ("8", KPIStatus.AMBER),  # low - tolerance
            ("7.99", KPIStatus.RED),
            ("21", KPIStatus.AMBER),
            ("22", KPIStatus.AMBER),  # high + tolerance
            ("22.01", KPIStatus.RED),
        ],
    )
    def test_within_range(self, value: str, expected: KPIStatus) -> None:
        assert kpi_status(within("10", "20", tolerance="2"), at(value)) is expected

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("9.99", KPIStatus.RED),
            ("10", KPIStatus.GREEN),
            ("20", KPIStatus.GREEN),
            ("20.01", KPIStatus.RED),
        ],
    )
    def test_within_range_tolerance_defaults_to_zero(self, value: str, expected: KPIStatus) -> None:
        assert kpi_status(within("10", "20"), at(value)) is expected

    @pytest.mark.parametrize(
        ("value", "expected"),
        [("100", KPIStatus.GREEN), ("101", KPIStatus.GREEN), ("99.9", KPIStatus.RED)],
    )
    def test_higher_is_better_without_thresholds_uses_the_target(
        self, value: str, expected: KPIStatus
    ) -> None:
        assert kpi_status(higher(None, None, target="100"), at(value)) is expected

    @pytest.mark.parametrize(
        ("value", "expected"),
        [("3", KPIStatus.GREEN), ("2", KPIStatus.GREEN), ("3.1", KPIStatus.RED)],
    )
    def test_lower_is_better_without_thresholds_uses_the_target(
        self, value: str, expected: KPIStatus
    ) -> None:
        assert kpi_status(lower(None, None, target="3"), at(value)) is expected

    def test_a_missing_threshold_defaults_to_the_target(self) -> None:
        kpi = higher("120", None, target="100")
        assert kpi_status(kpi, at("120")) is KPIStatus.GREEN
        assert kpi_status(kpi, at("100")) is KPIStatus.AMBER
        assert kpi_status(kpi, at("99")) is KPIStatus.RED

    def test_explicit_thresholds_win_over_the_target(self) -> None:
        kpi = higher("90", "80", target="1000")
        assert kpi_status(kpi, at("90")) is KPIStatus.GREEN


class TestIsStale:
    @pytest.mark.parametrize(
        ("cadence", "period"),
        [
            (Cadence.DAILY, 1),
            (Cadence.WEEKLY, 7),
            (Cadence.MONTHLY, 31),
            (Cadence.QUARTERLY, 92),
        ],
    )
    def test_it_turns_stale_after_exactly_two_periods(self, cadence: Cadence, period: int) -> None:
        exactly_two = at("1", AS_OF - timedelta(days=2 * period))
        one_more = at("1", AS_OF - timedelta(days=2 * period + 1))
        assert is_stale(cadence, exactly_two, as_of=AS_OF) is False
        assert is_stale(cadence, one_more, as_of=AS_OF) is True

    def test_a_fresh_value_is_not_stale(self) -> None:
        assert is_stale(Cadence.DAILY, at("1"), as_of=AS_OF) is False

    def test_it_is_false_without_a_value(self) -> None:
        assert is_stale(Cadence.DAILY, None, as_of=AS_OF) is False


class TestEvaluateKPI:
    def test_it_uses_the_latest_value_on_or_before_as_of(self) -> None:
        kpi = higher("90", "80")
        values = [
            at("95", date(2025, 6, 1)),
            at("70", date(2025, 7, 15)),  # after as_of: ignored
            at("85", date(2025, 6, 20)),
            at("60", date(2025, 5, 1)),  # back-dated, entered last
        ]
        result = evaluate_kpi(kpi, values, as_of=AS_OF)
        assert result == KPIResult(
            latest=at("85", date(2025, 6, 20)), status=KPIStatus.AMBER, stale=False
        )

    def test_it_reports_no_data_and_not_stale_without_values(self) -> None:
        result = evaluate_kpi(higher("90", "80"), [], as_of=AS_OF)
        assert result == KPIResult(latest=None, status=KPIStatus.NO_DATA, stale=False)

    def test_it_reports_no_data_when_every_value_is_after_as_of(self) -> None:
        result = evaluate_kpi(higher("90", "80"), [at("95", date(2025, 7, 1))], as_of=AS_OF)
        assert result.status is KPIStatus.NO_DATA
        assert result.stale is False

    def test_a_stale_value_keeps_its_colour(self) -> None:
        old = at("95", AS_OF - timedelta(days=63))  # monthly: 2 x 31 = 62 days
        result = evaluate_kpi(higher("90", "80"), [old], as_of=AS_OF)
        assert result.status is KPIStatus.GREEN
        assert result.stale is True

    def test_staleness_is_measured_from_as_of_not_from_today(self) -> None:
        value = at("95", date(2025, 1, 1))
        kpi = higher("90", "80")
        assert evaluate_kpi(kpi, [value], as_of=date(2025, 3, 4)).stale is False
        assert evaluate_kpi(kpi, [value], as_of=date(2025, 3, 5)).stale is True
