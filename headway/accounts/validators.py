"""Validators of account fields, for every place an account is created.

The model field `User.username` carries `validate_username`, so ModelForms, the Django admin
and `headway createsuperuser` apply it; plain forms and importers call it (or the pure rule
`headway.domain.usernames.username_problem`) themselves.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from headway.domain.usernames import username_problem


def validate_username(value: str) -> None:
    """Refuse a username that could pass for another (mixed scripts, non-standard forms)."""
    if problem := username_problem(value):
        raise ValidationError(f"This username {problem}.", code="lookalike_username")
