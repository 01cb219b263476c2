"""Saving with unique constraints turned into a clear 409 instead of an IntegrityError."""

from __future__ import annotations

from django.db import IntegrityError, models, transaction

from headway.core.errors import Conflict


def save_unique(obj: models.Model) -> None:
    """Save `obj`; a clash on a unique key becomes Conflict naming the key."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as error:
        key = getattr(obj, "key", None)
        text = str(error).lower()
        if key is not None and ("unique" in text or "duplicate" in text):
            # The same words whoever holds the key: it may be an objective the caller cannot
            # see, and nothing may tell what it is (docs/api.md, "Permissions").
            raise Conflict(f"key {key!r} cannot be used: choose another", field="key") from error
        raise
