"""API schemas of cycles, objectives, key results, check-ins, initiatives and dependencies.

Field names are those of the plan file; references are keys (usernames for people). The
`*Out` schemas add the computed, read-only figures of `headway.okrs.scoring`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from ninja import Field, Schema

from headway.api_schemas import (
    Confidence,
    Day,
    InputSchema,
    Key,
    Name,
    Number,
    OutSchema,
    Reading,
    RefKey,
    Text,
    Title,
    Unit,
    Username,
    one_of,
    page_schema,
    patch_of,
)
from headway.domain.bounds import MAX_NUMBER
from headway.domain.types import (
    CycleState,
    Direction,
    InitiativeStatus,
    Metric,
    ObjectiveKind,
    Status,
    Visibility,
)

# Cycles ------------------------------------------------------------------------------------


class CycleIn(InputSchema):
    """A period in which objectives are pursued, then graded when it is closed."""

    key: Key
    name: Name
    start: Day
    end: Day
    state: Annotated[str, one_of((CycleState.PLANNING, CycleState.ACTIVE))] = Field(
        CycleState.PLANNING.value, description="Close a cycle with POST /cycles/{key}/close."
    )


CyclePatch = patch_of(CycleIn, "CyclePatch")


class CycleOut(OutSchema):
    key: str
    name: str
    start: date
    end: date
    state: str = Field(description="planning, active or closed.")


class CarryOverIn(InputSchema):
    """Unfinished objectives of this cycle, with their unfinished key results, into another."""

    objectives: list[RefKey] | Literal["all_unfinished"] = Field(
        description="Keys of objectives of this cycle, or all_unfinished: every one below 100 % "
        "that the caller may edit."
    )
    to_cycle: RefKey = Field(description="Key of the planned or active cycle to carry them into.")
    mode: Literal["move", "copy"] = Field(
        "move",
        description="move: the original is marked as carried over; copy: it is left as it is. "
        "Either way it keeps its figures in its own cycle.",
    )


class CarryOverOut(OutSchema):
    mode: str
    to_cycle: str
    carried: dict[str, str] = Field(description="Original objective key -> new objective key.")


# Objectives --------------------------------------------------------------------------------


class ObjectiveIn(InputSchema):
    """A qualitative, time-bound goal."""

    key: Key
    title: Title
    description: Text = ""
    owner: Username | None = Field(None, description="Username; left out, the caller.")
    team: RefKey | None = Field(None, description="Key of the owning team.")
    cycle: RefKey = Field(description="Key of the cycle.")
    parent: RefKey | None = Field(None, description="Key of the objective this one supports.")
    kind: Annotated[str, one_of(ObjectiveKind)] = ObjectiveKind.ASPIRATIONAL.value
    visibility: Annotated[str, one_of(Visibility)] = Visibility.WORKSPACE.value
    retrospective: Text = ""


ObjectivePatch = patch_of(ObjectiveIn, "ObjectivePatch")


class ObjectiveFilters(Schema):
    cycle: RefKey | None = Field(None, description="Only objectives of this cycle (key).")
    team: RefKey | None = Field(None, description="Only objectives of this team (key).")
    owner: Username | None = Field(None, description="Only objectives of this owner.")
    status: Annotated[str, one_of(Status)] | None = Field(
        None, description="Only objectives in this status."
    )
    parent: RefKey | None = Field(None, description="Only children of this objective (key).")


class ObjectiveOut(OutSchema):
    key: str
    title: str
    description: str
    owner: str | None
    team: str | None
    cycle: str
    parent: str | None
    kind: str
    visibility: str
    retrospective: str
    carried_from: str | None = Field(None, description="Key of the objective this continues.")
    carried_over: bool = Field(False, description="Moved on to a later cycle by carry-over.")
    progress: float | None = Field(description="Computed: 0..1, null without key results.")
    status: str | None = Field(description="Computed: done, on_track, at_risk or off_track.")
    score: float | None = Field(description="Computed: 0.0..1.0, rounded half up to 0.1.")
    expected: float = Field(description="Computed: elapsed share of the cycle, 0..1.")
    warnings: list[str] = Field(
        default_factory=list,
        description="What to fix before the objective is ready: 'needs 2 to 5 key results'.",
    )
    hidden_children: int = Field(
        0,
        description="Computed: how many objectives the caller cannot see its progress includes "
        "(an objective without key results takes its children's mean).",
    )


# Key results -------------------------------------------------------------------------------


# Its own bounds: Number's would override a `ge=0` given beside it (the last bound wins).
Weight = Annotated[
    float,
    Field(
        strict=True,
        allow_inf_nan=False,
        ge=0,
        le=MAX_NUMBER,
        description="Share of the objective's progress: weight / sum of its key results' weights.",
    ),
]


class KeyResultIn(InputSchema):
    """A measurable result of an objective: a number moving from `start` to `target`."""

    key: Key
    title: Title
    metric: Annotated[str, one_of(Metric)] = Metric.NUMBER.value
    unit: Unit = ""
    start: Number | None = None
    target: Number | None = None
    direction: Annotated[str, one_of(Direction)] = Direction.AUTO.value
    weight: Weight = 1.0
    owner: Username | None = Field(None, description="Username; left out, the caller.")
    kpi: RefKey | None = Field(None, description="Key of a KPI whose values drive this result.")


KeyResultPatch = patch_of(KeyResultIn, "KeyResultPatch")


class KeyResultOut(OutSchema):
    key: str
    objective: str
    title: str
    metric: str
    unit: str
    start: float | None
    target: float | None
    direction: str
    weight: float
    owner: str | None
    kpi: str | None
    current: float | None = Field(description="Computed: latest value as of the date.")
    progress: float = Field(description="Computed: 0..1.")
    attainment: float | None = Field(description="Computed: share of the target reached.")
    status: str = Field(description="Computed: done, on_track, at_risk or off_track.")
    score: float = Field(description="Computed: 0.0..1.0.")
    confidence: int | None = Field(description="Computed: latest check-in's confidence.")
    expected: float = Field(description="Computed: elapsed share of the cycle, 0..1.")


class CheckInIn(InputSchema):
    """A reading of a key result. A second check-in on the same day replaces the first."""

    at: Day | None = Field(
        None,
        description=(
            "Day of the reading, within the cycle and not after today; left out, today "
            "(or the cycle's end once it has passed)."
        ),
    )
    value: Reading | None = Field(
        None,
        description=(
            "A number, or true/false for a done/not-done key result. Required, except for a "
            "key result driven by a KPI, which refuses it."
        ),
    )
    confidence: Confidence
    note: Text = ""
    blockers: Text = ""


class CheckInOut(OutSchema):
    key_result: str
    at: date
    value: float
    confidence: int
    note: str
    blockers: str
    author: str | None


# Initiatives, dependencies -----------------------------------------------------------------


class InitiativeIn(InputSchema):
    """Work undertaken to move an objective (optionally one of its key results)."""

    key: Key
    title: Title
    owner: Username | None = Field(None, description="Username; left out, the caller.")
    status: Annotated[str, one_of(InitiativeStatus)] = InitiativeStatus.TODO.value
    due: Day | None = None
    objective: RefKey = Field(description="Key of the objective.")
    key_result: RefKey | None = Field(None, description="Key of one of the objective's KRs.")


InitiativePatch = patch_of(InitiativeIn, "InitiativePatch")


class InitiativeOut(OutSchema):
    key: str
    title: str
    owner: str | None
    status: str
    due: date | None
    objective: str
    key_result: str | None


class DependencyIn(InputSchema):
    """An objective or key result that depends on another one. Give one of each pair."""

    objective: RefKey | None = None
    key_result: RefKey | None = None
    depends_on_objective: RefKey | None = None
    depends_on_key_result: RefKey | None = None
    note: Text = ""


class DependencyOut(OutSchema):
    id: int
    objective: str | None
    key_result: str | None
    depends_on_objective: str | None
    depends_on_key_result: str | None
    note: str


CyclePage = page_schema(CycleOut, "CyclePage")
ObjectivePage = page_schema(ObjectiveOut, "ObjectivePage")
KeyResultPage = page_schema(KeyResultOut, "KeyResultPage")
CheckInPage = page_schema(CheckInOut, "CheckInPage")
InitiativePage = page_schema(InitiativeOut, "InitiativePage")
DependencyPage = page_schema(DependencyOut, "DependencyPage")
