"""API: the caller's own account."""

from __future__ import annotations

from ninja import Router

from headway.access import team_context
from headway.accounts.schemas import MeOut
from headway.api_auth import ApiRequest
from headway.api_schemas import responds
from headway.teams.models import Team

router = Router()


@router.get("/me", response=responds(200, MeOut))
def get_me(request: ApiRequest) -> MeOut:
    """The user, workspace and role behind the credentials used."""
    membership = request.auth
    user = membership.user
    teams = Team.objects.filter(id__in=team_context(membership).mine).order_by("key")
    return MeOut(
        username=user.username,
        name=user.name,
        email=user.email,
        workspace=membership.workspace.key,
        role=membership.role,
        teams=list(teams.values_list("key", flat=True)),
    )
