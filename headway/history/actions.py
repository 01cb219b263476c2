"""Writing the audit trail. Every action that changes an object calls `record`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.db import models
from django.utils import timezone

from headway.accounts.models import User, Workspace
from headway.core.unique import save_unique
from headway.history.models import Event


def plain(value: Any) -> Any:
    """A field value as JSON: related objects by key (or username), dates as ISO text."""
    if isinstance(value, User):
        return value.username
    if isinstance(value, models.Model):
        return getattr(value, "key", value.pk)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def assign(obj: models.Model, values: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Set attributes on `obj`; return {field: [old, new]} for those that really changed."""
    changes: dict[str, list[Any]] = {}
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            changes[name] = [plain(old), plain(new)]
            setattr(obj, name, new)
    return changes


def event(
    workspace: Workspace,
    *,
    actor: User | None,
    verb: str,
    subject: models.Model,
    changes: Mapping[str, Any] | None = None,
    summary: str = "",
    via: str = "",
    objective_id: int | None = None,
    team_id: int | None = None,
) -> Event:
    """An unsaved event about `subject` (bulk writers collect these and bulk_create them)."""
    subject_type = subject._meta.model_name or ""
    return Event(
        workspace=workspace,
        actor=actor,
        at=timezone.now(),
        verb=verb,
        subject_type={"keyresult": "key_result", "checkin": "check_in"}.get(
            subject_type, subject_type
        ),
        subject_key=str(getattr(subject, "key", subject.pk)),
        summary=summary[:300],
        changes=dict(changes or {}),
        via=via,
        objective_id=objective_id,
        team_id=team_id,
    )


def record(workspace: Workspace, **kwargs: Any) -> Event:
    """Save one event (see `event` for the arguments)."""
    created = event(workspace, **kwargs)
    created.save()
    return created


def context_of(subject: models.Model) -> dict[str, int | None]:
    """The objective and team an event about `subject` belongs to (for feeds and histories)."""
    name = subject._meta.model_name
    objective: Any = None
    if name == "objective":
        objective = subject
    elif name in {"keyresult", "initiative"}:
        objective = subject.objective  # type: ignore[attr-defined]
    elif name == "checkin":
        objective = subject.key_result.objective  # type: ignore[attr-defined]
    elif name == "dependency":
        source = subject.objective or subject.key_result.objective  # type: ignore[attr-defined]
        objective = source
    if objective is not None:
        return {"objective_id": objective.pk, "team_id": objective.team_id}
    if name == "team":
        return {"objective_id": None, "team_id": subject.pk}
    return {"objective_id": None, "team_id": getattr(subject, "team_id", None)}


def save_created(subject: models.Model, *, actor: User | None, via: str) -> None:
    """Save a new object and record its creation with every field it was given."""
    save_unique(subject)
    fields = {
        f.name: plain(getattr(subject, f.name))
        for f in subject._meta.concrete_fields
        if f.name not in {"id", "workspace", "created_at", "updated_at", "frozen_figures"}
    }
    record(
        subject.workspace,  # type: ignore[attr-defined]
        actor=actor,
        verb="created",
        subject=subject,
        changes=fields,
        summary=str(subject),
        via=via,
        **context_of(subject),
    )


def save_changed(
    subject: models.Model, values: Mapping[str, Any], *, actor: User | None, via: str
) -> dict[str, list[Any]]:
    """Apply `values`, save, and record what changed (nothing is written when nothing changed)."""
    changes = assign(subject, values)
    if changes:
        save_unique(subject)
        record(
            subject.workspace,  # type: ignore[attr-defined]
            actor=actor,
            verb="updated",
            subject=subject,
            changes=changes,
            summary=str(subject),
            via=via,
            **context_of(subject),
        )
    return changes


def delete_recorded(subject: models.Model, *, actor: User | None, via: str) -> None:
    """Record the deletion (before the row goes, while its context is known), then delete."""
    context = context_of(subject)
    if subject._meta.model_name == "objective":
        context["objective_id"] = None  # the row is about to disappear
    record(
        subject.workspace,  # type: ignore[attr-defined]
        actor=actor,
        verb="deleted",
        subject=subject,
        summary=str(subject),
        via=via,
        **context,
    )
    subject.delete()
