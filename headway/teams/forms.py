"""Page form for a team (validation only: writes are in teams.actions)."""

from __future__ import annotations

from typing import Any

from django import forms

from headway.accounts.models import Membership, User
from headway.core.models import choices
from headway.domain.types import TeamKind
from headway.teams.models import Team


class TeamForm(forms.Form):
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=choices(TeamKind), initial=TeamKind.TEAM)
    parent = forms.ModelChoiceField(
        queryset=Team.objects.none(), to_field_name="key", required=False
    )
    lead = forms.ModelChoiceField(
        queryset=User.objects.none(), to_field_name="username", required=False
    )
    members = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(), to_field_name="username", required=False
    )

    def __init__(self, membership: Membership, *args: Any, **kwargs: Any) -> None:
        from headway import access

        super().__init__(*args, **kwargs)
        people = User.objects.filter(memberships__workspace_id=membership.workspace_id).order_by(
            "username"
        )
        fields: Any = self.fields
        fields["parent"].queryset = access.teams_for(membership)
        fields["lead"].queryset = people
        fields["members"].queryset = people
