"""When each digest is due, and the figures it reports (docs/digests.md).

Three digests, each one message per person and period (domain.notify.Digest):

- the weekly personal digest, on the workspace's check-in day, `WEEKLY_LEAD_HOURS` before its
  check-in hour (so it arrives before the reminders), period: the ISO week;
- the monthly KPI review, on the first working day (Monday to Friday) of a month at the
  check-in hour, about the month before, period: that month (`2026-11`);
- the retrospective reminder, from `RETRO_BEFORE_DAYS` before a cycle's last day until
  `RETRO_AFTER_DAYS` after it, once per cycle.

A digest is due in a window after its moment, not only at it: a worker that was down a while
still sends it, but a digest older than its window is news no more and is not sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from headway.domain.rhythm import local_date, local_moment, week_label, week_start
from headway.domain.types import KPIDirection

WEEKLY_LEAD_HOURS = 2  # the weekly digest comes this long before the check-in hour
WEEKLY_WINDOW = timedelta(days=2)
KPI_REVIEW_WINDOW = timedelta(days=3)
RETRO_BEFORE_DAYS = 2
RETRO_AFTER_DAYS = 14


@dataclass(frozen=True, slots=True)
class Due:
    """A digest due: its period (the unique part of its key) and the moment it became due."""

    period: str
    since: datetime


def weekly_moment(monday: date, weekday: int, hour: int, tz_name: str) -> datetime:
    """When the weekly digest of the week of `monday` is due: the check-in day, two hours
    before the check-in hour (midnight at the earliest: it stays on the check-in day)."""
    day = monday + timedelta(days=weekday)
    return local_moment(day, max(hour - WEEKLY_LEAD_HOURS, 0), tz_name)


def weekly_due(now: datetime, tz_name: str, *, weekday: int, hour: int) -> Due | None:
    """The weekly digest due at `now` (aware), if any: this week's once its moment passed,
    else last week's while still in its window."""
    monday = week_start(local_date(now, tz_name))
    for start in (monday, monday - timedelta(days=7)):
        moment = weekly_moment(start, weekday, hour, tz_name)
        if moment <= now < moment + WEEKLY_WINDOW:
            return Due(week_label(start), moment)
    return None


def first_working_day(year: int, month: int) -> date:
    """The first Monday-to-Friday day of a month (public holidays are not known)."""
    day = date(year, month, 1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def month_label(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def previous_month(day: date) -> tuple[date, date]:
    """The first and last day of the month before `day`'s."""
    last = day.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def kpi_review_due(now: datetime, tz_name: str, *, hour: int) -> Due | None:
    """The monthly KPI review due at `now`, if any: from the first working day of this month
    at the check-in hour, for `KPI_REVIEW_WINDOW`; its period is the month reviewed (the one
    before)."""
    today = local_date(now, tz_name)
    moment = local_moment(first_working_day(today.year, today.month), hour, tz_name)
    if moment <= now < moment + KPI_REVIEW_WINDOW:
        return Due(month_label(previous_month(today)[0]), moment)
    return None


def retrospective_due(today: date, *, end: date, closed: bool) -> bool:
    """Whether the retrospective reminder of a cycle ending on `end` is due on `today` (the
    workspace's date): from `RETRO_BEFORE_DAYS` before its last day to `RETRO_AFTER_DAYS`
    after, while it is not closed (closing it is the review that grades it)."""
    if closed:
        return False
    return (
        end - timedelta(days=RETRO_BEFORE_DAYS) <= today <= end + timedelta(days=RETRO_AFTER_DAYS)
    )


@dataclass(frozen=True, slots=True)
class Change:
    """How a KPI moved over a period: by how much (None without a value at both ends), and
    whether that is better, worse or neither (None) for its direction."""

    delta: Decimal | None
    better: bool | None


def kpi_change(
    before: Decimal | None,
    after: Decimal | None,
    direction: KPIDirection,
    *,
    low: Decimal | None = None,
    high: Decimal | None = None,
) -> Change:
    """The change of a KPI from `before` (its latest value at the period's start) to `after`
    (at its end). Up is better for higher-is-better, down for lower-is-better; for a range,
    coming closer to the range (or into it) is better, and moving within it is neither."""
    if before is None or after is None:
        return Change(None, None)
    delta = after - before
    if delta == 0:
        return Change(delta, None)
    if direction is KPIDirection.HIGHER_IS_BETTER:
        return Change(delta, delta > 0)
    if direction is KPIDirection.LOWER_IS_BETTER:
        return Change(delta, delta < 0)
    distance_before, distance_after = outside_by(before, low, high), outside_by(after, low, high)
    if distance_before == distance_after:
        return Change(delta, None)
    return Change(delta, distance_after < distance_before)


def outside_by(value: Decimal, low: Decimal | None, high: Decimal | None) -> Decimal:
    """How far `value` lies outside the range from `low` to `high` (0 inside it)."""
    if low is not None and value < low:
        return low - value
    if high is not None and value > high:
        return value - high
    return Decimal(0)
