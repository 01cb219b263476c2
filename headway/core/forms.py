"""Helpers shared by the page forms: keys for new objects, domain errors shown on fields."""

from __future__ import annotations

from django import forms
from django.db.models import Model, QuerySet
from django.utils.text import slugify

from headway.core.errors import Conflict, DomainError, Invalid


def unique_key(queryset: QuerySet[Model], text: str, *, fallback: str, max_length: int = 48) -> str:
    """A readable key from `text` that no row of `queryset` (one workspace) uses yet."""
    base = slugify(text)[:max_length].strip("-") or fallback
    taken = set(queryset.filter(key__startswith=base).values_list("key", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def show_error(form: forms.BaseForm, error: DomainError) -> None:
    """Put a domain error next to the field it names (or above the form)."""
    field = getattr(error, "field", None)
    message = error.reason if isinstance(error, Invalid) else error.message
    if isinstance(error, Conflict | Invalid) and field in form.fields:
        form.add_error(field, message)
    else:
        form.add_error(None, error.message)


class DateInput(forms.DateInput):
    input_type = "date"
