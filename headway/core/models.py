"""Abstract model bases shared by every app."""

from __future__ import annotations

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

from headway.domain.types import Choice


def choices(enum: type[Choice]) -> list[tuple[str, str]]:
    return [(member.value, member.label) for member in enum]


class RowId(models.BigAutoField):  # type: ignore[type-arg]
    """A primary key without SQLite's AUTOINCREMENT, for tables written in bulk.

    AUTOINCREMENT keeps ids of deleted rows from ever coming back by updating the
    sqlite_sequence table on every insert; nothing refers to these rows by id, so that cost
    serves nothing (docs/performance.md, "KPI ingestion"). Other databases are unchanged.
    """

    def db_type_suffix(self, connection: BaseDatabaseWrapper) -> str | None:
        if connection.vendor == "sqlite":
            return None
        suffix: str | None = connection.data_types_suffix.get(self.get_internal_type())
        return suffix


class Timestamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class WorkspaceScoped(Timestamped):
    """An object that belongs to exactly one workspace and is addressed there by its `key`."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "key"],
                name="%(app_label)s_%(class)s_unique_key_per_workspace",
                violation_error_message="This key is already taken in the workspace.",
            )
        ]

    def __str__(self) -> str:
        return self.key
