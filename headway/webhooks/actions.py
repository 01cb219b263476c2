"""Webhook writes (docs/webhooks.md): managing webhooks, turning domain events into deliveries
(`dispatch`), and sending them (`deliver`), with retries, and disabling after failures.

Concurrency: `dispatch` locks the webhook row while it reads events past the cursor and moves
it, and a delivery is unique per (webhook, event), so two workers never create one twice.
`deliver` claims a delivery with a conditional update before sending, so two workers never
send it twice; a worker that dies mid-send leaves it to be claimed again after CLAIM_FOR.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Max, QuerySet
from django.urls import reverse
from django.utils import timezone
from standardwebhooks.webhooks import Webhook as Signer

from headway.accounts.models import Membership, User, Workspace
from headway.core.errors import Invalid
from headway.domain.types import Role
from headway.domain.webhooks import (
    ALL_KINDS,
    DISABLE_AFTER,
    MAX_ATTEMPTS,
    TEST_KIND,
    Outcome,
    Refused,
    outcome,
    retry_delay,
    subscribed,
    webhook_target,
)
from headway.events.models import DomainEvent
from headway.notifications.mailer import absolute
from headway.webhooks import transport
from headway.webhooks.models import Delivery, Webhook, new_secret
from headway.webhooks.payloads import body_for, event_payload, test_payload

logger = logging.getLogger(__name__)

CHUNK = 500  # events read per webhook per dispatch; the next run takes the rest
LOOKBACK = timedelta(minutes=10)  # how far back a dispatch looks for late commits (see `late`)
DUE_BATCH = 100  # deliveries sent per sweep
CLAIM_FOR = timedelta(minutes=2)  # longer than an attempt can take (transport time-outs)
OPEN = (Delivery.Status.PENDING, Delivery.Status.RETRYING)


# Managing webhooks ---------------------------------------------------------------------------


def checked_url(url: str) -> str:
    """The URL, if the SSRF rule allows it as written; else Invalid naming `url`."""
    try:
        webhook_target(url, allow_private=transport.allow_private())
    except Refused as error:
        raise Invalid("url", str(error)) from error
    return url.strip()


def create_webhook(
    workspace: Workspace, *, actor: User, url: str, events: list[str], format: str
) -> Webhook:
    """A webhook that hears the workspace's events from now on (its cursor starts at the
    newest event)."""
    url = checked_url(url)
    return Webhook.objects.create(
        workspace=workspace,
        url=url,
        events=sorted(set(events)),
        format=format,
        created_by=actor,
        cursor=newest_event_id(),
    )


def newest_event_id() -> int:
    newest: int | None = DomainEvent.objects.aggregate(newest=Max("id"))["newest"]
    return newest or 0


def update_webhook(webhook: Webhook, changes: dict[str, Any]) -> Webhook:
    """Apply a PATCH: url, events, format, active (true re-enables and resets the failures),
    rotate_secret. Nothing is written when the URL is refused."""
    if changes.get("url") is not None:
        webhook.url = checked_url(changes["url"])
    if changes.get("events") is not None:
        webhook.events = sorted(set(changes["events"]))
    if changes.get("format") is not None:
        webhook.format = changes["format"]
    if changes.get("rotate_secret"):
        webhook.secret = new_secret()
    active = changes.get("active")
    if active is True and not webhook.active:
        # Events of while it was disabled are not sent: it listens again from now on.
        webhook.active, webhook.consecutive_failures = True, 0
        webhook.disabled_reason, webhook.disabled_at = "", None
        webhook.cursor, webhook.since = newest_event_id(), timezone.now()
    elif active is False and webhook.active:
        webhook.active, webhook.disabled_at = False, timezone.now()
        webhook.disabled_reason = "Disabled by an admin."
    webhook.save()
    return webhook


def delete_webhook(webhook: Webhook) -> None:
    webhook.delete()  # its deliveries go with it


# Dispatch: events -> deliveries -------------------------------------------------------------


def dispatch(workspace_id: int | None = None) -> int:
    """Create the deliveries of every active webhook (of one workspace, or all) for the events
    past its cursor, and queue their sending; answer how many were created."""
    webhooks = Webhook.objects.filter(active=True)
    if workspace_id is not None:
        webhooks = webhooks.filter(workspace_id=workspace_id)
    created = 0
    for webhook_id in list(webhooks.values_list("id", flat=True)):
        created += dispatch_one(webhook_id)
    return created


def dispatch_one(webhook_id: int) -> int:
    """One webhook's share: events after its cursor (at most CHUNK), in one transaction with
    the webhook row locked, so a second worker waits and then finds the cursor moved."""
    with transaction.atomic():
        webhook = (
            Webhook.objects.select_for_update()
            .select_related("workspace")
            .filter(pk=webhook_id, active=True)
            .first()
        )
        if webhook is None:
            return 0
        now = timezone.now()
        events = DomainEvent.objects.filter(workspace_id=webhook.workspace_id).select_related(
            "objective", "actor"
        )
        fresh = list(events.filter(id__gt=webhook.cursor).order_by("id")[:CHUNK])
        rows = [
            delivery_of(webhook, event, now)
            for event in [*fresh, *late(webhook, events, now)]
            if subscribed(webhook.events, event.kind)
        ]
        Delivery.objects.bulk_create(rows, ignore_conflicts=True)
        if fresh:
            Webhook.objects.filter(pk=webhook.pk).update(cursor=fresh[-1].id)
        if rows:
            transaction.on_commit(queue_due)
    return len(rows)


def late(webhook: Webhook, events: QuerySet[DomainEvent], now: datetime) -> list[DomainEvent]:
    """Events at or below the cursor that have no delivery yet, from the last LOOKBACK.

    Ids are taken when a row is inserted, not when its transaction commits: on PostgreSQL a
    write that commits after a later one can leave its event behind a cursor that has moved
    past it. Events are recorded with the time of the write, so looking back a few minutes
    finds such a straggler; the unique (webhook, event) keeps it from being delivered twice.
    """
    # NOT IN over a column with NULLs matches nothing: leave out the test pings' deliveries.
    delivered = Delivery.objects.filter(webhook=webhook, event__isnull=False).values("event_id")
    rows = events.filter(
        id__lte=webhook.cursor, at__gt=webhook.since, at__gte=now - LOOKBACK
    ).exclude(id__in=delivered)
    if ALL_KINDS not in webhook.events:
        rows = rows.filter(kind__in=webhook.events)
    return list(rows.order_by("id")[:CHUNK])


def delivery_of(webhook: Webhook, event: DomainEvent, now: datetime) -> Delivery:
    return Delivery(
        webhook=webhook,
        event=event,
        kind=event.kind,
        payload=event_payload(event, webhook.workspace.key),
        next_attempt_at=now,
        created_at=now,
        updated_at=now,
    )


def queue_due() -> None:
    from headway.webhooks.tasks import send_due

    send_due()


# Sending ------------------------------------------------------------------------------------


def due(now: datetime) -> list[int]:
    """Ids of the deliveries whose next attempt is due, of active webhooks, oldest first."""
    rows = Delivery.objects.filter(
        status__in=OPEN, next_attempt_at__lte=now, webhook__active=True
    ).order_by("next_attempt_at", "id")
    return list(rows.values_list("id", flat=True)[:DUE_BATCH])


def send_due(now: datetime | None = None) -> int:
    """Send every delivery that is due; answer how many attempts were made."""
    now = now or timezone.now()
    return sum(deliver(pk, now=now) is not None for pk in due(now))


def claim(delivery_id: int, now: datetime) -> Delivery | None:
    """Take a due delivery for one attempt: a conditional update that only one worker wins.
    It counts the attempt and pushes the next one past the attempt's time-out."""
    taken = Delivery.objects.filter(
        pk=delivery_id, status__in=OPEN, next_attempt_at__lte=now, webhook__active=True
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + CLAIM_FOR, updated_at=now)
    if not taken:
        return None
    return Delivery.objects.select_related("webhook__workspace").get(pk=delivery_id)


def signed_request(delivery: Delivery, at: datetime) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one attempt. Every format carries the Standard Webhooks
    headers; Slack and Teams ignore them (their URL is the secret)."""
    text = json.dumps(
        body_for(delivery.webhook.format, delivery.payload),
        separators=(",", ":"),
        ensure_ascii=False,
    )
    signature = Signer(delivery.webhook.secret).sign(delivery.message_id, at, text)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Headway-Webhooks/1",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature,
    }
    return text.encode(), headers


def deliver(delivery_id: int, *, now: datetime | None = None) -> Delivery | None:
    """One attempt at a due delivery, if this worker claims it; answer it as it stands after,
    or None when it was not due or another worker has it."""
    now = now or timezone.now()
    delivery = claim(delivery_id, now)
    if delivery is None:
        return None
    body, headers = signed_request(delivery, now)
    try:
        answer = transport.post(delivery.webhook.url, body, headers)
    except transport.SendError as error:
        status, error_text = None, str(error)
    else:
        status = answer.status
        error_text = "" if 200 <= status <= 299 else f"HTTP {status}: {answer.excerpt}"
    record_attempt(delivery, status, error_text[:300], now)
    return delivery


def record_attempt(delivery: Delivery, status: int | None, error: str, now: datetime) -> None:
    """Store an attempt's result; on a final failure count it against the webhook, and
    disable the webhook after DISABLE_AFTER in a row (or at once on 410 Gone)."""
    result = outcome(status)
    ping = delivery.kind == TEST_KIND
    delay = None if ping else retry_delay(delivery.attempts)
    if result is Outcome.SUCCEEDED:
        delivery.status, delivery.next_attempt_at = Delivery.Status.SUCCEEDED, None
    elif result is Outcome.RETRY and delay is not None:
        delivery.status, delivery.next_attempt_at = Delivery.Status.RETRYING, now + delay
    else:
        delivery.status, delivery.next_attempt_at = Delivery.Status.FAILED, None
    delivery.last_response_code, delivery.last_error, delivery.updated_at = status, error, now
    with transaction.atomic():
        delivery.save(
            update_fields=[
                "status",
                "next_attempt_at",
                "last_response_code",
                "last_error",
                "updated_at",
            ]
        )
        if ping:
            return
        webhook = Webhook.objects.select_for_update().get(pk=delivery.webhook_id)
        if result is Outcome.SUCCEEDED:
            if webhook.consecutive_failures:
                webhook.consecutive_failures = 0
                webhook.save(update_fields=["consecutive_failures", "updated_at"])
            return
        if delivery.status != Delivery.Status.FAILED:
            return
        webhook.consecutive_failures += 1
        reason = ""
        if result is Outcome.GONE:
            reason = "The receiver answered 410 Gone."
        elif webhook.consecutive_failures >= DISABLE_AFTER:
            reason = (
                f"{webhook.consecutive_failures} deliveries in a row failed after "
                f"{MAX_ATTEMPTS} attempts each; the last: {error}"
            )[:300]
        if reason and webhook.active:
            webhook.active, webhook.disabled_reason, webhook.disabled_at = False, reason, now
            transaction.on_commit(lambda: tell_admins_disabled(webhook))
        webhook.save(
            update_fields=[
                "consecutive_failures",
                "active",
                "disabled_reason",
                "disabled_at",
                "updated_at",
            ]
        )


def tell_admins_disabled(webhook: Webhook) -> None:
    """E-mail the workspace's admins that a webhook was disabled, and why."""
    addresses = admin_addresses(webhook.workspace_id)
    if not addresses:
        return
    send_mail(
        subject=f"Headway: a webhook of {webhook.workspace.name} was disabled",
        message=(
            f"The webhook to {masked_url(webhook.url)} was disabled.\n\n"
            f"Why: {webhook.disabled_reason}\n\n"
            "Fix the receiver, then enable the webhook again in Settings > Webhooks: "
            f"{absolute(reverse('webhooks:detail', args=[webhook.pk]))}\n"
        ),
        from_email=None,
        recipient_list=addresses,
        fail_silently=True,
    )


def admin_addresses(workspace_id: int) -> list[str]:
    rows = Membership.objects.filter(workspace_id=workspace_id, role=Role.ADMIN.value)
    return sorted(set(rows.exclude(user__email="").values_list("user__email", flat=True)))


def masked_url(url: str) -> str:
    """A webhook URL with its path hidden: Slack and Teams URLs carry their secret there."""
    try:
        target = webhook_target(url, allow_private=True)
    except Refused:
        return "…"
    host = f"[{target.host}]" if ":" in target.host else target.host
    shown = f"{target.scheme}://{host}"
    default = 443 if target.scheme == "https" else 80
    if target.port != default:
        shown += f":{target.port}"
    return shown + ("/…" if target.path != "/" else "/")


# Test pings ---------------------------------------------------------------------------------


def send_test(webhook: Webhook) -> Delivery:
    """Send a `webhook.test` ping now, once (no retries, not counted as a failure), and
    answer its delivery."""
    now = timezone.now()
    delivery = Delivery.objects.create(
        webhook=webhook,
        kind=TEST_KIND,
        payload=test_payload(webhook.workspace.key, now),
        next_attempt_at=now,
        created_at=now,
        updated_at=now,
    )
    if webhook.active:
        deliver(delivery.pk, now=now)
    else:
        # A disabled webhook is claimed by nobody: say so rather than leave it pending.
        delivery.status, delivery.next_attempt_at = Delivery.Status.FAILED, None
        delivery.last_error = "The webhook is disabled: enable it to send."
        delivery.save()
    delivery.refresh_from_db()
    return delivery
