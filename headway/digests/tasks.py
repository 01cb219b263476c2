"""Background job of the digests, run by `headway worker` (docs/digests.md).

Twice an hour, like the scan: a workspace's check-in hour is on the hour of its time zone,
which is on the half hour of UTC in some zones. Each digest is due in a window after its
moment, so a run that comes late still sends it, and its rows make every run idempotent.
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from headway.digests.sending import send_digests

logger = logging.getLogger(__name__)

DIGEST_SCHEDULE = crontab(minute="5,35")


@db_periodic_task(DIGEST_SCHEDULE)  # type: ignore[untyped-decorator]  # huey ships no type hints
@lock_task("headway.digests.send")  # type: ignore[untyped-decorator]
def send() -> None:
    """Send the weekly digests, monthly KPI reviews and retrospective reminders now due."""
    sent = send_digests()
    if sent:
        logger.info("Digests sent: %s", dict(sent))
