"""The audit trail: one table of change events for every object in a workspace.

One events table rather than a history table per model (django-simple-history): the activity
feed of a team and the history of an objective are each one indexed query, batch writes (plan
imports, KPI ingestion) record one row per changed object with bulk_create, and every row is
scoped to its workspace like everything else. docs/history.md says more.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Event(models.Model):
    """Who changed what, when: `changes` maps each field to [old, new]."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(db_index=True)
    verb = models.CharField(max_length=32)  # created, updated, deleted, checked_in, closed, ...
    subject_type = models.CharField(max_length=32)  # objective, key_result, kpi, ...
    subject_key = models.CharField(max_length=64)
    summary = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    # Indexed with the time below: an objective's or a team's latest events are read by those.
    objective = models.ForeignKey(
        "okrs.Objective",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        db_index=False,
    )
    team = models.ForeignKey(
        "teams.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        db_index=False,
    )
    via = models.CharField(max_length=16, blank=True)  # web, api, import, cli

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["workspace", "subject_type", "subject_key"]),
            models.Index(fields=["workspace", "-at"]),
            # Without them SQLite reads a workspace's events newest first to find one objective's.
            models.Index(fields=["objective", "-at"]),
            models.Index(fields=["team", "-at"]),
        ]

    def __str__(self) -> str:
        return f"{self.verb} {self.subject_type} {self.subject_key}"

    @property
    def sentence(self) -> str:
        """What happened, as the middle of a sentence: 'checked in on the key result'."""
        verb = VERB_PHRASES.get(self.verb, self.verb.replace("_", " "))
        noun = SUBJECT_NOUNS.get(self.subject_type, self.subject_type.replace("_", " "))
        return f"{verb} the {noun}"


VERB_PHRASES = {
    "checked_in": "checked in on",
    "check_ins_recorded": "recorded check-ins on",
    "values_recorded": "recorded values of",
    "joined": "added",
    "invited": "sent",  # "Ada sent the invitation sam as member"
}
SUBJECT_NOUNS = {
    "key_result": "key result",
    "check_in": "check-in",
    "kpi": "KPI",
    "apitoken": "API token",
    "membership": "member",
    "user": "member",
}
