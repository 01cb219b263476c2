"""Properties the rules hold for every input, checked with hypothesis."""

from datetime import date, timedelta
from decimal import Decimal
from random import Random

from hypothesis import assume, given
from hypothesis import strategies as st

from headway.domain.kpi import kpi_status
from headway.domain.progress import kr_progress, latest_point, weighted_progress
from headway.domain.rollup import team_rollup
from headway.domain.scoring import band, score
from headway.domain.status import elapsed_fraction, kr_status, objective_status
from headway.domain.types import (
    Band,
    Cadence,
    Direction,
    KPIDirection,
    KPIInput,
    KPIStatus,
    KRInput,
    Metric,
    Point,
    Status,
)


def decimals(low: int | str, high: int | str, places: int = 4) -> st.SearchStrategy[Decimal]:
    return st.decimals(
        min_value=Decimal(low),
        max_value=Decimal(high),
        allow_nan=False,
        allow_infinity=False,
        places=places,
    )


values = decimals(-10_000, 10_000)
progresses = decimals(0, 1)
weights = decimals("0.01", 100, places=2)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))

KPI_RANK = {KPIStatus.RED: 0, KPIStatus.AMBER: 1, KPIStatus.GREEN: 2}
STATUS_RANK = {Status.OFF_TRACK: 0, Status.AT_RISK: 1, Status.ON_TRACK: 2, Status.DONE: 3}


@st.composite
def key_results(draw: st.DrawFn) -> KRInput:
    metric = draw(st.sampled_from(Metric))
    if metric is Metric.BOOLEAN:
        return KRInput(metric, Direction.AUTO, None, None)
    direction = draw(st.sampled_from(Direction))
    start = draw(values if direction is Direction.AUTO else st.none() | values)
    target = draw(values)
    assume(start != target or direction is not Direction.AUTO)
    return KRInput(metric, direction, start, target)


class TestProgressProperties:
    @given(key_results(), st.none() | values)
    def test_progress_is_always_between_zero_and_one(
        self, kr: KRInput, current: Decimal | None
    ) -> None:
        progress, _ = kr_progress(kr, current)
        assert 0 <= progress <= 1

    @given(key_results(), values)
    def test_attainment_exists_only_for_auto_non_boolean_krs(
        self, kr: KRInput, current: Decimal
    ) -> None:
        _, attainment = kr_progress(kr, current)
        has_ratio = kr.direction is Direction.AUTO and kr.metric is not Metric.BOOLEAN
        assert (attainment is not None) is has_ratio

    @given(values, values, values, values)
    def test_progress_never_falls_as_current_rises_towards_a_higher_target(
        self, start: Decimal, target: Decimal, a: Decimal, b: Decimal
    ) -> None:
        assume(start < target)
        kr = KRInput(Metric.NUMBER, Direction.AUTO, start, target)
        low, high = sorted((a, b))
        assert kr_progress(kr, low)[0] <= kr_progress(kr, high)[0]

    @given(values, values, values, values)
    def test_progress_never_rises_as_current_rises_away_from_a_lower_target(
        self, start: Decimal, target: Decimal, a: Decimal, b: Decimal
    ) -> None:
        assume(start > target)
        kr = KRInput(Metric.NUMBER, Direction.AUTO, start, target)
        low, high = sorted((a, b))
        assert kr_progress(kr, low)[0] >= kr_progress(kr, high)[0]

    @given(values, values, values)
    def test_attainment_is_progress_before_clamping(
        self, start: Decimal, target: Decimal, current: Decimal
    ) -> None:
        assume(start != target)
        progress, attainment = kr_progress(
            KRInput(Metric.NUMBER, Direction.AUTO, start, target), current
        )
        assert attainment is not None
        assert progress == max(Decimal(0), min(Decimal(1), attainment))

    @given(st.lists(st.tuples(weights, progresses), min_size=1))
    def test_objective_progress_lies_between_its_krs(
        self, items: list[tuple[Decimal, Decimal]]
    ) -> None:
        result = weighted_progress(items)
        assert result is not None
        krs = [progress for _, progress in items]
        assert min(krs) <= result <= max(krs)

    @given(
        st.lists(st.tuples(weights, progresses), min_size=1),
        st.lists(progresses),
    )
    def test_krs_of_weight_zero_change_nothing(
        self, items: list[tuple[Decimal, Decimal]], ignored: list[Decimal]
    ) -> None:
        padded = items + [(Decimal(0), progress) for progress in ignored]
        assert weighted_progress(padded) == weighted_progress(items)


class TestLatestPointProperties:
    @given(st.lists(st.tuples(days, values)), days)
    def test_it_never_returns_a_point_after_as_of_and_none_is_later(
        self, raw: list[tuple[date, Decimal]], as_of: date
    ) -> None:
        points = [Point(at=at, value=value) for at, value in raw]
        latest = latest_point(points, as_of=as_of)
        eligible = [p for p in points if p.at <= as_of]
        if latest is None:
            assert not eligible
        else:
            assert latest.at <= as_of
            assert all(p.at <= latest.at for p in eligible)

    @given(st.lists(days, unique=True), days, st.randoms())
    def test_insertion_order_does_not_matter_with_one_point_per_day(
        self, dates: list[date], as_of: date, random: Random
    ) -> None:
        points = [Point(at=at, value=Decimal(i)) for i, at in enumerate(dates)]
        shuffled = list(points)
        random.shuffle(shuffled)
        assert latest_point(shuffled, as_of=as_of) == latest_point(points, as_of=as_of)


class TestScoreProperties:
    @given(progresses)
    def test_a_score_is_a_multiple_of_a_tenth_between_zero_and_one(self, p: Decimal) -> None:
        grade = score(p)
        assert 0 <= grade <= 1
        assert grade * 10 == int(grade * 10)

    @given(decimals(0, 1, places=12))
    def test_a_score_is_within_half_a_tenth_of_progress(self, p: Decimal) -> None:
        assert abs(score(p) - p) <= Decimal("0.05")

    @given(progresses, progresses)
    def test_score_and_band_never_fall_as_progress_rises(self, a: Decimal, b: Decimal) -> None:
        low, high = sorted((a, b))
        order = [Band.RED, Band.YELLOW, Band.GREEN]
        assert score(low) <= score(high)
        assert order.index(band(score(low))) <= order.index(band(score(high)))


class TestStatusProperties:
    @given(days, days, days)
    def test_elapsed_is_between_zero_and_one(self, start: date, end: date, as_of: date) -> None:
        assert 0 <= elapsed_fraction(start, end, as_of=as_of) <= 1

    @given(days, st.integers(min_value=0, max_value=1000), days, days)
    def test_elapsed_never_falls_as_time_passes(
        self, start: date, length: int, a: date, b: date
    ) -> None:
        end = start + timedelta(days=length)
        early, late = sorted((a, b))
        assert elapsed_fraction(start, end, as_of=early) <= elapsed_fraction(start, end, as_of=late)

    @given(progresses, progresses, progresses)
    def test_more_progress_never_worsens_an_objective(
        self, a: Decimal, b: Decimal, elapsed: Decimal
    ) -> None:
        low, high = sorted((a, b))
        low_status = objective_status(low, elapsed=elapsed)
        high_status = objective_status(high, elapsed=elapsed)
        assert low_status is not None
        assert high_status is not None
        assert STATUS_RANK[low_status] <= STATUS_RANK[high_status]

    @given(progresses, progresses, st.none() | st.integers(min_value=1, max_value=10))
    def test_a_kr_is_never_better_than_its_uncapped_status(
        self, progress: Decimal, elapsed: Decimal, confidence: int | None
    ) -> None:
        capped = kr_status(Direction.AUTO, progress, elapsed=elapsed, confidence=confidence)
        uncapped = kr_status(Direction.AUTO, progress, elapsed=elapsed, confidence=None)
        assert STATUS_RANK[capped] <= STATUS_RANK[uncapped]
        if confidence is not None and confidence <= 3:
            assert capped is not Status.ON_TRACK


class TestKPIProperties:
    @given(values, values, values, values)
    def test_higher_is_better_status_never_falls_as_the_value_rises(
        self, green: Decimal, red: Decimal, a: Decimal, b: Decimal
    ) -> None:
        assume(green >= red)
        kpi = KPIInput(KPIDirection.HIGHER_IS_BETTER, Cadence.MONTHLY, green=green, red=red)
        low, high = sorted((a, b))
        today = date(2025, 1, 1)
        low_status = kpi_status(kpi, Point(at=today, value=low))
        high_status = kpi_status(kpi, Point(at=today, value=high))
        assert KPI_RANK[low_status] <= KPI_RANK[high_status]

    @given(values, values, values, values)
    def test_lower_is_better_status_never_rises_as_the_value_rises(
        self, green: Decimal, red: Decimal, a: Decimal, b: Decimal
    ) -> None:
        assume(green <= red)
        kpi = KPIInput(KPIDirection.LOWER_IS_BETTER, Cadence.MONTHLY, green=green, red=red)
        low, high = sorted((a, b))
        today = date(2025, 1, 1)
        low_status = kpi_status(kpi, Point(at=today, value=low))
        high_status = kpi_status(kpi, Point(at=today, value=high))
        assert KPI_RANK[low_status] >= KPI_RANK[high_status]

    @given(values, values, decimals(0, 100), values)
    def test_within_range_is_green_exactly_inside_the_range(
        self, a: Decimal, b: Decimal, tolerance: Decimal, value: Decimal
    ) -> None:
        low, high = sorted((a, b))
        kpi = KPIInput(
            KPIDirection.WITHIN_RANGE, Cadence.WEEKLY, low=low, high=high, tolerance=tolerance
        )
        status = kpi_status(kpi, Point(at=date(2025, 1, 1), value=value))
        assert (status is KPIStatus.GREEN) is (low <= value <= high)
        assert (status is KPIStatus.RED) is (value < low - tolerance or value > high + tolerance)


class TestRollupProperties:
    @given(st.lists(st.tuples(st.integers(min_value=1, max_value=4), progresses), min_size=1))
    def test_the_root_is_the_mean_of_every_objective(
        self, objectives: list[tuple[int, Decimal]]
    ) -> None:
        tree: dict[int, int | None] = {1: None, 2: 1, 3: 2, 4: 2}
        rollup = team_rollup(tree, objectives)
        everything = [progress for _, progress in objectives]
        assert rollup[1] == sum(everything, Decimal(0)) / len(everything)
        assert rollup[1] is not None
        assert min(everything) <= rollup[1] <= max(everything)
