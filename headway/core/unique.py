"""Unique keys: a save whose key clash becomes a clear 409, and a key no row uses yet."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet

from headway.core.errors import Conflict


def save_unique(obj: models.Model, update_fields: list[str] | None = None) -> None:
    """Save `obj` (only `update_fields`, when given); a clash on a unique key becomes Conflict
    naming the key."""
    try:
        with transaction.atomic():
            obj.save(update_fields=update_fields)
    except IntegrityError as error:
        key = getattr(obj, "key", None)
        text = str(error).lower()
        if key is not None and ("unique" in text or "duplicate" in text):
            # The same words whoever holds the key: it may be an objective the caller cannot
            # see, and nothing may tell what it is (docs/api.md, "Permissions").
            raise Conflict(f"key {key!r} cannot be used: choose another", field="key") from error
        raise


def free_key(queryset: QuerySet[Any], base: str, max_length: int = 56) -> str:
    """`base` (cut to `max_length`), or `base-2`, `base-3`... whichever no row of `queryset`
    uses yet (one query)."""
    base = base[:max_length]
    taken = set(queryset.filter(key__startswith=base).values_list("key", flat=True))
    n, key = 1, base
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key
