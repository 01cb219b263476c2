"""When the database cannot take a write: 503 with Retry-After and a clear message, never a 500.

Two situations, both temporary from a user's point of view (docs/deployment.md, "When the
database is busy or read-only"):

- **busy**: SQLite's single write lock is held longer than the busy timeout (a long import), or
  PostgreSQL gave up on a lock (deadlock, serialization failure, lock timeout). Nothing was
  written; the same request a few seconds later succeeds.
- **unwritable**: a read-only database file or directory, a full disk, a read-only PostgreSQL
  standby. Reads keep working (no request that only reads writes anything), writes are refused.

Pages get an HTML page, the API (`/api/v1/`) its usual JSON error body. The middleware catches
the views' errors; the project's handler500 and handler400 catch the rest (a session that
cannot be saved, which Django reports as a 400). Any other error stays a 500.

The SQLite connection setup lives here too: WAL is set once by `headway migrate`, because
`PRAGMA journal_mode=WAL` writes to the file and would fail every request on a read-only one.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.defaults import bad_request as django_bad_request
from django.views.defaults import server_error as django_server_error

logger = logging.getLogger(__name__)

BUSY_RETRY_AFTER = 5  # seconds: a long write phase ends, or the lock is handed on
UNWRITABLE_RETRY_AFTER = 300  # seconds: someone has to free disk space or fix permissions

# SQLite primary result codes (the low byte of the extended code of an sqlite3 error).
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN = (
    5,
    6,
    8,
    10,
    13,
    14,
)
# PostgreSQL SQLSTATEs: the transaction lost a lock race / the server cannot store changes.
# (serialization failure, deadlock, lock or statement timeout, too many connections; read-only
# transaction, disk full, a standby that is starting up.)
PG_BUSY = {"40001", "40P01", "55P03", "57014", "53300"}
PG_UNWRITABLE = {"25006", "53100", "57P03"}


@dataclass(frozen=True, slots=True)
class Unavailable:
    """Why the database refused, and what to tell the person who asked."""

    reason: str  # "busy" or "unwritable"
    message: str
    retry_after: int


BUSY = Unavailable(
    "busy",
    "The database is busy with another change (for example a large import), so this change "
    "was not saved. Try again in a few seconds.",
    BUSY_RETRY_AFTER,
)
UNWRITABLE = Unavailable(
    "unwritable",
    "The database cannot store changes right now (it is read-only or its disk is full), so "
    "this change was not saved. Reading still works. Please tell the operator of this instance.",
    UNWRITABLE_RETRY_AFTER,
)


def classify(exc: BaseException | None) -> Unavailable | None:
    """`BUSY` or `UNWRITABLE` for a database error that means "not now", else None."""
    if not isinstance(exc, DatabaseError):
        return None
    cause = exc.__cause__
    code = getattr(cause, "sqlite_errorcode", None)
    if isinstance(cause, sqlite3.Error) and isinstance(code, int):
        primary = code & 0xFF
        if primary in {SQLITE_BUSY, SQLITE_LOCKED}:
            return BUSY
        if primary in {SQLITE_READONLY, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_IOERR}:
            return UNWRITABLE
        return None
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate in PG_BUSY:
        return BUSY
    if sqlstate in PG_UNWRITABLE:
        return UNWRITABLE
    text = str(exc).lower()
    if "database is locked" in text or "database table is locked" in text:
        return BUSY
    if "readonly database" in text or "disk is full" in text:
        return UNWRITABLE
    return None


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def unavailable_response(request: HttpRequest, problem: Unavailable) -> HttpResponse:
    """The 503 answer: JSON under /api/, a plain page (that reads nothing) elsewhere."""
    response: HttpResponse
    if is_api(request):
        response = JsonResponse({"detail": problem.message, "field": None}, status=503)
    else:
        # Rendered without the request: no context processor, so no query (the user, the
        # workspace) can fail a second time while we explain the first failure.
        html = render_to_string("core/unavailable.html", {"problem": problem})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(problem.retry_after)
    response["Cache-Control"] = "no-store"
    return response


def answer(request: HttpRequest, exc: BaseException | None) -> HttpResponse | None:
    """The 503 response for a "not now" database error (logged for the operator), else None."""
    problem = classify(exc)
    if problem is None:
        return None
    logger.warning("%s %s: database %s: %s", request.method, request.path, problem.reason, exc)
    return unavailable_response(request, problem)


class DatabaseUnavailableMiddleware:
    """Turns a view's "database busy / read-only / full" error into a 503 page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return answer(request, exception)


def server_error(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """handler500: a database error raised outside a view is a 503 as well."""
    response = answer(request, sys.exc_info()[1])
    return response if response is not None else django_server_error(request)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: Django reports a session it could not save as a 400 ("session interrupted");
    when the database refused the save, the truth is a 503."""
    cause: BaseException | None = exception
    while cause is not None:
        response = answer(request, cause)
        if response is not None:
            return response
        cause = cause.__cause__ or cause.__context__
    return django_bad_request(request, exception)


# SQLite connections -------------------------------------------------------------------------


def use_wal(using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """post_migrate: put an SQLite database in WAL mode (persistent in the file, set once).

    Readers then never block the writer. It is not part of every connection's setup because
    changing the journal mode writes to the file: on a read-only copy every request would fail.
    """
    db = connections[using]
    if db.vendor != "sqlite" or db.in_atomic_block:
        return
    with db.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")


def refresh_statistics(using: str = DEFAULT_DB_ALIAS) -> None:
    """Let the query planner know the tables' sizes (ANALYZE), after a bulk write: without
    statistics SQLite reads a workspace's key results to find one team's.

    Every row, not a sample: sampled (`PRAGMA analysis_limit = 1000`), SQLite saw one workspace
    in the first thousand rows and took `workspace_id = ?` for a filter that keeps one row in a
    thousand, so it sorted a workspace's whole membership for a picker's window of its newest
    people (6 ms instead of 0.5 at 10,000 people). The whole ANALYZE takes 0.2 s at 10,000
    people, against 110 s for their import. PostgreSQL's autovacuum analyzes on its own, this
    only makes it immediate.
    """
    with connections[using].cursor() as cursor:
        cursor.execute("ANALYZE")


@contextmanager
def brief_lock_wait(milliseconds: int = 100) -> Iterator[None]:
    """Within the block, an SQLite write waits at most `milliseconds` for the write lock.

    For writes that may be skipped (a token's last use): a read must not wait the full busy
    timeout behind a long import. Does nothing on PostgreSQL, where row locks are not held
    for long by anything such a write touches.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        previous = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {previous}")
