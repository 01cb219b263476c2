"""Creating and revoking personal access tokens (shown once, stored as a SHA-256 digest)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from headway.accounts.models import ApiToken, Membership, hash_token
from headway.core.errors import Conflict, Invalid, NotFound
from headway.history.actions import record

TOKEN_PREFIX = "hw_"  # noqa: S105 (not a secret: marks Headway tokens in logs)


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
