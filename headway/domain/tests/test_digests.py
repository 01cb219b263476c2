"""When each digest is due, and how a KPI moved over a month (domain/digests.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from headway.domain.digests import (
    KPI_REVIEW_WINDOW,
    WEEKLY_WINDOW,
    Change,
    first_working_day,
    kpi_change,
    kpi_review_due,
    previous_month,
    retrospective_due,
    weekly_due,
    weekly_moment,
)
from headway.domain.types import KPIDirection

D = Decimal


class TestWeeklyDue:
    def test_it_is_due_two_hours_before_the_check_in_hour_on_the_check_in_day(self):
        # Monday 10:00 in Berlin (CET, UTC+1): due from Monday 08:00 local, 07:00 UTC.
        before = datetime(2026, 11, 30, 6, 59, tzinfo=UTC)
        at = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
        assert weekly_due(before, "Europe/Berlin", weekday=0, hour=10) is None
        due = weekly_due(at, "Europe/Berlin", weekday=0, hour=10)
        assert due is not None
        assert due.period == "2026-W49"
        assert due.since == at

    def test_it_stays_due_for_its_window_then_is_news_no_more(self):
        moment = weekly_moment(date(2026, 11, 30), 0, 10, "UTC")
        assert weekly_due(moment + WEEKLY_WINDOW - timedelta(minutes=1), "UTC", weekday=0, hour=10)
        assert weekly_due(moment + WEEKLY_WINDOW, "UTC", weekday=0, hour=10) is None

    def test_a_window_across_the_week_end_keeps_its_week(self):
        # Check-in on Sunday at 23:00: due Sunday 21:00, still due on Monday of the next week.
        monday = datetime(2026, 12, 7, 1, tzinfo=UTC)
        due = weekly_due(monday, "UTC", weekday=6, hour=23)
        assert due is not None
        assert due.period == "2026-W49"

    def test_an_early_check_in_hour_keeps_the_digest_on_the_check_in_day(self):
        assert weekly_moment(date(2026, 11, 30), 2, 1, "UTC") == datetime(
            2026, 12, 2, 0, tzinfo=UTC
        )

    @given(
        start=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)),
        weekday=st.integers(0, 6),
        hour=st.integers(0, 23),
        tz=st.sampled_from(["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"]),
    )
    def test_runs_every_half_hour_find_each_week_due_and_no_other(self, start, weekday, hour, tz):
        begin = start.replace(tzinfo=UTC, minute=0, second=0, microsecond=0)
        periods = set()
        for step in range(14 * 48):  # two weeks of runs
            due = weekly_due(begin + timedelta(minutes=30 * step), tz, weekday=weekday, hour=hour)
            if due is not None:
                periods.add(due.period)
        assert 2 <= len(periods) <= 3


class TestKPIReviewDue:
    def test_it_is_due_on_the_first_working_day_and_reviews_the_month_before(self):
        # 1 November 2026 is a Sunday: the review comes on Monday the 2nd at the check-in hour.
        assert kpi_review_due(datetime(2026, 11, 1, 12, tzinfo=UTC), "UTC", hour=10) is None
        due = kpi_review_due(datetime(2026, 11, 2, 10, tzinfo=UTC), "UTC", hour=10)
        assert due is not None
        assert due.period == "2026-10"

    def test_january_reviews_december(self):
        due = kpi_review_due(datetime(2027, 1, 1, 11, tzinfo=UTC), "UTC", hour=10)
        assert due is not None
        assert due.period == "2026-12"

    def test_it_is_not_due_after_its_window(self):
        late = datetime(2026, 11, 2, 10, tzinfo=UTC) + KPI_REVIEW_WINDOW
        assert kpi_review_due(late, "UTC", hour=10) is None

    def test_the_workspace_time_zone_decides_the_day(self):
        # 2 November 09:30 UTC is 2 November 20:30 in Sydney, past its 10:00 check-in hour.
        due = kpi_review_due(datetime(2026, 11, 2, 9, 30, tzinfo=UTC), "Australia/Sydney", hour=10)
        assert due is not None
        assert kpi_review_due(datetime(2026, 11, 2, 9, 30, tzinfo=UTC), "UTC", hour=10) is None

    @given(year=st.integers(2000, 2100), month=st.integers(1, 12))
    def test_the_first_working_day_is_a_weekday_among_the_first_three(self, year, month):
        day = first_working_day(year, month)
        assert day.weekday() < 5
        assert (day.year, day.month) == (year, month)
        assert day.day <= 3

    @given(day=st.dates())
    def test_the_previous_month_ends_the_day_before_this_one_starts(self, day):
        first, last = previous_month(day) if day >= date(1, 2, 1) else (None, None)
        if first is not None:
            assert last + timedelta(days=1) == day.replace(day=1)
            assert first.day == 1
            assert (first.year, first.month) == (last.year, last.month)


class TestRetrospectiveDue:
    def test_it_is_due_from_two_days_before_the_end_to_two_weeks_after(self):
        end = date(2026, 3, 31)
        assert not retrospective_due(date(2026, 3, 28), end=end, closed=False)
        assert retrospective_due(date(2026, 3, 29), end=end, closed=False)
        assert retrospective_due(date(2026, 4, 14), end=end, closed=False)
        assert not retrospective_due(date(2026, 4, 15), end=end, closed=False)

    def test_a_closed_cycle_is_reviewed_already(self):
        assert not retrospective_due(date(2026, 4, 1), end=date(2026, 3, 31), closed=True)


class TestKPIChange:
    def test_up_is_better_when_higher_is_better(self):
        assert kpi_change(D(10), D(12), KPIDirection.HIGHER_IS_BETTER) == Change(D(2), True)

    def test_up_is_worse_when_lower_is_better(self):
        assert kpi_change(D(10), D(12), KPIDirection.LOWER_IS_BETTER) == Change(D(2), False)

    def test_no_value_at_either_end_is_no_change(self):
        assert kpi_change(None, D(12), KPIDirection.HIGHER_IS_BETTER) == Change(None, None)
        assert kpi_change(D(1), None, KPIDirection.HIGHER_IS_BETTER) == Change(None, None)

    def test_within_a_range_closer_is_better_and_inside_is_neither(self):
        low, high = D(10), D(20)
        within = KPIDirection.WITHIN_RANGE
        assert kpi_change(D(5), D(9), within, low=low, high=high) == Change(D(4), True)
        assert kpi_change(D(19), D(25), within, low=low, high=high) == Change(D(6), False)
        assert kpi_change(D(12), D(18), within, low=low, high=high) == Change(D(6), None)

    @given(
        before=st.decimals(-1000, 1000, places=2),
        after=st.decimals(-1000, 1000, places=2),
        direction=st.sampled_from(list(KPIDirection)),
    )
    def test_the_delta_is_after_minus_before_and_no_move_is_neither(self, before, after, direction):
        change = kpi_change(before, after, direction, low=D(0), high=D(100))
        assert change.delta == after - before
        if after == before:
            assert change.better is None
