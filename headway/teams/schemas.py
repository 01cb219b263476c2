"""API schemas of the team tree."""

from __future__ import annotations

from typing import Annotated

from ninja import Field

from headway.api_schemas import (
    InputSchema,
    Key,
    Name,
    OutSchema,
    RefKey,
    Username,
    one_of,
    page_schema,
    patch_of,
)
from headway.domain.types import TeamKind


class TeamIn(InputSchema):
    """A team: a node of the organisation tree."""

    key: Key
    name: Name
    kind: Annotated[str, one_of(TeamKind)] = TeamKind.TEAM.value
    parent: RefKey | None = Field(None, description="Key of the parent team.")
    lead: Username | None = Field(None, description="Username of the team's lead.")
    members: list[Username] = Field(
        default_factory=list, max_length=1000, description="Usernames of the team's members."
    )


TeamPatch = patch_of(TeamIn, "TeamPatch")


class TeamOut(OutSchema):
    key: str
    name: str
    kind: str
    parent: str | None
    lead: str | None
    members: list[str]
    progress: float | None = Field(
        description=(
            "Computed: mean progress of the team's and its descendants' objectives, in the "
            "cycle containing the date (or the latest that started before it)."
        )
    )


TeamPage = page_schema(TeamOut, "TeamPage")
