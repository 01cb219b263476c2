"""Background jobs of the events app, run by `headway worker` (docs/rhythm.md).

Huey's consumer imports this module (djhuey looks for `tasks` in every installed app) and
runs the periodic ones on their crontab, in UTC. A run that overlaps a running one (a slow
scan, a second worker) is skipped by the lock; the scan is idempotent either way.
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from headway.events.scan import scan

logger = logging.getLogger(__name__)

# Twice an hour: a workspace's check-in hour is on the hour of its time zone, which is on the
# half hour of UTC in some zones (India, parts of Australia).
SCAN_SCHEDULE = crontab(minute="0,30")


@db_periodic_task(SCAN_SCHEDULE)  # type: ignore[untyped-decorator]  # huey ships no type hints
@lock_task("headway.events.scan")  # type: ignore[untyped-decorator]
def scan_dates() -> None:
    """Record the events the date causes (reminders, statuses, stale KPIs, overdue
    initiatives, dependencies at risk, cycles starting and ending)."""
    recorded = scan()
    if recorded:
        logger.info("The scan recorded %s", dict(recorded))
