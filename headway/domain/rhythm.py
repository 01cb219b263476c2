"""The weekly check-in rhythm (docs/rhythm.md): check-in weeks, when a workspace's reminders
are due, whether a key result was checked in for a week, and streaks of kept weeks.

A check-in week is a calendar week, Monday to Sunday, in the workspace's time zone (the week
My focus lists key results "due this week" for). The workspace names a check-in day and hour
in that week: the first reminder is due then, the second `grace_hours` later. Nothing here
reads the clock: callers pass the moment (`now`, an aware datetime) or the day (`as_of`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from headway.domain.types import RuleViolation

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DEFAULT_WEEKDAY = 0  # Monday
DEFAULT_HOUR = 10
DEFAULT_GRACE_HOURS = 24
# The second reminder of a week must come before the next week's first one (at least 167
# hours later, across a change to summer time): six days at most. 0: no second reminder.
MAX_GRACE_HOURS = 144
MAX_STREAK_WEEKS = 104  # a streak is counted back this many weeks at most
WEEK = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class Rhythm:
    """A workspace's check-in day (0 Monday … 6 Sunday), hour (0-23, its local time) and the
    hours between the first reminder and the second (0: none)."""

    weekday: int = DEFAULT_WEEKDAY
    hour: int = DEFAULT_HOUR
    grace_hours: int = DEFAULT_GRACE_HOURS


def validate_rhythm(rhythm: Rhythm) -> None:
    """Raise RuleViolation, naming the field, when a rhythm is out of range."""
    if not 0 <= rhythm.weekday <= 6:
        raise RuleViolation("check_in_weekday", "must be 0 (Monday) to 6 (Sunday)")
    if not 0 <= rhythm.hour <= 23:
        raise RuleViolation("check_in_hour", "must be an hour from 0 to 23")
    if not 0 <= rhythm.grace_hours <= MAX_GRACE_HOURS:
        raise RuleViolation(
            "reminder_grace_hours", f"must be 0 (no second reminder) to {MAX_GRACE_HOURS} hours"
        )


def week_start(day: date) -> date:
    """The Monday of the check-in week holding `day`."""
    return day - timedelta(days=day.weekday())


def week_label(day: date) -> str:
    """The ISO week of `day`, as in `2026-W48` (the year the week belongs to, not the day's)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def local_date(moment: datetime, tz_name: str) -> date:
    """The date at `moment` (aware) in the time zone `tz_name`."""
    return moment.astimezone(ZoneInfo(tz_name)).date()


def local_moment(day: date, hour: int, tz_name: str) -> datetime:
    """The moment (in UTC) the wall clock of `tz_name` shows `hour`:00 on `day`.

    Daylight saving time: an hour the clocks skip (02:00 on the morning summer time starts
    in Europe) is read with the offset before the change (fold=0), which lands on the moment
    the clocks jump, 03:00 summer time; an hour that happens twice (the night summer time
    ends) is its first occurrence. Either way the result is one real moment, and the same
    one on every run, which the once-only keys of the reminders rely on.
    """
    wall = datetime.combine(day, time(hour), tzinfo=ZoneInfo(tz_name))
    return wall.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Week:
    """A check-in week: its Monday, its ISO label and the moment it begins (local midnight)."""

    start: date
    label: str
    begins: datetime

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)


def week_of(day: date, tz_name: str) -> Week:
    monday = week_start(day)
    return Week(monday, week_label(monday), local_moment(monday, 0, tz_name))


def first_due(week: Week, rhythm: Rhythm, tz_name: str) -> datetime:
    """When the week's first reminder is due: its check-in day and hour in `tz_name`."""
    return local_moment(week.start + timedelta(days=rhythm.weekday), rhythm.hour, tz_name)


def second_due(week: Week, rhythm: Rhythm, tz_name: str) -> datetime | None:
    """When the week's second reminder is due: `grace_hours` real hours after the first (a
    night the clocks change does not stretch or shrink it); None when there is none."""
    if rhythm.grace_hours == 0:
        return None
    return first_due(week, rhythm, tz_name) + timedelta(hours=rhythm.grace_hours)


@dataclass(frozen=True, slots=True)
class Reminder:
    """A reminder to send: of which week, the first or the second, and since when it has
    been due."""

    week: Week
    number: int
    due: datetime


def reminder_due(now: datetime, tz_name: str, rhythm: Rhythm) -> Reminder:
    """The reminder that stands at `now`: that of the latest week whose check-in moment has
    passed (this week once its day and hour have come, else last week), the second one once
    its grace has passed too. Sending it is idempotent (one per key result, week and number);
    a worker that was down when the first was due sends only the second."""
    week = week_of(local_date(now, tz_name), tz_name)
    if now < first_due(week, rhythm, tz_name):
        week = week_of(week.start - WEEK, tz_name)
    second = second_due(week, rhythm, tz_name)
    if second is not None and now >= second:
        return Reminder(week, 2, second)
    return Reminder(week, 1, first_due(week, rhythm, tz_name))


def checked_in_for(week: Week, at: date, created: datetime) -> bool:
    """Whether a check-in counts for `week`'s reminders: dated in the week or later, or
    entered (created) since the week began, even if dated earlier (a late reading)."""
    return at >= week.start or created >= week.begins


@dataclass(frozen=True, slots=True)
class Tracked:
    """A key result someone checks in on weekly: the days it is expected to be (from the
    later of its creation and its cycle's start, to its cycle's end) and its check-in dates."""

    first: date
    last: date
    check_ins: Collection[date]


@dataclass(frozen=True, slots=True)
class Streak:
    """Weeks in a row kept (every key result expected got a check-in dated in the week),
    counted back from this week, and whether this week is kept already. A week still running
    counts once kept and does not break the streak before it ends."""

    weeks: int
    this_week: bool


def expected_in(item: Tracked, monday: date) -> bool:
    """Whether `item` is expected to be checked in in the week of `monday` (the week holds a
    day of its range)."""
    return item.first <= monday + timedelta(days=6) and item.last >= monday


def streak(items: Iterable[Tracked], *, as_of: date) -> Streak:
    """The streak of `items` (a person's key results, or a team's) as of `as_of`: counting
    back from the week of `as_of`, each week in which some key result was expected and every
    one expected got a check-in; a missed week, or one in which none was expected, ends it."""
    pool = [(item, {week_start(d) for d in item.check_ins}) for item in items]

    def kept(monday: date) -> bool | None:
        """Whether the week was kept; None when no key result was expected in it."""
        expected = [weeks for item, weeks in pool if expected_in(item, monday)]
        return all(monday in weeks for weeks in expected) if expected else None

    monday = week_start(as_of)
    this_week = kept(monday) is True
    weeks = 1 if this_week else 0
    for back in range(1, MAX_STREAK_WEEKS):
        if not kept(monday - back * WEEK):
            break
        weeks += 1
    return Streak(weeks, this_week)
