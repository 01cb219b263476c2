"""Domain events: what happened that people may want to hear of (docs/notifications.md).

The writes that cause one record it in their own transaction (an outbox): it exists exactly
when the change does. The notifications app fans each one out to its recipients and channels
once (`fanned_out` marks it), from a task queued when the transaction commits and from a
periodic sweep that catches any the queue lost. The audit trail (history.Event) is another
table: it records every change, this one the few that are news.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from headway.core.models import choices
from headway.domain.events import Kind


class DomainEvent(models.Model):
    """One event: its kind, the object it is about (by type, id and key, so it outlives a
    deletion), that object's objective, team and owner (who hears it) and what changed."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=48, choices=choices(Kind))
    at = models.DateTimeField()
    subject_type = models.CharField(max_length=32)  # key_result, objective, kpi, cycle, ...
    subject_id = models.BigIntegerField()
    subject_key = models.CharField(max_length=64)
    title = models.CharField(max_length=300)  # the subject's title or name when it happened
    objective = models.ForeignKey(
        "okrs.Objective", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey(
        "teams.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    data = models.JSONField(default=dict, blank=True)  # from/to, milestone, value, confidence
    # Set for events that happen once (a milestone of a key result, a cycle ending): a second
    # recording with the same key is dropped by the unique constraint, even from two workers.
    once = models.CharField(max_length=128, blank=True)
    fanned_out = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "once"],
                condition=~Q(once=""),
                name="events_domainevent_once",
            )
        ]
        indexes = [
            models.Index(fields=["workspace", "-at"]),
            models.Index(
                fields=["id"], condition=Q(fanned_out=False), name="events_domainevent_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_type} {self.subject_key}"


class LastSeen(models.Model):
    """The last status announced for an object (a key result, an objective, a KPI): a status
    depends on the date, so a change is found by comparing with this, on a write and daily."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    subject_type = models.CharField(max_length=32)
    subject_id = models.BigIntegerField()
    status = models.CharField(max_length=16)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id"], name="events_lastseen_subject"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject_type} {self.subject_id}: {self.status}"
