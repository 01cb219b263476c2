"""The webhook form of the Settings > Webhooks page (validation only)."""

from __future__ import annotations

from django import forms

from headway.core.models import choices
from headway.domain.events import Kind
from headway.domain.webhooks import ALL_KINDS, MAX_URL, Format


class WebhookForm(forms.Form):
    url = forms.CharField(
        label="URL",
        max_length=MAX_URL,
        required=False,
        help_text="https only; private and loopback addresses are refused.",
        widget=forms.URLInput(attrs={"placeholder": "https://", "autocomplete": "off"}),
    )
    events = forms.MultipleChoiceField(
        choices=[(ALL_KINDS, "Every event, those added later too"), *choices(Kind)],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event."},
    )
    format = forms.ChoiceField(
        choices=[
            (Format.STANDARD.value, "Standard Webhooks (signed JSON)"),
            (Format.SLACK.value, "Slack incoming webhook"),
            (Format.TEAMS.value, "Microsoft Teams (Workflows)"),
        ]
    )

    def __init__(self, *args: object, editing: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.editing = editing
        if editing:
            self.fields["url"].help_text = "Leave empty to keep the current URL."

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"].strip()
        if not url and not self.editing:
            raise forms.ValidationError("Give the URL to send to.")
        return url
