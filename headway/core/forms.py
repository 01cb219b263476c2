"""Helpers shared by the page forms: keys for new objects, domain errors shown on fields, and
pickers over the sets that grow with the organisation."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import slugify

from headway.core.errors import Conflict, DomainError, Invalid
from headway.core.unique import free_key


def unique_key(queryset: QuerySet[Model], text: str, *, fallback: str, max_length: int = 48) -> str:
    """A readable key from `text` that no row of `queryset` (one workspace) uses yet."""
    return free_key(queryset, slugify(text)[:max_length].strip("-") or fallback)


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


class PickerInput(forms.TextInput):
    """A text input for a key or a username. With HTMX, typing fetches up to 20 suggestions
    from `source` (a URL name: see headway/pages/pickers.py) into the input's <datalist>."""

    def __init__(self, source: str, placeholder: str = "key") -> None:
        super().__init__(
            attrs={"autocomplete": "off", "spellcheck": "false", "placeholder": placeholder}
        )
        self.source = source
        self.params: dict[str, str] = {}  # more for `source`, set by the form

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        attrs = dict(attrs or {})
        options = f"{attrs.get('id') or name}_options"
        attrs |= {
            "list": options,
            "hx-get": f"{reverse(self.source)}?{urlencode({'field': name, **self.params})}",
            "hx-trigger": "input changed delay:250ms",
            "hx-target": f"#{options}",
            "hx-swap": "innerHTML",  # not what its form may set for its own answer
            "hx-sync": "this:replace",
        }
        field = super().render(name, value, attrs, renderer)
        return format_html('{}<datalist id="{}"></datalist>', field, options)


class PickerField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """One object of a set that grows with the organisation, typed by its key (or username):
    valid only within the field's queryset, which the form scopes through headway.access.
    Unknown and not allowed answer the same error, naming what was asked for."""

    def __init__(self, source: str, *, noun: str, to_field_name: str = "key", **kwargs: Any):
        super().__init__(
            queryset=None,
            to_field_name=to_field_name,
            widget=PickerInput(source, placeholder=to_field_name),
            error_messages={"invalid_choice": f"There is no {noun} “%(value)s” you may choose."},
            **kwargs,
        )


class PickerListInput(forms.TextInput):
    """Usernames (or keys) separated by commas or spaces, read as a list."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        return [part for part in re.split(r"[\s,]+", data.get(name, "")) if part]

    def format_value(self, value: Any) -> str | None:
        return ", ".join(value) if isinstance(value, list | tuple) else value


class PickerListField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Several objects of a set that grows with the organisation, typed as a list of keys (or
    usernames), each checked as PickerField checks one."""

    def __init__(self, *, noun: str, to_field_name: str = "key", **kwargs: Any):
        super().__init__(
            queryset=None,
            to_field_name=to_field_name,
            widget=PickerListInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            error_messages={"invalid_choice": f"There is no {noun} “%(value)s” you may choose."},
            **kwargs,
        )
