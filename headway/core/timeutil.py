"""The one place that reads the clock: "today" in a workspace's time zone."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from django.utils import timezone


def today_in(tz_name: str) -> date:
    """Today's date in the IANA time zone `tz_name` (a workspace's timezone)."""
    return timezone.now().astimezone(ZoneInfo(tz_name)).date()
