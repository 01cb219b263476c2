"""API schemas of the caller's own account."""

from __future__ import annotations

from ninja import Field

from headway.api_schemas import OutSchema


class MeOut(OutSchema):
    """Who the token (or session) belongs to, and where."""

    username: str
    name: str
    email: str
    workspace: str = Field(description="Key of the workspace the token belongs to.")
    role: str = Field(description="admin, member or viewer.")
    teams: list[str] = Field(description="Keys of the teams the caller is a member or lead of.")
