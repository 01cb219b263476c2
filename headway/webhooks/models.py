"""Outbound webhooks (docs/webhooks.md): where a workspace's events are POSTed, and the log of
each delivery."""

from __future__ import annotations

import base64
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from headway.core.models import Timestamped, choices
from headway.domain.webhooks import MAX_URL, Format


def new_secret() -> str:
    """A signing secret as the Standard Webhooks libraries read it: `whsec_` + base64 of 32
    random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def new_message_id() -> str:
    """The `webhook-id` of a delivery: the same on every retry, so receivers can deduplicate."""
    return f"msg_{uuid.uuid4().hex}"


class Webhook(Timestamped):
    """A URL that hears the workspace's events of the kinds in `events` (or "*": all), in one
    of three formats. `cursor` is the id of the last domain event considered: a new (or
    re-enabled) webhook starts at the newest event, so it hears nothing from before."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    url = models.CharField(max_length=MAX_URL)
    events = models.JSONField(default=list)
    format = models.CharField(max_length=16, choices=choices(Format), default=Format.STANDARD)
    secret = models.CharField(max_length=100, default=new_secret)
    active = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_reason = models.CharField(max_length=300, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cursor = models.BigIntegerField(default=0)
    since = models.DateTimeField(default=timezone.now)  # listening since: made or re-enabled

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["workspace", "active"])]

    def __str__(self) -> str:
        return f"{self.format} webhook {self.pk}"


class Delivery(models.Model):
    """One event (or test ping) for one webhook: its payload as built when the event was
    dispatched, and where its sending stands. `next_attempt_at` is also the claim: a worker
    that takes a delivery moves it past the attempt's time-out, so no other takes it."""

    class Status(models.TextChoices):
        PENDING = "pending"
        RETRYING = "retrying"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(
        "events.DomainEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=48)
    message_id = models.CharField(max_length=40, default=new_message_id, unique=True)
    payload = models.JSONField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_response_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["webhook", "event"], name="webhooks_delivery_once_per_event"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "retrying"]),
                name="webhooks_delivery_due",
            ),
            models.Index(fields=["webhook", "-created_at"]),
        ]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.kind} to webhook {self.webhook_id}: {self.status}"
