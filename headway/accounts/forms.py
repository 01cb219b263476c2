"""Forms for signing in and choosing a workspace."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from headway.domain.types import Role


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
    role = forms.ChoiceField(choices=[(r.value, r.label) for r in Role])


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, required=False, label="Token name")
    expires_in_days = forms.IntegerField(
        required=False, min_value=1, max_value=3650, label="Expires in (days)",
        help_text="Leave empty for a token that does not expire.",
    )  # fmt: skip
