"""API: a workspace's outbound webhooks and their delivery logs (admins only)."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router, Status

from headway import access
from headway.api_auth import ApiRequest
from headway.api_schemas import PageParams, changes_of, page_of, paged, responds
from headway.webhooks import actions
from headway.webhooks.models import Delivery, Webhook
from headway.webhooks.schemas import (
    DeliveryOut,
    DeliveryPage,
    WebhookIn,
    WebhookOut,
    WebhookPage,
    WebhookPatch,
)

router = Router()


def webhook_out(webhook: Webhook, *, secret: str | None = None) -> WebhookOut:
    return WebhookOut(
        id=webhook.pk,
        url=actions.masked_url(webhook.url),
        events=webhook.events,
        format=webhook.format,
        active=webhook.active,
        consecutive_failures=webhook.consecutive_failures,
        disabled_reason=webhook.disabled_reason,
        disabled_at=webhook.disabled_at,
        created_at=webhook.created_at,
        created_by=webhook.created_by.username if webhook.created_by else None,
        secret=secret,
    )


def delivery_out(delivery: Delivery) -> DeliveryOut:
    return DeliveryOut(
        id=delivery.pk,
        type=delivery.kind,
        message_id=delivery.message_id,
        status=delivery.status,
        attempts=delivery.attempts,
        next_attempt_at=delivery.next_attempt_at,
        response_code=delivery.last_response_code,
        error=delivery.last_error,
        created_at=delivery.created_at,
        updated_at=delivery.updated_at,
    )


@router.get("/webhooks", response=responds(200, WebhookPage))
def list_webhooks(request: ApiRequest, page: Query[PageParams]) -> dict[str, Any]:
    """The workspace's webhooks, oldest first (admins)."""
    count, rows = page_of(access.webhooks_for(request.auth).select_related("created_by"), page)
    return paged(count, rows, webhook_out)


@router.post("/webhooks", response=responds(201, WebhookOut))
def create_webhook(request: ApiRequest, payload: WebhookIn) -> Status[WebhookOut]:
    """Add a webhook (admins). The answer shows its signing secret, this once."""
    access.webhooks_for(request.auth)
    webhook = actions.create_webhook(
        request.auth.workspace, actor=request.auth.user, **payload.model_dump()
    )
    return Status(201, webhook_out(webhook, secret=webhook.secret))


@router.get("/webhooks/{webhook_id}", response=responds(200, WebhookOut))
def get_webhook(request: ApiRequest, webhook_id: int) -> WebhookOut:
    """One webhook, without its secret (admins)."""
    return webhook_out(access.get_webhook(request.auth, webhook_id))


@router.patch("/webhooks/{webhook_id}", response=responds(200, WebhookOut))
def update_webhook(request: ApiRequest, webhook_id: int, payload: WebhookPatch) -> WebhookOut:
    """Change a webhook; re-enable it (`active: true`) or rotate its secret (admins)."""
    webhook = access.get_webhook(request.auth, webhook_id)
    changes = changes_of(payload)
    webhook = actions.update_webhook(webhook, changes)
    return webhook_out(webhook, secret=webhook.secret if changes.get("rotate_secret") else None)


@router.delete("/webhooks/{webhook_id}", response=responds(204, None))
def delete_webhook(request: ApiRequest, webhook_id: int) -> Status[None]:
    """Remove a webhook and its delivery log (admins)."""
    actions.delete_webhook(access.get_webhook(request.auth, webhook_id))
    return Status(204, None)


@router.post("/webhooks/{webhook_id}/test", response=responds(200, DeliveryOut))
def test_webhook(request: ApiRequest, webhook_id: int) -> DeliveryOut:
    """Send a `webhook.test` ping now and answer how it went (admins)."""
    return delivery_out(actions.send_test(access.get_webhook(request.auth, webhook_id)))


@router.get("/webhooks/{webhook_id}/deliveries", response=responds(200, DeliveryPage))
def list_deliveries(
    request: ApiRequest, webhook_id: int, page: Query[PageParams]
) -> dict[str, Any]:
    """A webhook's delivery log, newest first (admins)."""
    count, rows = page_of(access.deliveries_for(request.auth, webhook_id), page)
    return paged(count, rows, delivery_out)
