"""The green range of each direction and the freshness cut-off, checked against `kpi_status` and
`is_stale`: they are the rules a query uses to select the KPIs needing attention."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import assume, given
from hypothesis import strategies as st

from headway.domain.kpi import (
    GREEN_RANGES,
    first_set,
    fresh_since,
    is_stale,
    kpi_status,
    validate_kpi,
)
from headway.domain.types import Cadence, KPIDirection, KPIInput, KPIStatus, Point, RuleViolation

# Few distinct numbers, so that values often sit exactly on a threshold.
numbers = st.integers(-3, 3).map(Decimal) | st.decimals(-5, 5, places=2)
maybe = st.none() | numbers
days = st.dates(min_value=date(2025, 1, 1), max_value=date(2025, 12, 31))


@st.composite
def kpis(draw: st.DrawFn) -> KPIInput:
    kpi = KPIInput(
        draw(st.sampled_from(KPIDirection)),
        draw(st.sampled_from(Cadence)),
        **{f: draw(maybe) for f in ("target", "green", "red", "low", "high")},
        tolerance=draw(st.none() | numbers.map(abs)),
    )
    try:
        validate_kpi(kpi)
    except RuleViolation:
        assume(False)
    return kpi


def in_green_range(kpi: KPIInput, value: Decimal) -> bool:
    bounds = GREEN_RANGES[kpi.direction]
    low, high = first_set(kpi, bounds.low), first_set(kpi, bounds.high)
    return (low is None or low <= value) and (high is None or value <= high)


class TestGreenRanges:
    def test_every_direction_has_one(self) -> None:
        assert set(GREEN_RANGES) == set(KPIDirection)

    def test_they_name_fields_of_a_kpi(self) -> None:
        fields = set(KPIInput.__dataclass_fields__)
        for bounds in GREEN_RANGES.values():
            assert set(bounds.low) | set(bounds.high) <= fields

    @given(kpis(), numbers)
    def test_a_value_is_green_exactly_inside_its_kpis_green_range(
        self, kpi: KPIInput, value: Decimal
    ) -> None:
        status = kpi_status(kpi, Point(at=date(2025, 1, 1), value=value))
        assert (status is KPIStatus.GREEN) is in_green_range(kpi, value)

    def test_a_missing_green_falls_back_to_the_target(self) -> None:
        kpi = KPIInput(KPIDirection.LOWER_IS_BETTER, Cadence.WEEKLY, target=Decimal(5))
        assert in_green_range(kpi, Decimal(5))
        assert not in_green_range(kpi, Decimal("5.01"))


class TestFreshSince:
    @given(st.sampled_from(Cadence), days, days)
    def test_a_value_is_stale_exactly_before_it(
        self, cadence: Cadence, at: date, as_of: date
    ) -> None:
        latest = Point(at=at, value=Decimal(0))
        assert is_stale(cadence, latest, as_of=as_of) is (at < fresh_since(cadence, as_of=as_of))

    def test_a_weekly_value_is_fresh_for_two_weeks(self) -> None:
        as_of = date(2025, 6, 30)
        assert fresh_since(Cadence.WEEKLY, as_of=as_of) == as_of - timedelta(days=14)
