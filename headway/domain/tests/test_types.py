"""Enums and value types shared by the rules and the apps."""

from datetime import date
from decimal import Decimal

import pytest

from headway.domain.types import (
    Cadence,
    Direction,
    KPIDirection,
    KPIStatus,
    KRInput,
    Metric,
    Point,
    RuleViolation,
    Status,
)


class TestChoice:
    def test_a_label_is_the_value_with_spaces_capitalised(self) -> None:
        assert Status.OFF_TRACK.label == "Off track"
        assert KPIDirection.HIGHER_IS_BETTER.label == "Higher is better"
        assert Direction.AUTO.label == "Auto"

    def test_a_member_compares_equal_to_its_stored_value(self) -> None:
        assert str(Status.AT_RISK) == "at_risk"
        assert Status("done") is Status.DONE


class TestStatus:
    @pytest.mark.parametrize(
        ("status", "colour"),
        [
            (Status.DONE, "blue"),
            (Status.ON_TRACK, "green"),
            (Status.AT_RISK, "amber"),
            (Status.OFF_TRACK, "red"),
        ],
    )
    def test_it_has_a_colour(self, status: Status, colour: str) -> None:
        assert status.colour == colour


class TestKPIStatus:
    @pytest.mark.parametrize(
        ("status", "colour"),
        [
            (KPIStatus.GREEN, "green"),
            (KPIStatus.AMBER, "amber"),
            (KPIStatus.RED, "red"),
            (KPIStatus.NO_DATA, "grey"),
        ],
    )
    def test_it_has_a_colour(self, status: KPIStatus, colour: str) -> None:
        assert status.colour == colour


class TestCadence:
    @pytest.mark.parametrize(
        ("cadence", "days"),
        [
            (Cadence.DAILY, 1),
            (Cadence.WEEKLY, 7),
            (Cadence.MONTHLY, 31),
            (Cadence.QUARTERLY, 92),
        ],
    )
    def test_it_has_a_period_in_days(self, cadence: Cadence, days: int) -> None:
        assert cadence.days == days


class TestValueTypes:
    def test_a_kr_weighs_one_by_default(self) -> None:
        kr = KRInput(Metric.NUMBER, Direction.AUTO, start=Decimal(0), target=Decimal(1))
        assert kr.weight == 1

    def test_a_point_has_no_confidence_by_default(self) -> None:
        assert Point(at=date(2025, 1, 1), value=Decimal(1)).confidence is None

    def test_value_types_are_frozen(self) -> None:
        point = Point(at=date(2025, 1, 1), value=Decimal(1))
        with pytest.raises(AttributeError):
            point.value = Decimal(2)  # type: ignore[misc]


class TestRuleViolation:
    def test_it_names_the_field(self) -> None:
        error = RuleViolation("target", "is required")
        assert error.field == "target"
        assert error.reason == "is required"
        assert str(error) == "target: is required"
        assert isinstance(error, ValueError)
