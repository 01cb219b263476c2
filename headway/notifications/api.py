"""API: the caller's notifications, preferences and follows (docs/notifications.md). A person
sees only their own, in the workspace of their token; following needs seeing the object."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router, Status

from headway import access
from headway.api_auth import ApiRequest
from headway.api_schemas import PageParams, page_of, paged, responds
from headway.core.errors import Invalid
from headway.domain.notify import KINDS, Channel, label, offered
from headway.notifications import actions
from headway.notifications.mailer import absolute
from headway.notifications.messages import path_of, sentence
from headway.notifications.models import Follow, Notification
from headway.notifications.preferences import grid
from headway.notifications.schemas import (
    FollowIn,
    FollowOut,
    FollowPage,
    MarkedOut,
    NotificationOut,
    NotificationPage,
    PreferenceOut,
    PreferencesIn,
    PreferencesOut,
    QuietHoursIO,
    UnreadParams,
)

router = Router(tags=["notifications"])


def email_state(n: Notification) -> str:
    if n.email_sent_at is not None:
        return "sent"
    if n.email_error and n.email_due is None:
        return "failed"
    return "waiting" if n.email_due is not None else "none"


def notification_out(n: Notification) -> NotificationOut:
    event = n.event
    return NotificationOut(
        id=n.pk,
        kind=event.kind,
        title=event.title,
        text=sentence(event),
        subject_type=event.subject_type,
        subject_key=event.subject_key,
        url=absolute(path_of(event)),
        reason=n.reason,
        created=n.created,
        read_at=n.read_at,
        data=event.data,
        email=email_state(n),  # type: ignore[arg-type]
        email_error=n.email_error,
        email_attempts=n.email_attempts,
    )


@router.get("/notifications", response=responds(200, NotificationPage))
def list_notifications(
    request: ApiRequest, filters: Query[UnreadParams], page: Query[PageParams]
) -> dict[str, Any]:
    """The caller's notifications in this workspace, newest first."""
    rows = access.notifications_for(request.auth).select_related("event__objective")
    if filters.unread:
        rows = rows.filter(read_at__isnull=True)
    count, found = page_of(rows.order_by("-created", "-id"), page)
    return paged(count, found, notification_out)


@router.post("/notifications/read-all", response=responds(200, MarkedOut))
def read_all_notifications(request: ApiRequest) -> MarkedOut:
    """Mark every notification of the caller in this workspace read."""
    return MarkedOut(marked=actions.mark_read(access.notifications_for(request.auth)))


@router.post("/notifications/{id}/read", response=responds(200, NotificationOut))
def read_notification(request: ApiRequest, id: int) -> NotificationOut:
    """Mark one of the caller's notifications read."""
    found = access.get_notification(request.auth, id)
    rows = access.notifications_for(request.auth).filter(pk=found.pk)
    actions.mark_read(rows)
    return notification_out(rows.select_related("event__objective").get())


def preferences_out(request: ApiRequest) -> PreferencesOut:
    membership = request.auth
    cells = grid(membership.user_id, membership.workspace_id)
    quiet = actions.quiet_hours_of(membership)
    return PreferencesOut(
        kinds=[
            PreferenceOut(kind=k, label=label(k), in_app=c["in_app"], email=c["email"])
            for k, c in cells.items()
        ],
        quiet_hours=None if quiet is None else QuietHoursIO(start=quiet[0], end=quiet[1]),
    )


@router.get("/notifications/preferences", response=responds(200, PreferencesOut))
def get_preferences(request: ApiRequest) -> PreferencesOut:
    """Every kind with its channels (on, off, or null where the channel does not exist)."""
    return preferences_out(request)


@router.put("/notifications/preferences", response=responds(200, PreferencesOut))
def update_preferences(request: ApiRequest, payload: PreferencesIn) -> PreferencesOut:
    """Change some kinds' channels, and the quiet hours; what is left out keeps its setting."""
    choices: dict[tuple[str, str], bool] = {}
    for kind, channels in payload.kinds.items():
        if kind not in KINDS:
            raise Invalid(f"kinds.{kind}", "unknown kind (see GET /notifications/preferences)")
        for channel in Channel:
            on = getattr(channels, channel.value)
            if on is None:
                continue
            if not offered(kind, channel):
                raise Invalid(f"kinds.{kind}.{channel.value}", "a digest goes by e-mail only")
            choices[(kind, channel.value)] = on
    quiet = actions.quiet_hours_of(request.auth)
    if "quiet_hours" in payload.model_fields_set:
        given = payload.quiet_hours
        quiet = None if given is None else (given.start, given.end)
    actions.save_preferences(request.auth, choices, quiet)
    return preferences_out(request)


def follow_out(f: Follow) -> FollowOut:
    subject = f.objective or f.key_result or f.kpi or f.team
    assert subject is not None  # the check constraint: exactly one
    title = subject.name if f.kpi or f.team else subject.title  # type: ignore[union-attr]
    return FollowOut(id=f.pk, type=f.subject_type, key=subject.key, title=title, created=f.created)


@router.get("/follows", response=responds(200, FollowPage))
def list_follows(request: ApiRequest, page: Query[PageParams]) -> dict[str, Any]:
    """What the caller follows in this workspace, newest first."""
    rows = access.follows_for(request.auth).select_related("objective", "key_result", "kpi", "team")
    count, found = page_of(rows.order_by("-created", "-id"), page)
    return paged(count, found, follow_out)


@router.post("/follows", response=responds(201, FollowOut))
def create_follow(request: ApiRequest, payload: FollowIn) -> Status[FollowOut]:
    """Follow an objective, a key result, a KPI or a team the caller can see (following it
    again answers the same follow)."""
    subject = access.get_followable(request.auth, payload.type, payload.key)
    found = actions.follow(request.auth, subject)
    rows = access.follows_for(request.auth).select_related("objective", "key_result", "kpi", "team")
    return Status(201, follow_out(rows.get(pk=found.pk)))


@router.delete("/follows/{id}", response=responds(204, None))
def delete_follow(request: ApiRequest, id: int) -> Status[None]:
    """Stop following."""
    actions.unfollow(access.get_follow(request.auth, id))
    return Status(204, None)
