"""Notifications (docs/notifications.md): what each person heard of, in the inbox and by
e-mail; their preferences, quiet hours and follows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from headway.domain.notify import Channel, Reason
from headway.domain.notify import label as kind_label


class Notification(models.Model):
    """One event as one person hears it: an inbox entry, and the state of its e-mail.

    `email_due` is set when the person gets it by e-mail, at the moment it may go out (after
    their quiet hours, or the next retry); `email_sent_at` once it went. A sender claims the
    row (`email_claimed_at`) before sending, so two workers never send it twice; a failure
    leaves its error and the attempts made, shown beside the entry."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.ForeignKey(
        "events.DomainEvent", on_delete=models.CASCADE, related_name="notifications"
    )
    reason = models.CharField(max_length=16, choices=[(r.value, r.label) for r in Reason])
    in_app = models.BooleanField(default=True)  # shown in the inbox
    created = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    email_due = models.DateTimeField(null=True, blank=True)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=500, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "recipient"], name="notifications_notification_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["recipient", "workspace", "-created", "-id"],
                condition=Q(in_app=True),
                name="notifications_inbox",
            ),
            models.Index(
                fields=["recipient", "workspace"],
                condition=Q(in_app=True, read_at__isnull=True),
                name="notifications_unread",
            ),
            models.Index(
                fields=["email_due"],
                condition=Q(email_due__isnull=False, email_sent_at__isnull=True),
                name="notifications_email_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} for {self.recipient_id}"


class Preference(models.Model):
    """A person's choice for one kind on one channel in one workspace; only choices that differ
    from the default (domain.notify.default) are stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=48)
    channel = models.CharField(max_length=16, choices=[(c.value, c.label) for c in Channel])
    enabled = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "workspace", "kind", "channel"],
                name="notifications_preference_once",
            )
        ]

    def __str__(self) -> str:
        state = "on" if self.enabled else "off"
        return f"{kind_label(self.kind)} by {self.channel}: {state}"


class QuietHours(models.Model):
    """A person's quiet hours in one workspace, in its time zone: e-mails wait until they end
    (from `start` to `end`, whole hours; 22 to 7 spans midnight). The inbox is immediate."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    start_hour = models.PositiveSmallIntegerField()
    end_hour = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "workspace"], name="notifications_quiethours_once"
            ),
            models.CheckConstraint(
                condition=Q(start_hour__lte=23, end_hour__lte=23),
                name="notifications_quiethours_hours",
                violation_error_message="Hours go from 0 to 23.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start_hour}:00-{self.end_hour}:00"


FOLLOWABLE = ("objective", "key_result", "kpi", "team")


class Follow(models.Model):
    """A person follows an objective, a key result, a KPI or a team: they hear of its events
    (a team's: every event of its objectives and KPIs). Exactly one of the four is set."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    objective = models.ForeignKey(
        "okrs.Objective", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    key_result = models.ForeignKey(
        "okrs.KeyResult", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kpi = models.ForeignKey(
        "kpis.KPI", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey(
        "teams.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(objective__isnull=False, key_result=None, kpi=None, team=None)
                    | Q(objective=None, key_result__isnull=False, kpi=None, team=None)
                    | Q(objective=None, key_result=None, kpi__isnull=False, team=None)
                    | Q(objective=None, key_result=None, kpi=None, team__isnull=False)
                ),
                name="notifications_follow_one_subject",
                violation_error_message="Follow exactly one objective, key result, KPI or team.",
            ),
            *(
                models.UniqueConstraint(
                    fields=["user", what],
                    condition=Q(**{f"{what}__isnull": False}),
                    name=f"notifications_follow_{what}_once",
                )
                for what in FOLLOWABLE
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.subject_type} {self.subject_id}"

    @property
    def subject_type(self) -> str:
        return next(what for what in FOLLOWABLE if getattr(self, f"{what}_id") is not None)

    @property
    def subject_id(self) -> int:
        found: int = getattr(self, f"{self.subject_type}_id")
        return found
