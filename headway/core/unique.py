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
            raise Conflict(f"key {key!r} is already taken", field="key") from error
        raise
