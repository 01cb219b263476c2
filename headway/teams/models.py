"""The team tree: company → departments → teams."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from headway.core.models import WorkspaceScoped
from headway.domain.types import TeamKind


class Team(WorkspaceScoped):
    """A node of the organisation tree. The root is usually the company."""

    name = models.CharField(max_length=200)
    kind = models.CharField(
        max_length=16, choices=[(k.value, k.label) for k in TeamKind], default=TeamKind.TEAM.value
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_teams",
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="teams")

    class Meta(WorkspaceScoped.Meta):
        ordering = ["name"]
        indexes = [
            # The pickers' names starting with the typed text, in any case (pages.pickers).
            models.Index("workspace", Lower("name"), name="teams_team_by_lower_name"),
        ]

    def __str__(self) -> str:
        return self.name
