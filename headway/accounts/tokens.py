"""Personal access tokens: finding one, and noting its use. Creating and revoking them are
actions (headway.accounts.actions)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from headway.accounts.models import ApiToken, Membership, hash_token
from headway.core.database import brief_lock_wait
from headway.core.errors import Conflict, NotFound

logger = logging.getLogger(__name__)

# Writing last_used_at on every request would turn every read into a write: once a minute is
# enough to tell which tokens are in use.
LAST_USED_PRECISION = timedelta(minutes=1)


def find_token(membership: Membership, prefix_or_raw: str) -> ApiToken:
    """A token of the workspace by its prefix (as listed) or the raw token itself."""
    tokens = ApiToken.objects.filter(workspace_id=membership.workspace_id)
    token = tokens.filter(digest=hash_token(prefix_or_raw)).first()
    if token is None:
        matches = list(tokens.filter(prefix=prefix_or_raw[:10], revoked_at__isnull=True)[:2])
        if len(matches) > 1:
            raise Conflict(f"several tokens start with {prefix_or_raw!r}", field="token")
        token = matches[0] if matches else None
    if token is None:
        raise NotFound("token", prefix_or_raw[:10])
    return token


def note_use(token: ApiToken, now: datetime | None = None) -> None:
    """Record that `token` was just used: at most once a minute, and never at a request's cost.

    This is the only write a reading request makes, so it must not make a read wait or fail:
    it runs on its own (autocommit, outside any transaction of the request's), waits at most a
    moment for SQLite's write lock (a long import holds it for minutes), and when the database
    cannot take it (busy, read-only, full) the use is simply not recorded this time.
    """
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at <= LAST_USED_PRECISION:
        return
    update = ApiToken.objects.filter(pk=token.pk)
    try:
        if connection.in_atomic_block:
            # Someone's transaction is open (tests): a savepoint keeps a failure out of it.
            with transaction.atomic():
                update.update(last_used_at=now)
        else:
            with brief_lock_wait():
                update.update(last_used_at=now)
    except DatabaseError as exc:
        logger.info("token %s… last use not recorded: %s", token.prefix, exc)
        return
    token.last_used_at = now
