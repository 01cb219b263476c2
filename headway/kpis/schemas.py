"""API schemas of KPIs and their values."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema
from ninja.params.functions import Body
from pydantic import BaseModel, ConfigDict

from headway.api_schemas import (
    Day,
    InputSchema,
    Key,
    Name,
    Note,
    Number,
    OutSchema,
    RefKey,
    Text,
    Unit,
    Username,
    one_of,
    page_schema,
    patch_of,
)
from headway.domain.types import Cadence, Category, Indicator, KPIDirection

MAX_BATCH = 10_000


class KPIIn(InputSchema):
    """A metric watched on a cadence, coloured red/amber/green by its thresholds."""

    key: Key
    name: Name
    description: Text = ""
    owner: Username | None = Field(None, description="Username; left out, the caller.")
    team: RefKey | None = Field(None, description="Key of the owning team.")
    unit: Unit = ""
    direction: Annotated[str, one_of(KPIDirection)] = KPIDirection.HIGHER_IS_BETTER.value
    target: Number | None = None
    green: Number | None = Field(None, description="Green from this value on (default target).")
    red: Number | None = Field(None, description="Red from this value on (default target).")
    low: Number | None = Field(None, description="within_range: lower bound.")
    high: Number | None = Field(None, description="within_range: upper bound.")
    tolerance: Number | None = Field(None, description="within_range: amber margin.")
    cadence: Annotated[str, one_of(Cadence)] = Cadence.WEEKLY.value
    category: Annotated[str, one_of(Category)] = Category.OTHER.value
    indicator: Annotated[str, one_of(Indicator)] = Indicator.LAGGING.value
    benchmark: Number | None = None


KPIPatch = patch_of(KPIIn, "KPIPatch")


class LatestOut(OutSchema):
    at: date
    value: float


class KPIOut(OutSchema):
    key: str
    name: str
    description: str
    owner: str | None
    team: str | None
    unit: str
    direction: str
    target: float | None
    green: float | None
    red: float | None
    low: float | None
    high: float | None
    tolerance: float | None
    cadence: str
    category: str
    indicator: str
    benchmark: float | None
    latest: LatestOut | None = Field(description="Computed: the latest value as of the date.")
    status: str = Field(description="Computed: green, amber, red or no_data.")
    stale: bool = Field(description="Computed: no value within the cadence.")


class KPIValueIn(BaseModel):
    """One reading; a second reading for the same KPI and date replaces the first."""

    # A plain pydantic model: ninja's Schema runs a Python validator per instance to read
    # Django objects, which cost more than everything else in a 10,000-value batch.
    model_config = ConfigDict(extra="forbid")

    at: Day
    value: Number
    note: Note = ""


KPIValueBatchIn = Annotated[
    list[KPIValueIn],
    Body(..., min_length=1, max_length=MAX_BATCH, description="Up to 10,000 values."),
]


class IngestOut(OutSchema):
    created: int = Field(description="Values for dates that had none.")
    updated: int = Field(description="Values that replaced a different value.")


class KPIValueOut(OutSchema):
    at: date
    value: float
    note: str
    source: str
    recorded_by: str | None
    recorded_at: datetime


class ValueFilters(Schema):
    since: Day | None = Field(None, description="Only values on or after this date.")
    until: Day | None = Field(None, description="Only values on or before this date.")


KPIPage = page_schema(KPIOut, "KPIPage")
KPIValuePage = page_schema(KPIValueOut, "KPIValuePage")
