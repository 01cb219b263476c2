"""Background jobs of the notifications app, run by `headway worker` (docs/notifications.md).

`fan_out` is queued each time a transaction that recorded events commits (the `recorded`
signal); `sweep` runs every minute and catches whatever the queue lost, sends the e-mails
whose quiet hours or retry delay have ended. Both are idempotent: each (event, recipient) is
one row, each e-mail claimed before it is sent.
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from headway.events.models import DomainEvent
from headway.notifications.delivery import send_due
from headway.notifications.fanout import fan_out_pending

logger = logging.getLogger(__name__)


def deliver() -> list[DomainEvent]:
    """Fan out the pending events and send the e-mails that are due; answer the events fanned
    out in this run."""
    events = fan_out_pending()
    sent = send_due()
    if events or sent:
        logger.info("Fanned out %d events, sent %d e-mails", len(events), sent)
    return events


@db_task()  # type: ignore[untyped-decorator]  # huey ships no type hints
def fan_out() -> None:
    deliver()


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
@lock_task("headway.notifications.sweep")  # type: ignore[untyped-decorator]
def sweep() -> None:
    deliver()
