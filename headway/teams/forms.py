"""Page form for a team (validation only: writes are in teams.actions)."""

from __future__ import annotations

from typing import Any

from django import forms

from headway.accounts.models import Membership
from headway.core.forms import PickerListField
from headway.core.models import choices
from headway.domain.types import TeamKind
from headway.pages.pickers import members_of, person_picker, team_picker


class TeamForm(forms.Form):
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=choices(TeamKind), initial=TeamKind.TEAM)
    parent = team_picker()
    lead = person_picker()
    members = PickerListField(
        noun="person",
        to_field_name="username",
        required=False,
        help_text="Usernames, separated by commas.",
    )

    def __init__(self, membership: Membership, *args: Any, **kwargs: Any) -> None:
        from headway import access

        super().__init__(*args, **kwargs)
        people = members_of(membership)
        fields: Any = self.fields
        fields["parent"].queryset = access.teams_for(membership)
        fields["lead"].queryset = people
        fields["members"].queryset = people
