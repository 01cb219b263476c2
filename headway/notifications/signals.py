"""The notifications app hears `events.actions.recorded` (sent once a transaction that
recorded events committed) and queues the fan-out."""

from __future__ import annotations

import logging
from typing import Any

from django.dispatch import receiver

from headway.events.actions import recorded
from headway.notifications.tasks import fan_out

logger = logging.getLogger(__name__)


@receiver(recorded)
def queue_fan_out(sender: Any, **kwargs: Any) -> None:
    """Queue the fan-out. The write has committed: a queue that fails is logged, and the
    minute's sweep fans the events out instead."""
    try:
        fan_out()
    except Exception:
        logger.exception("Could not queue the fan-out; the sweep will do it")
