"""Page forms for KPIs and their values (validation only: writes are in kpis.actions)."""

from __future__ import annotations

from typing import Any

from django import forms

from headway.accounts.models import Membership, User
from headway.core.forms import DateInput
from headway.kpis.models import KPI
from headway.teams.models import Team


class KPIValueForm(forms.Form):
    at = forms.DateField(label="Date", widget=DateInput())
    value = forms.FloatField()
    note = forms.CharField(required=False, max_length=500)


class KPIForm(forms.ModelForm[KPI]):
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(), to_field_name="username", required=False
    )
    team = forms.ModelChoiceField(queryset=Team.objects.none(), to_field_name="key", required=False)

    class Meta:
        model = KPI
        fields = [
            "name", "description", "owner", "team", "unit", "direction", "target", "green",
            "red", "low", "high", "tolerance", "cadence", "category", "indicator",
        ]  # fmt: skip
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "green": "Green at or beyond this value (defaults to the target).",
            "red": "Red beyond this value; amber between red and green.",
            "low": "Within range only: lowest good value.",
            "high": "Within range only: highest good value.",
        }

    def __init__(self, membership: Membership, *args: Any, **kwargs: Any) -> None:
        from headway.accounts import access

        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["owner"].queryset = User.objects.filter(
            memberships__workspace_id=membership.workspace_id
        ).order_by("username")
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
