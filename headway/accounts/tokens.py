"""Creating and revoking personal access tokens (shown once, stored as a SHA-256 digest)."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from headway.accounts.models import ApiToken, Membership, hash_token
from headway.core.database import brief_lock_wait
from headway.core.errors import Conflict, Invalid, NotFound
from headway.history.actions import record

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "hw_"  # noqa: S105 (not a secret: marks Headway tokens in logs)
# Writing last_used_at on every request would turn every read into a write: once a minute is
# enough to tell which tokens are in use.
LAST_USED_PRECISION = timedelta(minutes=1)


@transaction.atomic
def create_token(
    membership: Membership,
    *,
    actor: Membership | None,
    name: str = "",
    expires_in_days: int | None = None,
    via: str = "",
) -> tuple[ApiToken, str]:
    """A new token for `membership`; returns the row and the only copy of the raw token."""
    if expires_in_days is not None and expires_in_days < 1:
        raise Invalid("expires", "must be at least 1 day")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        workspace_id=membership.workspace_id,
        user_id=membership.user_id,
        name=name,
        prefix=raw[:10],
        digest=hash_token(raw),
        expires_at=(timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None),
    )
    record(
        membership.workspace,
        actor=actor.user if actor else None,
        verb="created",
        subject=token,
        changes={"user": membership.user.username, "name": name, "prefix": token.prefix},
        summary=f"API token {token.prefix}… for {membership.user.username}",
        via=via,
    )
    return token, raw


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


@transaction.atomic
def revoke_token(token: ApiToken, *, actor: Membership | None, via: str = "") -> ApiToken:
    """Revoke a token at once; revoking twice is harmless."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(
            token.workspace,
            actor=actor.user if actor else None,
            verb="revoked",
            subject=token,
            summary=f"API token {token.prefix}…",
            via=via,
        )
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
