"""Saving an edit form: the one write decision, then the app's action, errors on the form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms

from headway import access
from headway.accounts.models import Membership
from headway.core.errors import DomainError
from headway.core.forms import show_error


def save_changes(
    membership: Membership,
    obj: access.Writable,
    form: forms.BaseForm,
    update: Callable[..., object],
) -> bool:
    """Pass the fields the form changed to `update` (an action with the object bound), once
    `access.check_write` allows them. False when the action refuses: its error is on the form."""
    changed: dict[str, Any] = {name: form.cleaned_data[name] for name in form.changed_data}
    access.check_write(membership, obj, changed)
    try:
        update(**changed)
    except DomainError as error:
        show_error(form, error)
        return False
    return True
