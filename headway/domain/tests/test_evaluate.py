"""One key result and one objective evaluated as of a date (docs/scoring.md §2-5)."""

from datetime import date, timedelta
from decimal import Decimal

from headway.domain.evaluate import evaluate_kr, evaluate_objective, latest_confidence
from headway.domain.progress import weighted_progress
from headway.domain.status import elapsed_fraction
from headway.domain.types import (
    Direction,
    KRInput,
    KRResult,
    Metric,
    ObjectiveResult,
    Point,
    Status,
)

START = date(2025, 1, 1)
END = date(2025, 4, 11)  # 100 days: day n is elapsed n / 100
HALFWAY = START + timedelta(days=50)
ELAPSED = elapsed_fraction(START, END, as_of=HALFWAY)

REVENUE = KRInput(Metric.CURRENCY, Direction.AUTO, start=Decimal(0), target=Decimal(100))
CHURN = KRInput(Metric.PERCENT, Direction.AUTO, start=Decimal(5), target=Decimal(3))
UPTIME = KRInput(Metric.PERCENT, Direction.AT_LEAST, start=None, target=Decimal("99.9"))
LAUNCH = KRInput(Metric.BOOLEAN, Direction.AUTO, start=None, target=None)


def day(n: int) -> date:
    return START + timedelta(days=n)


def check_in(n: int, value: str, confidence: int | None = None) -> Point:
    return Point(at=day(n), value=Decimal(value), confidence=confidence)


class TestLatestConfidence:
    def test_it_is_the_confidence_of_the_latest_check_in(self) -> None:
        points = [check_in(40, "1", 8), check_in(10, "1", 2)]
        assert latest_confidence(points, as_of=HALFWAY) == 8

    def test_it_skips_check_ins_without_a_confidence(self) -> None:
        points = [check_in(10, "1", 2), check_in(40, "1")]
        assert latest_confidence(points, as_of=HALFWAY) == 2

    def test_it_ignores_check_ins_after_as_of(self) -> None:
        points = [check_in(10, "1", 9), check_in(60, "1", 1)]
        assert latest_confidence(points, as_of=HALFWAY) == 9

    def test_it_is_none_without_one(self) -> None:
        assert latest_confidence([], as_of=HALFWAY) is None
        assert latest_confidence([check_in(10, "1")], as_of=HALFWAY) is None


class TestEvaluateKR:
    def test_it_puts_the_rules_together(self) -> None:
        result = evaluate_kr(REVENUE, [check_in(45, "45", 7)], as_of=HALFWAY, elapsed=ELAPSED)
        assert result == KRResult(
            current=Decimal(45),
            progress=Decimal("0.45"),
            attainment=Decimal("0.45"),
            status=Status.ON_TRACK,
            score=Decimal("0.5"),
            confidence=7,
        )

    def test_it_scores_065_as_07(self) -> None:
        result = evaluate_kr(REVENUE, [check_in(45, "65")], as_of=HALFWAY, elapsed=ELAPSED)
        assert result.progress == Decimal("0.65")
        assert result.score == Decimal("0.7")

    def test_a_backdated_check_in_does_not_hide_a_newer_one(self) -> None:
        entered = [check_in(40, "60"), check_in(20, "10")]  # the second was typed later
        result = evaluate_kr(REVENUE, entered, as_of=HALFWAY, elapsed=ELAPSED)
        assert result.current == 60

    def test_check_ins_after_as_of_are_ignored(self) -> None:
        points = [check_in(30, "20", 8), check_in(70, "90", 2)]
        result = evaluate_kr(REVENUE, points, as_of=HALFWAY, elapsed=ELAPSED)
        assert result.current == 20
        assert result.confidence == 8
        assert result.status is Status.OFF_TRACK

    def test_it_starts_from_start_without_check_ins(self) -> None:
        result = evaluate_kr(CHURN, [], as_of=HALFWAY, elapsed=ELAPSED)
        assert result.current == 5
        assert result.progress == 0
        assert result.attainment == 0
        assert result.confidence is None

    def test_it_handles_a_decreasing_target(self) -> None:
        result = evaluate_kr(CHURN, [check_in(50, "4")], as_of=HALFWAY, elapsed=ELAPSED)
        assert result.progress == Decimal("0.5")
        assert result.attainment == Decimal("0.5")
        assert result.status is Status.ON_TRACK

    def test_it_keeps_attainment_past_the_target(self) -> None:
        result = evaluate_kr(REVENUE, [check_in(50, "130")], as_of=HALFWAY, elapsed=ELAPSED)
        assert result.progress == 1
        assert result.attainment == Decimal("1.3")
        assert result.status is Status.DONE
        assert result.score == Decimal("1.0")

    def test_low_confidence_caps_an_on_track_kr(self) -> None:
        result = evaluate_kr(REVENUE, [check_in(50, "55", 3)], as_of=HALFWAY, elapsed=ELAPSED)
        assert result.status is Status.AT_RISK

    def test_a_confident_check_in_lifts_the_cap(self) -> None:
        points = [check_in(20, "20", 2), check_in(50, "55", 6)]
        result = evaluate_kr(REVENUE, points, as_of=HALFWAY, elapsed=ELAPSED)
        assert result.status is Status.ON_TRACK

    def test_an_at_least_kr_is_never_done(self) -> None:
        result = evaluate_kr(UPTIME, [check_in(50, "99.95")], as_of=END, elapsed=Decimal(1))
        assert result.progress == 1
        assert result.attainment is None
        assert result.status is Status.ON_TRACK
        assert result.score == Decimal("1.0")

    def test_an_at_least_kr_below_its_target_is_off_track(self) -> None:
        result = evaluate_kr(UPTIME, [check_in(50, "99.5")], as_of=HALFWAY, elapsed=ELAPSED)
        assert result.status is Status.OFF_TRACK

    def test_an_at_least_kr_without_start_or_check_in_has_no_current_value(self) -> None:
        result = evaluate_kr(UPTIME, [], as_of=HALFWAY, elapsed=ELAPSED)
        assert result.current is None
        assert result.progress == 0
        assert result.status is Status.OFF_TRACK

    def test_an_at_most_kr_ignores_its_start_until_a_reading_arrives(self) -> None:
        latency = KRInput(Metric.NUMBER, Direction.AT_MOST, start=Decimal(180), target=Decimal(200))
        result = evaluate_kr(latency, [], as_of=HALFWAY, elapsed=ELAPSED)
        assert result.current is None
        assert result.progress == 0
        assert result.status is Status.OFF_TRACK

    def test_a_boolean_without_check_in_is_false(self) -> None:
        result = evaluate_kr(LAUNCH, [], as_of=HALFWAY, elapsed=ELAPSED)
        assert result.current == 0
        assert result.progress == 0
        assert result.attainment is None
        assert result.status is Status.OFF_TRACK

    def test_a_boolean_checked_in_as_done_is_done(self) -> None:
        result = evaluate_kr(LAUNCH, [check_in(10, "1")], as_of=HALFWAY, elapsed=ELAPSED)
        assert result.progress == 1
        assert result.status is Status.DONE

    def test_a_kpi_linked_kr_takes_its_value_from_the_kpi(self) -> None:
        kpi_values = [Point(at=day(45), value=Decimal(80)), Point(at=day(60), value=Decimal(99))]
        owner_check_ins = [check_in(48, "10", 2)]
        result = evaluate_kr(
            REVENUE, kpi_values, check_ins=owner_check_ins, as_of=HALFWAY, elapsed=ELAPSED
        )
        assert result.current == 80
        assert result.confidence == 2
        assert result.status is Status.AT_RISK  # 0.8 would be on track; the owner doubts it

    def test_a_kpi_linked_kr_without_kpi_values_starts_from_start(self) -> None:
        result = evaluate_kr(
            REVENUE, [], check_ins=[check_in(10, "50", 9)], as_of=HALFWAY, elapsed=ELAPSED
        )
        assert result.current == 0
        assert result.confidence == 9

    def test_it_accepts_a_generator_of_values(self) -> None:
        points = (check_in(n, str(n)) for n in (10, 20, 30))
        result = evaluate_kr(REVENUE, points, as_of=HALFWAY, elapsed=ELAPSED)
        assert result.current == 30


class TestEvaluateObjective:
    def test_it_scores_065_as_07(self) -> None:
        result = evaluate_objective(Decimal("0.65"), elapsed=Decimal("0.5"))
        assert result == ObjectiveResult(
            progress=Decimal("0.65"), status=Status.ON_TRACK, score=Decimal("0.7")
        )

    def test_it_grades_the_unrounded_progress_not_the_mean_of_kr_scores(self) -> None:
        # KRs at 0.25, 0.25 and 0.45 score 0.3, 0.3 and 0.5, whose mean (0.37) would grade 0.4.
        # The objective's own progress is 0.3167, so it grades 0.3.
        progress = weighted_progress(
            [
                (Decimal(1), Decimal("0.25")),
                (Decimal(1), Decimal("0.25")),
                (Decimal(1), Decimal("0.45")),
            ]
        )
        assert progress is not None
        assert evaluate_objective(progress, elapsed=Decimal("0.5")).score == Decimal("0.3")

    def test_it_is_empty_without_progress(self) -> None:
        assert evaluate_objective(None, elapsed=Decimal("0.5")) == ObjectiveResult(
            progress=None, status=None, score=None
        )

    def test_it_is_done_at_full_progress(self) -> None:
        result = evaluate_objective(Decimal(1), elapsed=Decimal("0.2"))
        assert result.status is Status.DONE
        assert result.score == Decimal("1.0")

    def test_it_is_off_track_far_behind(self) -> None:
        assert evaluate_objective(Decimal("0.1"), elapsed=Decimal(1)).status is Status.OFF_TRACK
