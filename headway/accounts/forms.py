"""Forms for signing in, roles, tokens, adding or inviting members, and new workspaces."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.validators import UnicodeUsernameValidator

from headway.accounts.models import User
from headway.accounts.validators import validate_username
from headway.core.forms import DateInput
from headway.domain.rhythm import MAX_GRACE_HOURS, WEEKDAYS
from headway.domain.types import Role

ROLE_CHOICES = [(r.value, r.label) for r in Role]


class SignInForm(AuthenticationForm):
    """Username or email address, and password (throttled by django-axes)."""

    username = forms.CharField(
        label="Username or email",
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "This username or email and password do not match. Check both and "
        "try again (the password is case-sensitive).",
    }


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=ROLE_CHOICES)


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, required=False, label="Token name")
    expires_in_days = forms.IntegerField(
        required=False, min_value=1, max_value=3650, label="Expires in (days)",
        help_text="Leave empty for a token that does not expire.",
    )  # fmt: skip


class AddMemberForm(forms.Form):
    """An existing user, found by username or email, joins the workspace."""

    login = forms.CharField(max_length=254, label="Username or email")
    role = forms.ChoiceField(choices=ROLE_CHOICES, initial=Role.MEMBER.value)

    def clean_login(self) -> User:
        login = self.cleaned_data["login"].strip()
        field = "email__iexact" if "@" in login else "username__iexact"
        users = list(User.objects.filter(**{field: login})[:2])
        if not users:
            raise forms.ValidationError("No user has this username or email. Create one below.")
        if len(users) > 1:
            raise forms.ValidationError("Several users have this email: give the username.")
        return users[0]


class InviteForm(forms.Form):
    """Someone, by username or e-mail, is invited; the answer never says whether they exist."""

    login = forms.CharField(max_length=254, label="Username or email")
    role = forms.ChoiceField(choices=ROLE_CHOICES, initial=Role.MEMBER.value)


class RhythmForm(forms.Form):
    """The workspace's check-in day, hour and reminder grace (checked by
    actions.set_check_in_rhythm, which names the field of any value out of range)."""

    check_in_weekday = forms.TypedChoiceField(
        label="Check-in day", coerce=int, choices=list(enumerate(WEEKDAYS))
    )
    check_in_hour = forms.TypedChoiceField(
        label="Check-in hour",
        coerce=int,
        choices=[(hour, f"{hour:02d}:00") for hour in range(24)],
        help_text="In the workspace's time zone.",
    )
    reminder_grace_hours = forms.IntegerField(
        label="Second reminder after (hours)",
        min_value=0,
        max_value=MAX_GRACE_HOURS,
        help_text="0 sends no second reminder.",
    )


def this_quarter(day: date) -> tuple[str, date, date]:
    """The name, first and last day of the calendar quarter of `day`."""
    quarter = (day.month - 1) // 3
    start = date(day.year, 3 * quarter + 1, 1)
    end_month = 3 * quarter + 3
    end = date(day.year, end_month, 31 if end_month in (3, 12) else 30)
    return f"Q{quarter + 1} {day.year}", start, end


class WorkspaceForm(forms.Form):
    """A new workspace and its first cycle (checked by actions.create_workspace)."""

    name = forms.CharField(max_length=200, label="Workspace name")
    timezone = forms.ChoiceField(
        label="Time zone",
        initial="UTC",
        help_text="Dates (today, check-in weeks) are counted here.",
    )
    cycle_name = forms.CharField(max_length=200, label="First cycle")
    cycle_start = forms.DateField(label="Cycle starts", widget=DateInput())
    cycle_end = forms.DateField(label="Cycle ends", widget=DateInput())

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zones = sorted(available_timezones())
        self.fields["timezone"].choices = [(zone, zone) for zone in zones]  # type: ignore[attr-defined]
        name, start, end = this_quarter(today)
        self.initial.update({"cycle_name": name, "cycle_start": start, "cycle_end": end})


class NewUserForm(forms.Form):
    """A new account with an initial password (checked by the configured validators)."""

    username = forms.CharField(
        max_length=150, validators=[UnicodeUsernameValidator(), validate_username]
    )
    name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField()
    password = forms.CharField(
        label="Initial password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    role = forms.ChoiceField(choices=ROLE_CHOICES, initial=Role.MEMBER.value)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        help_texts = password_validation.password_validators_help_texts()
        self.fields["password"].help_text = " ".join(help_texts)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "password" in data:
            try:
                password_validation.validate_password(data["password"], self.unsaved_user(data))
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data

    @staticmethod
    def unsaved_user(data: dict[str, Any]) -> User:
        return User(
            username=data.get("username", ""),
            name=data.get("name", ""),
            email=data.get("email", ""),
        )

    def user(self) -> User:
        """The new user, not saved yet, with the password hashed."""
        user = self.unsaved_user(self.cleaned_data)
        user.set_password(self.cleaned_data["password"])
        return user
