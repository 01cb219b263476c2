"""Page forms for KPIs and their values (validation only: writes are in kpis.actions)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from headway.accounts.models import Membership
from headway.core.forms import DateInput
from headway.domain.bounds import LATEST, MAX_NUMBER, MAX_TEXT, check_reading_date
from headway.domain.types import RuleViolation
from headway.kpis.models import KPI
from headway.pages.pickers import members_of, person_picker, team_picker


class KPIValueForm(forms.Form):
    """One value; given `today` (in the workspace's time zone), a later date is refused."""

    at = forms.DateField(label="Date", widget=DateInput())
    value = forms.FloatField(min_value=-MAX_NUMBER, max_value=MAX_NUMBER)
    note = forms.CharField(required=False, max_length=500)

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        if today is not None:
            self.fields["at"].widget.attrs["max"] = today.isoformat()

    def clean_at(self) -> date:
        at: date = self.cleaned_data["at"]
        try:
            check_reading_date(at, today=self.today or LATEST)
        except RuleViolation as error:
            raise forms.ValidationError(f"The date {error.reason}.") from error
        return at


def bounded(field: forms.Field) -> None:
    """A model's number field on a page takes what the API takes: at most 1e15 in size."""
    field.validators += [MinValueValidator(-MAX_NUMBER), MaxValueValidator(MAX_NUMBER)]
    field.widget.attrs.update(min=f"{-MAX_NUMBER:.0f}", max=f"{MAX_NUMBER:.0f}")


class KPIForm(forms.ModelForm[KPI]):
    owner = person_picker()
    team = team_picker()
    description = forms.CharField(
        required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )

    class Meta:
        model = KPI
        fields = [
            "name", "description", "owner", "team", "unit", "direction", "target", "green",
            "red", "low", "high", "tolerance", "cadence", "category", "indicator",
        ]  # fmt: skip
        help_texts = {
            "green": "Green at or beyond this value (defaults to the target).",
            "red": "Red beyond this value; amber between red and green.",
            "low": "Within range only: lowest good value.",
            "high": "Within range only: highest good value.",
        }

    def __init__(self, membership: Membership, *args: Any, **kwargs: Any) -> None:
        from headway import access

        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        for name in ("target", "green", "red", "low", "high", "tolerance"):
            bounded(fields[name])
        fields["owner"].queryset = members_of(membership)
        fields["team"].queryset = access.teams_for(membership)


class DashboardFilterForm(forms.Form):
    group = forms.ChoiceField(
        required=False, choices=[("team", "Group by team"), ("category", "Group by category")]
    )
    status = forms.ChoiceField(
        required=False,
        choices=[("", "Any status"), ("red", "Red"), ("amber", "Amber"), ("green", "Green"),
                 ("no_data", "No data"), ("stale", "Stale")],
    )  # fmt: skip
    q = forms.CharField(required=False, label="Search")
