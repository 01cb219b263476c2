"""Enums and frozen value types shared by the domain rules and the apps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum


class Choice(StrEnum):
    """A StrEnum whose members carry a human label (the value with spaces, capitalised)."""

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Role(Choice):
    ADMIN = "admin"
    MEMBER = "member"
    VIEWER = "viewer"


class TeamKind(Choice):
    COMPANY = "company"
    DEPARTMENT = "department"
    TEAM = "team"


class CycleState(Choice):
    PLANNING = "planning"
    ACTIVE = "active"
    CLOSED = "closed"


class ObjectiveKind(Choice):
    COMMITTED = "committed"
    ASPIRATIONAL = "aspirational"


class Visibility(Choice):
    WORKSPACE = "workspace"
    TEAM = "team"
    PRIVATE = "private"


class Metric(Choice):
    NUMBER = "number"
    PERCENT = "percent"
    CURRENCY = "currency"
    BOOLEAN = "boolean"


class Direction(Choice):
    AUTO = "auto"
    AT_LEAST = "at_least"
    AT_MOST = "at_most"


class InitiativeStatus(Choice):
    TODO = "todo"
    DOING = "doing"
    DONE = "done"
    DROPPED = "dropped"


class Status(Choice):
    """Status of a key result or an objective, with the colour the pages show it in."""

    DONE = "done"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"

    @property
    def colour(self) -> str:
        return {
            "done": "blue",
            "on_track": "green",
            "at_risk": "amber",
            "off_track": "red",
        }[self.value]


class Band(Choice):
    """Colour band of a score: 0.0-0.3 red, 0.4-0.6 yellow, 0.7-1.0 green."""

    RED = "red"
    YELLOW = "yellow"
    GREEN = "green"


class KPIDirection(Choice):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"
    WITHIN_RANGE = "within_range"


class KPIStatus(Choice):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NO_DATA = "no_data"

    @property
    def colour(self) -> str:
        return {"green": "green", "amber": "amber", "red": "red", "no_data": "grey"}[self.value]


class Cadence(Choice):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"

    @property
    def days(self) -> int:
        """Length of one reporting period, used for staleness."""
        return {"daily": 1, "weekly": 7, "monthly": 31, "quarterly": 92}[self.value]


class Category(Choice):
    FINANCIAL = "financial"
    CUSTOMER = "customer"
    OPERATIONAL = "operational"
    PEOPLE = "people"
    OTHER = "other"


class Indicator(Choice):
    LEADING = "leading"
    LAGGING = "lagging"


class RuleViolation(ValueError):
    """Input that breaks a domain rule; `field` names the offending field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.reason = message


@dataclass(frozen=True, slots=True)
class Point:
    """One observation: a check-in (with confidence) or a KPI value."""

    at: date
    value: Decimal
    confidence: int | None = None


@dataclass(frozen=True, slots=True)
class KRInput:
    """The definition of a key result, as the rules need it."""

    metric: Metric
    direction: Direction
    start: Decimal | None
    target: Decimal | None
    weight: Decimal = Decimal(1)


@dataclass(frozen=True, slots=True)
class KRResult:
    """Everything computed for one key result as of a date."""

    current: Decimal | None
    progress: Decimal
    attainment: Decimal | None
    status: Status
    score: Decimal
    confidence: int | None


@dataclass(frozen=True, slots=True)
class ObjectiveResult:
    progress: Decimal | None
    status: Status | None
    score: Decimal | None


@dataclass(frozen=True, slots=True)
class KPIInput:
    """A KPI's target and thresholds. Missing green/red default to the target."""

    direction: KPIDirection
    cadence: Cadence
    target: Decimal | None = None
    green: Decimal | None = None
    red: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    tolerance: Decimal | None = None


@dataclass(frozen=True, slots=True)
class KPIResult:
    latest: Point | None
    status: KPIStatus
    stale: bool
