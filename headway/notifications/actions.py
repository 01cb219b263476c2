"""Changes a person makes to their own notifications and follows (docs/notifications.md)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from headway.accounts.models import Membership
from headway.kpis.models import KPI
from headway.notifications import preferences
from headway.notifications.models import Follow, Notification
from headway.okrs.models import KeyResult, Objective
from headway.teams.models import Team

FIELD = {Objective: "objective", KeyResult: "key_result", KPI: "kpi", Team: "team"}


def mark_read(rows: QuerySet[Notification], *, now: datetime | None = None) -> int:
    """Mark the unread ones of `rows` read (one query); answer how many were unread."""
    return rows.filter(read_at__isnull=True).update(read_at=now or timezone.now())


def follow(membership: Membership, subject: Objective | KeyResult | KPI | Team) -> Follow:
    """The caller follows `subject` (already checked visible); following twice is one follow."""
    found = following(membership, subject)
    if found is not None:
        return found
    lookup = {
        "workspace_id": membership.workspace_id,
        "user_id": membership.user_id,
        FIELD[type(subject)]: subject,
    }
    try:
        with transaction.atomic():
            return Follow.objects.create(**lookup)
    except IntegrityError:  # followed at the same moment from elsewhere
        return Follow.objects.get(**lookup)


def unfollow(found: Follow) -> None:
    found.delete()


def following(membership: Membership, subject: Objective | KeyResult | KPI | Team) -> Follow | None:
    """The caller's follow of `subject`, if any (one query)."""
    field = FIELD[type(subject)]
    return Follow.objects.filter(
        workspace_id=membership.workspace_id, user_id=membership.user_id, **{field: subject}
    ).first()


def quiet_hours_of(membership: Membership) -> tuple[int, int] | None:
    return preferences.quiet_hours(membership.user_id, membership.workspace_id)


def save_preferences(
    membership: Membership,
    choices: Mapping[tuple[str, str], bool],
    quiet: tuple[int, int] | None,
) -> None:
    """Store the caller's preferences and quiet hours in this workspace, together."""
    with transaction.atomic():
        preferences.set_preferences(membership.user_id, membership.workspace_id, choices)
        preferences.set_quiet_hours(membership.user_id, membership.workspace_id, quiet)
