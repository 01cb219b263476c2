"""The check-in rhythm: weeks, reminders' due moments across DST changes, streaks."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from headway.domain.rhythm import (
    MAX_GRACE_HOURS,
    Rhythm,
    Streak,
    Tracked,
    checked_in_for,
    first_due,
    local_date,
    local_moment,
    reminder_due,
    second_due,
    streak,
    validate_rhythm,
    week_label,
    week_of,
    week_start,
)
from headway.domain.types import RuleViolation

BERLIN = "Europe/Berlin"  # summer time 2026-03-29 02:00 -> 03:00, ends 2026-10-25 03:00 -> 02:00
LA = "America/Los_Angeles"  # summer time 2026-03-08 02:00 -> 03:00
MONDAY_10 = Rhythm(weekday=0, hour=10, grace_hours=24)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


class TestWeeks:
    def test_a_week_runs_from_monday_to_sunday(self):
        assert week_start(date(2026, 12, 2)) == date(2026, 11, 30)  # a Wednesday
        assert week_start(date(2026, 11, 30)) == date(2026, 11, 30)
        assert week_start(date(2026, 12, 6)) == date(2026, 11, 30)  # the Sunday

    def test_its_label_is_the_iso_week_of_the_year_it_belongs_to(self):
        assert week_label(date(2026, 11, 26)) == "2026-W48"
        assert week_label(date(2026, 12, 31)) == "2026-W53"
        assert week_label(date(2027, 1, 1)) == "2026-W53"
        assert week_label(date(2027, 1, 4)) == "2027-W01"

    def test_the_local_date_is_the_workspaces(self):
        late = utc(2026, 12, 1, 23, 30)
        assert local_date(late, "UTC") == date(2026, 12, 1)
        assert local_date(late, BERLIN) == date(2026, 12, 2)
        assert local_date(late, LA) == date(2026, 12, 1)

    def test_a_week_begins_at_local_midnight(self):
        week = week_of(date(2026, 12, 2), BERLIN)
        assert (week.start, week.end, week.label) == (
            date(2026, 11, 30),
            date(2026, 12, 6),
            "2026-W49",
        )
        assert week.begins == utc(2026, 11, 29, 23)


class TestDueMoments:
    def test_the_check_in_hour_is_local_on_both_sides_of_a_dst_change(self):
        assert local_moment(date(2026, 3, 23), 10, BERLIN) == utc(2026, 3, 23, 9)
        assert local_moment(date(2026, 3, 30), 10, BERLIN) == utc(2026, 3, 30, 8)
        assert local_moment(date(2026, 3, 2), 10, LA) == utc(2026, 3, 2, 18)
        assert local_moment(date(2026, 3, 9), 10, LA) == utc(2026, 3, 9, 17)

    def test_an_hour_the_clocks_skip_is_the_moment_they_jump(self):
        moment = local_moment(date(2026, 3, 29), 2, BERLIN)
        assert moment == utc(2026, 3, 29, 1)
        assert moment.astimezone(ZoneInfo(BERLIN)).hour == 3

    def test_an_hour_that_happens_twice_is_its_first_occurrence(self):
        assert local_moment(date(2026, 10, 25), 2, BERLIN) == utc(2026, 10, 25, 0)

    def test_the_first_reminder_is_due_on_the_check_in_day_and_hour(self):
        week = week_of(date(2026, 12, 2), LA)
        friday_16 = Rhythm(weekday=4, hour=16, grace_hours=24)
        assert first_due(week, friday_16, LA) == utc(2026, 12, 5, 0)  # Fri 16:00 PST

    def test_the_grace_is_counted_in_real_hours_across_a_dst_change(self):
        saturday_12 = Rhythm(weekday=5, hour=12, grace_hours=24)
        week = week_of(date(2026, 3, 25), BERLIN)
        assert first_due(week, saturday_12, BERLIN) == utc(2026, 3, 28, 11)  # 12:00 CET
        assert second_due(week, saturday_12, BERLIN) == utc(2026, 3, 29, 11)  # 13:00 CEST

    def test_no_grace_means_no_second_reminder(self):
        week = week_of(date(2026, 12, 2), BERLIN)
        assert second_due(week, Rhythm(grace_hours=0), BERLIN) is None


class TestReminderDue:
    def test_before_this_weeks_hour_last_weeks_reminder_stands(self):
        reminder = reminder_due(utc(2026, 3, 30, 7, 59), BERLIN, MONDAY_10)  # 09:59 CEST
        assert (reminder.week.label, reminder.number) == ("2026-W13", 2)

    def test_at_the_local_hour_the_first_reminder_of_the_week_is_due(self):
        reminder = reminder_due(utc(2026, 3, 30, 8), BERLIN, MONDAY_10)  # 10:00 CEST
        assert (reminder.week.label, reminder.number, reminder.due) == (
            "2026-W14",
            1,
            utc(2026, 3, 30, 8),
        )

    def test_after_the_grace_the_second_is_due(self):
        assert reminder_due(utc(2026, 3, 31, 7, 59), BERLIN, MONDAY_10).number == 1
        reminder = reminder_due(utc(2026, 3, 31, 8), BERLIN, MONDAY_10)
        assert (reminder.week.label, reminder.number) == ("2026-W14", 2)

    def test_the_same_moment_is_another_weeks_reminder_in_another_zone(self):
        now = utc(2026, 3, 9, 16, 30)  # Monday 17:30 in Berlin, 09:30 in Los Angeles
        assert reminder_due(now, BERLIN, MONDAY_10).week.label == "2026-W11"
        assert reminder_due(now, LA, MONDAY_10).week.label == "2026-W10"
        assert reminder_due(utc(2026, 3, 9, 17), LA, MONDAY_10).week.label == "2026-W11"

    def test_without_grace_the_first_reminder_stands_all_week(self):
        rhythm = Rhythm(weekday=0, hour=10, grace_hours=0)
        assert reminder_due(utc(2026, 4, 5, 20), BERLIN, rhythm).number == 1


class TestCheckedInFor:
    week = week_of(date(2026, 12, 2), "UTC")

    def test_a_check_in_dated_in_the_week_counts(self):
        assert checked_in_for(self.week, date(2026, 11, 30), utc(2026, 11, 30, 9))

    def test_an_earlier_dated_one_counts_when_entered_this_week(self):
        assert checked_in_for(self.week, date(2026, 11, 27), utc(2026, 12, 1, 9))
        assert not checked_in_for(self.week, date(2026, 11, 27), utc(2026, 11, 29, 23))


class TestValidate:
    @pytest.mark.parametrize(
        ("rhythm", "field"),
        [
            (Rhythm(weekday=7), "check_in_weekday"),
            (Rhythm(weekday=-1), "check_in_weekday"),
            (Rhythm(hour=24), "check_in_hour"),
            (Rhythm(grace_hours=MAX_GRACE_HOURS + 1), "reminder_grace_hours"),
            (Rhythm(grace_hours=-1), "reminder_grace_hours"),
        ],
    )
    def test_it_names_the_field_out_of_range(self, rhythm, field):
        with pytest.raises(RuleViolation) as error:
            validate_rhythm(rhythm)
        assert error.value.field == field

    def test_the_bounds_are_allowed(self):
        validate_rhythm(Rhythm(weekday=6, hour=23, grace_hours=MAX_GRACE_HOURS))
        validate_rhythm(Rhythm(weekday=0, hour=0, grace_hours=0))


CYCLE = (date(2026, 1, 5), date(2026, 3, 29))  # Monday of week 2 to Sunday of week 13


def tracked(*days: date, first: date = CYCLE[0], last: date = CYCLE[1]) -> Tracked:
    return Tracked(first, last, days)


def weekly(start: date, count: int, offset: int = 0) -> list[date]:
    return [start + timedelta(days=7 * i + offset) for i in range(count)]


class TestStreak:
    def test_weeks_in_a_row_with_a_check_in(self):
        item = tracked(*weekly(date(2026, 1, 5), 6, offset=2))  # Wednesdays of weeks 2-7
        assert streak([item], as_of=date(2026, 2, 13)) == Streak(6, True)

    def test_a_week_still_running_does_not_break_it(self):
        item = tracked(*weekly(date(2026, 1, 5), 5))
        assert streak([item], as_of=date(2026, 2, 13)) == Streak(5, False)

    def test_a_missed_week_ends_it(self):
        days = [d for d in weekly(date(2026, 1, 5), 6) if d != date(2026, 1, 26)]
        assert streak([tracked(*days)], as_of=date(2026, 2, 13)) == Streak(2, True)

    def test_two_check_ins_in_one_week_count_once(self):
        item = tracked(date(2026, 2, 9), date(2026, 2, 10))
        assert streak([item], as_of=date(2026, 2, 13)) == Streak(1, True)

    def test_every_key_result_expected_must_be_checked_in(self):
        steady = tracked(*weekly(date(2026, 1, 5), 6))
        gappy = tracked(*weekly(date(2026, 1, 5), 6)[3:])
        assert streak([steady, gappy], as_of=date(2026, 2, 13)) == Streak(3, True)

    def test_a_key_result_counts_from_when_it_was_added(self):
        steady = tracked(*weekly(date(2026, 1, 5), 6))
        late = tracked(*weekly(date(2026, 1, 26), 3), first=date(2026, 1, 28))
        assert streak([steady, late], as_of=date(2026, 2, 13)) == Streak(6, True)

    def test_weeks_before_anything_was_expected_end_it(self):
        item = tracked(*weekly(date(2026, 1, 5), 3))
        assert streak([item], as_of=date(2026, 1, 21)) == Streak(3, True)

    def test_nothing_to_check_in_on_is_no_streak(self):
        assert streak([], as_of=date(2026, 2, 13)) == Streak(0, False)
        assert streak([tracked()], as_of=date(2026, 2, 13)) == Streak(0, False)

    def test_after_the_cycle_its_last_weeks_still_count(self):
        item = tracked(*weekly(date(2026, 3, 2), 4))
        assert streak([item], as_of=date(2026, 4, 1)) == Streak(4, False)


ZONES = st.sampled_from(["UTC", BERLIN, LA, "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Apia"])
MOMENTS = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(UTC)
)
RHYTHMS = st.builds(
    Rhythm,
    weekday=st.integers(0, 6),
    hour=st.integers(0, 23),
    grace_hours=st.integers(0, MAX_GRACE_HOURS),
)


class TestProperties:
    @given(day=st.dates(date(2020, 1, 1), date(2035, 12, 31)), hour=st.integers(0, 23), tz=ZONES)
    def test_a_local_moment_falls_on_its_day_at_or_just_after_its_hour(self, day, hour, tz):
        wall = local_moment(day, hour, tz).astimezone(ZoneInfo(tz))
        skipped = datetime.combine(wall.date(), wall.time()) - datetime(
            day.year, day.month, day.day, hour
        )
        assert timedelta(0) <= skipped <= timedelta(hours=1)  # a skipped hour moves it on

    @given(now=MOMENTS, tz=ZONES, rhythm=RHYTHMS)
    def test_the_reminder_standing_is_of_the_latest_week_whose_moment_passed(self, now, tz, rhythm):
        reminder = reminder_due(now, tz, rhythm)
        first = first_due(reminder.week, rhythm, tz)
        following = week_of(reminder.week.start + timedelta(days=7), tz)
        assert reminder.due <= now
        assert first <= now < first_due(following, rhythm, tz)
        second = second_due(reminder.week, rhythm, tz)
        assert (reminder.number == 2) == (second is not None and now >= second)
        assert second is None or second < first_due(following, rhythm, tz)

    @given(
        days=st.lists(st.dates(date(2026, 1, 1), date(2026, 4, 30)), max_size=20),
        extra=st.dates(date(2026, 1, 1), date(2026, 4, 30)),
        as_of=st.dates(date(2026, 1, 1), date(2026, 4, 30)),
    )
    def test_one_more_check_in_never_shortens_a_streak(self, days, extra, as_of):
        before = streak([tracked(*days)], as_of=as_of)
        after = streak([tracked(*days, extra)], as_of=as_of)
        assert after.weeks >= before.weeks
        assert 0 <= before.weeks <= 13
