"""Users, workspaces (tenants), memberships with a role, and API tokens."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from headway.accounts.validators import validate_username
from headway.domain.rhythm import (
    DEFAULT_GRACE_HOURS,
    DEFAULT_HOUR,
    DEFAULT_WEEKDAY,
    WEEKDAYS,
    Rhythm,
)
from headway.domain.types import Role


class User(AbstractUser):
    """A person. `name` is the display name; `username` is what plan files refer to."""

    # AbstractUser's field, plus the look-alike rule: every form built from the model, the
    # admin and `createsuperuser` refuse `olivia` spelt with a Cyrillic o.
    username = models.CharField(
        "username",
        max_length=150,
        unique=True,
        help_text="Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.",
        validators=[AbstractUser.username_validator, validate_username],
        error_messages={"unique": "A user with that username already exists."},
    )
    name = models.CharField(max_length=150, blank=True)

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined,misc]
        indexes = [
            # The people picker's names starting with the typed text, in any case (pages.pickers).
            models.Index(Lower("name"), name="accounts_user_by_lower_name"),
        ]

    def __str__(self) -> str:
        return self.name or self.username

    @property
    def display_name(self) -> str:
        return self.name or self.username


class Workspace(models.Model):
    """A tenant: every other object belongs to exactly one workspace."""

    key = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    timezone = models.CharField(max_length=64, default="UTC")
    # The weekly check-in rhythm (docs/rhythm.md): check-ins are due on this weekday (0 Monday
    # … 6 Sunday) at this hour of the workspace's time zone, when the first reminder goes to
    # owners who have not checked in that week; the second one this many hours later (0: none).
    check_in_weekday = models.PositiveSmallIntegerField(
        default=DEFAULT_WEEKDAY, choices=list(enumerate(WEEKDAYS))
    )
    check_in_hour = models.PositiveSmallIntegerField(default=DEFAULT_HOUR)
    reminder_grace_hours = models.PositiveSmallIntegerField(default=DEFAULT_GRACE_HOURS)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name

    @property
    def rhythm(self) -> Rhythm:
        return Rhythm(self.check_in_weekday, self.check_in_hour, self.reminder_grace_hours)


class Membership(models.Model):
    """A user's role in one workspace."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(
        max_length=16, choices=[(r.value, r.label) for r in Role], default=Role.MEMBER.value
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "workspace"],
                name="accounts_membership_unique_user_per_workspace",
                violation_error_message="This user is already a member of the workspace.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace} ({self.role})"

    @property
    def role_enum(self) -> Role:
        return Role(self.role)


def hash_token(raw: str) -> str:
    """Tokens are stored as SHA-256 digests: they are long random strings, so no salt is needed."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal access token: one user in one workspace, shown once, stored hashed."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="api_tokens")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12, help_text="First characters, to recognise a token.")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name or 'unnamed'})"

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class Invitation(models.Model):
    """An admin's offer of a role in a workspace to whoever signs in with `login`.

    `login` is the username or e-mail address the admin typed (lower-cased). `user` is the one
    account it named when it was made (None when it named no account, or several): only that
    account sees it, when signed in, and accepts or declines it; an account created later with
    that address does not. The admin sees the same pending invitation either way, so inviting
    says nothing about which accounts exist.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        REVOKED = "revoked", "Revoked"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invitations")
    login = models.CharField(max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="invitations"
    )
    role = models.CharField(
        max_length=16, choices=[(r.value, r.label) for r in Role], default=Role.MEMBER.value
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "login"],
                condition=models.Q(state="pending"),
                name="accounts_invitation_one_pending_per_login",
                violation_error_message="This username or e-mail is already invited.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.login} to {self.workspace} ({self.role}, {self.state})"
