"""API schemas of the notifications app (docs/notifications.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator

from headway.api_schemas import InputSchema, OutSchema, RefKey, json_number, page_schema


class NotificationOut(OutSchema):
    """One inbox entry: the event, why the caller hears it, and its e-mail's state."""

    id: int
    kind: str
    title: str
    text: str
    subject_type: str
    subject_key: str
    url: str
    reason: str
    created: datetime
    read_at: datetime | None
    data: dict[str, object]
    email: Literal["none", "waiting", "sent", "failed"]
    email_error: str
    email_attempts: int


NotificationPage = page_schema(NotificationOut, "NotificationPage")


class UnreadParams(Schema):
    unread: bool = Field(False, description="Only the unread ones.")


class MarkedOut(OutSchema):
    marked: int


# Field(...) before the validator, so that minimum and maximum reach the OpenAPI schema.
Hour = Annotated[
    int,
    Field(ge=0, le=23, description="An hour of the day, 0 to 23."),
    BeforeValidator(json_number),
]
Switch = Annotated[bool | None, Field(strict=True)]


class QuietHoursIO(InputSchema):
    """E-mails wait from `start`:00 to `end`:00 in the workspace's time zone (22 to 7 spans
    midnight)."""

    start: Hour
    end: Hour


class ChannelsIO(InputSchema):
    """On or off per channel; null where the channel does not exist for the kind (a digest in
    the app). In a PUT, a channel left out keeps its setting."""

    in_app: Switch = None
    email: Switch = None


class PreferenceOut(OutSchema):
    kind: str
    label: str
    in_app: bool | None
    email: bool | None


class PreferencesOut(OutSchema):
    kinds: list[PreferenceOut]
    quiet_hours: QuietHoursIO | None


class PreferencesIn(InputSchema):
    """The kinds to change (by name), and the quiet hours (null: none). A kind left out keeps
    its settings; leaving out `quiet_hours` keeps them too."""

    kinds: dict[str, ChannelsIO] = Field(default_factory=dict, max_length=64)
    quiet_hours: QuietHoursIO | None = None


class FollowIn(InputSchema):
    type: Literal["objective", "key_result", "kpi", "team"]
    key: RefKey


class FollowOut(OutSchema):
    id: int
    type: str
    key: str
    title: str
    created: datetime


FollowPage = page_schema(FollowOut, "FollowPage")
