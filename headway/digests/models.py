"""Digests (docs/digests.md): one row per person, digest kind and period, claimed before the
message is built and sent, so a retried job or a second worker sends it once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from headway.domain.notify import Digest


class DigestSend(models.Model):
    """The digest of `kind` for `period` (an ISO week, a month, a cycle key) to one person.

    A sender claims the row (`claimed_at`) with a conditional update before building and
    sending it; `sent_at` is set once it went, or once it was found empty (`empty`: nothing to
    tell, nothing sent). A failure records its error and the attempts, and `retry_at` says
    when the next run may try again (domain.notify.retry_after); once the retries are spent
    the row keeps its error and the digest is not sent."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32, choices=[(d.value, d.label) for d in Digest])
    period = models.CharField(max_length=64)
    created = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    empty = models.BooleanField(default=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "user", "kind", "period"], name="digests_digestsend_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["workspace", "kind", "period"],
                condition=Q(sent_at__isnull=True),
                name="digests_digestsend_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.period} for {self.user_id}"
