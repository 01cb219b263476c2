"""`headway worker`: the background worker (Huey's consumer), beside the web server.

It runs the jobs the web processes queue (notifications, webhooks) and the periodic ones
(the scan of reminders and date-driven events). The queue is the one settings.HUEY names:
SQLite in its own file in the data directory by default, Redis when REDIS_URL is set, so
that several workers on several machines share it (docs/deployment.md). Every option of
Huey's `run_huey` is accepted, e.g. `--workers 4`, `--no-periodic`.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import CommandError
from huey.contrib.djhuey import HUEY
from huey.contrib.djhuey.management.commands import run_huey


class Command(run_huey.Command):  # type: ignore[misc]  # huey ships no type hints
    help = "Run the background worker: queued jobs and periodic ones (Huey's consumer)."

    def handle(self, *args: Any, **options: Any) -> None:
        if HUEY.immediate:
            raise CommandError(
                "Jobs run in the web process (HEADWAY_HUEY_IMMEDIATE=true): "
                "there is no queue for a worker to serve."
            )
        storage = type(HUEY.storage).__name__
        self.stdout.write(f"Headway worker: queue {HUEY.name!r} in {storage}")
        # The consumer gives Huey's logger a handler of its own: passed on to the root's too,
        # every line would be printed twice.
        logging.getLogger("huey").propagate = False
        super().handle(*args, **options)
