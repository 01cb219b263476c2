"""Housekeeping jobs that `headway worker` runs on its own (docs/deployment.md)."""

from __future__ import annotations

from django.db import connection
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from headway.core.database import refresh_statistics


@db_periodic_task(crontab(hour="3", minute="15"))  # type: ignore[untyped-decorator]  # no hints
@lock_task("headway.core.statistics")  # type: ignore[untyped-decorator]
def nightly_statistics() -> None:
    """Refresh SQLite's planner statistics every night: a workspace that grows through the app
    rather than by an import would otherwise keep the statistics of its first day, and its
    pages would pick the plans of a small table. PostgreSQL's autovacuum does this itself."""
    if connection.vendor == "sqlite":
        refresh_statistics()
