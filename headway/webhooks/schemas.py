"""API schemas of outbound webhooks (docs/webhooks.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Field
from pydantic import GetPydanticSchema
from pydantic_core import core_schema

from headway.api_schemas import InputSchema, OutSchema, one_of, page_schema
from headway.domain.events import Kind
from headway.domain.webhooks import ALL_KINDS, MAX_URL, Format

EVENT_NAMES = [*(kind.value for kind in Kind), ALL_KINDS]
EventName = Annotated[
    str, GetPydanticSchema(lambda _type, _handler: core_schema.literal_schema(EVENT_NAMES))
]
Events = Annotated[
    list[EventName],
    Field(
        min_length=1,
        max_length=len(Kind) + 1,
        description='Event kinds to send (docs/notifications.md), or ["*"] for every kind.',
    ),
]
Url = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_URL,
        pattern=r"^https?://[!-~]+$",  # printable ASCII: a name in another script is punycode
        description=(
            "Where to POST: https (http only with HEADWAY_WEBHOOK_ALLOW_PRIVATE); private, "
            "loopback and link-local addresses are refused (400)."
        ),
    ),
]
FormatName = Annotated[str, one_of(Format)]


class WebhookIn(InputSchema):
    """A webhook: where to send which events, in which format."""

    url: Url
    events: Events
    format: FormatName = Format.STANDARD.value


class WebhookPatch(InputSchema):
    """Changes to a webhook: any subset. `active: true` re-enables a disabled webhook and
    resets its failures; `rotate_secret: true` makes a new secret, shown in this answer only."""

    url: Url | None = None
    events: Events | None = None
    format: FormatName | None = None
    active: bool | None = None
    rotate_secret: bool | None = None


class WebhookOut(OutSchema):
    id: int
    url: str = Field(description="The URL, its path hidden (Slack and Teams keep a secret there).")
    events: list[str]
    format: str
    active: bool
    consecutive_failures: int
    disabled_reason: str
    disabled_at: datetime | None
    created_at: datetime
    created_by: str | None
    secret: str | None = Field(
        None,
        description="The signing secret (whsec_…): only in the answer that creates or rotates it.",
    )


class DeliveryOut(OutSchema):
    id: int
    type: str = Field(description="The event kind, or webhook.test.")
    message_id: str = Field(description="The webhook-id header: the same on every retry.")
    status: str = Field(description="pending, retrying, succeeded or failed.")
    attempts: int
    next_attempt_at: datetime | None
    response_code: int | None = Field(description="The HTTP status of the last attempt.")
    error: str = Field(description="Why the last attempt failed (short).")
    created_at: datetime
    updated_at: datetime


WebhookPage = page_schema(WebhookOut, "WebhookPage")
DeliveryPage = page_schema(DeliveryOut, "DeliveryPage")
