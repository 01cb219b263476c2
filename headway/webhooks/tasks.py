"""Background jobs of the webhooks app, run by `headway worker` (docs/webhooks.md).

A transaction that recorded domain events queues `dispatch_events` when it commits; the
periodic sweep, every minute, dispatches what the queue may have lost and sends the deliveries
whose (next) attempt is due. Both are safe to run twice at once (headway.webhooks.actions).
"""

from __future__ import annotations

import logging
from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from headway.webhooks import actions
from headway.webhooks.models import Webhook

logger = logging.getLogger(__name__)


def on_recorded(sender: Any, **kwargs: Any) -> None:
    """Events were recorded: dispatch them, if any webhook is listening at all."""
    if Webhook.objects.filter(active=True).exists():
        dispatch_events()


@db_task()  # type: ignore[untyped-decorator]  # huey ships no type hints
def dispatch_events() -> None:
    """Turn new events into deliveries; their sending is queued when that commits."""
    actions.dispatch()


@db_task()  # type: ignore[untyped-decorator]
def send_due() -> None:
    """Send the deliveries that are due."""
    actions.send_due()


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
@lock_task("headway.webhooks.sweep")  # type: ignore[untyped-decorator]
def sweep() -> None:
    """Every minute: dispatch any events left behind, then send what is due (retries too)."""
    created = actions.dispatch()
    sent = actions.send_due()
    if created or sent:
        logger.info("Webhooks: %s deliveries created, %s attempts made", created, sent)
