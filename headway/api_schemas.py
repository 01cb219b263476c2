"""Building blocks shared by every API schema: strict field types, errors, pagination.

Every input type here says in the OpenAPI schema exactly what it accepts, and accepts nothing
more: numbers are JSON numbers (never strings or booleans, never NaN or Infinity), dates are
`YYYY-MM-DD` strings, texts have a maximum length and no NUL character (PostgreSQL cannot store
one). schemathesis checks both directions in `make test` (docs/api.md, "Errors").
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Annotated, Any, TypeVar

from django.db.models import Model, QuerySet
from ninja import Field, Schema
from ninja.params.functions import Path as PathParam
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    GetPydanticSchema,
    PlainValidator,
    WithJsonSchema,
)
from pydantic_core import core_schema

from headway.domain.bounds import MAX_NUMBER, MAX_TEXT
from headway.domain.types import Choice

DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
KEY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
# Keys in a URL: anything printable, so a key the plan import accepted can still be addressed.
PATH_KEY_PATTERN = r"^[^\x00-\x1f\x7f]+$"
TEXT_PATTERN = r"^[^\x00]*$"
MAX_LIMIT = 1000
MAX_OFFSET = 10**9


def json_number(value: Any) -> Any:
    """Reject what pydantic would coerce to a number but JSON Schema does not call one."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a number")
    return value


def iso_date(value: Any) -> Any:
    """Accept only `YYYY-MM-DD` text (pydantic alone would also take timestamps)."""
    # Cheap shape checks first: this runs once per value of a 10,000-value batch.
    if type(value) is str and len(value) == 10 and value[4] == "-" and value[7] == "-":
        if DATE_RE.fullmatch(value):
            try:
                return date.fromisoformat(value)
            except ValueError as error:
                raise ValueError(f"must be a real date: {error}") from error
    elif isinstance(value, date):
        return value
    raise ValueError("must be a date written YYYY-MM-DD")


# Strict floats take JSON numbers (integers too) but neither strings nor booleans, and at most
# 1e15 in size (docs/scoring.md, "Bounds": every figure computed from them stays finite).
Number = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=-MAX_NUMBER, le=MAX_NUMBER)]


def reading(value: Any) -> float | bool:
    """A check-in's value: a JSON number within the bounds, or true / false."""
    if isinstance(value, bool):
        return value
    if not isinstance(value, int | float):
        raise ValueError("must be a number, or true or false")
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    if abs(value) > MAX_NUMBER:
        raise ValueError("must be between -1e15 and 1e15")
    return float(value)


# A check-in's value: a number, or true / false for a done/not-done key result. One validator
# rather than a union, so an error names the field alone ("value", not "value.bool").
Reading = Annotated[
    float | bool,
    PlainValidator(reading),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": -MAX_NUMBER, "maximum": MAX_NUMBER},
                {"type": "boolean"},
            ],
            "description": "A number; for a done/not-done key result true or false (or 1 or 0).",
        }
    ),
]
# Field(...) comes before the validator so that minimum/maximum reach the OpenAPI schema.
Confidence = Annotated[
    int,
    Field(ge=1, le=10, description="How likely the target is reached, 1 (no way) to 10 (sure)."),
    BeforeValidator(json_number),
]
Day = Annotated[
    date,
    Field(description="A date, YYYY-MM-DD. Stored dates lie in 2000-01-01..2100-12-31."),
    BeforeValidator(iso_date),
]
Key = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=KEY_PATTERN,
        description="Unique in the workspace: letters, digits, '-', '_', '.'.",
    ),
]
RefKey = Annotated[
    str,
    Field(min_length=1, max_length=64, pattern=PATH_KEY_PATTERN, description="A key."),
]
Username = Annotated[
    str, Field(min_length=1, max_length=150, pattern=PATH_KEY_PATTERN, description="A username.")
]
PathKey = Annotated[
    str,
    PathParam(
        ..., min_length=1, max_length=64, pattern=PATH_KEY_PATTERN, description="The object's key."
    ),
]
Title = Annotated[str, Field(min_length=1, max_length=300, pattern=TEXT_PATTERN)]
Name = Annotated[str, Field(min_length=1, max_length=200, pattern=TEXT_PATTERN)]
Unit = Annotated[str, Field(max_length=32, pattern=TEXT_PATTERN)]
Text = Annotated[str, Field(max_length=MAX_TEXT, pattern=TEXT_PATTERN)]
Note = Annotated[str, Field(max_length=1_000, pattern=TEXT_PATTERN)]


def one_of(choices: Iterable[Choice]) -> GetPydanticSchema:
    """The values of a domain enum (or of some of its members) as a text field.

    Validated and documented as a Literal of the values, and kept as plain text, so that a
    member added to the enum reaches the API and the plan file at once.
    """
    values = [choice.value for choice in choices]
    return GetPydanticSchema(lambda _type, _handler: core_schema.literal_schema(values))


class InputSchema(Schema):
    """Base of every request body: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class OutSchema(BaseModel):
    """An answer. Plain pydantic, not ninja's `Schema`: an answer is built by our code from
    rows already read, and ninja's `Schema` re-reads every field of every item through its
    Django getter, when the answer is built and again when ninja checks it (a third of the
    time of a page of 50 objectives, docs/performance.md)."""


class ErrorOut(OutSchema):
    """Every error answer: a sentence, and the field it is about when there is one."""

    detail: str = Field(
        description="What is wrong, starting with the field: 'confidence: must be 1 to 10'."
    )
    field: str | None = Field(
        None,
        description=(
            "The offending field: a name ('title'), a query parameter ('as_of'), or an index "
            "and a name in a list ('[3].value'); null when no single field is at fault."
        ),
    )


ERRORS: dict[int, type[OutSchema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    413: ErrorOut,
    422: ErrorOut,
}


def responds(code: int, schema: Any) -> dict[int, Any]:
    """The `response=` of an operation: its success answer plus every documented error."""
    return {code: schema, **ERRORS}


class PageParams(Schema):
    limit: int = Field(100, ge=1, le=MAX_LIMIT, description="Items per page.")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip.")


class AsOfParams(Schema):
    as_of: Day | None = Field(
        None, description="Compute figures as of this date (default: today in the workspace)."
    )


M = TypeVar("M", bound=Model)
T = TypeVar("T")


def page_of(queryset: QuerySet[M], page: PageParams) -> tuple[int, list[M]]:
    """The total count and the rows of one page: two queries."""
    count = queryset.count()
    rows = list(queryset[page.offset : page.offset + page.limit]) if count > page.offset else []
    return count, rows


def paged(count: int, rows: Sequence[T], out: Callable[[T], Any]) -> dict[str, Any]:
    return {"count": count, "items": [out(row) for row in rows]}


def page_schema(item: type[OutSchema], name: str) -> type[OutSchema]:
    """A `{count, items}` answer for a list of `item`."""
    return type(
        name,
        (OutSchema,),
        {
            "__annotations__": {"count": int, "items": list[item]},  # type: ignore[valid-type]
            "__doc__": f"One page of {item.__name__} rows and the total count.",
        },
    )


def patch_of(schema: type[InputSchema], name: str, exclude: Sequence[str] = ("key",)) -> Any:
    """The PATCH twin of a create schema: the same fields and rules, every one optional.

    A field left out is left alone; `null` is accepted only where the create schema accepts it.
    """
    from pydantic import create_model
    from pydantic.fields import FieldInfo

    fields: dict[str, Any] = {}
    for field_name, info in schema.model_fields.items():
        if field_name in exclude:
            continue
        optional = FieldInfo.merge_field_infos(info, default=None)
        optional.default_factory = None
        fields[field_name] = (info.annotation, optional)
    model = create_model(name, __base__=InputSchema, **fields)
    model.__doc__ = f"Changes to apply: any subset of the fields of {schema.__name__}."
    return model


def changes_of(payload: Schema) -> dict[str, Any]:
    """The fields a PATCH body really sent."""
    return payload.model_dump(exclude_unset=True)
