"""The plan file format: parse YAML (or JSON) into checked items, with errors by file, line, field.

Parsing is pure (no database): types, enums, ranges, unknown fields, duplicate keys inside the
file and the domain rules of key results and KPIs. Each item is read by a pydantic model built
from the API's field types (headway.api_schemas, and the API's input schemas where the file's
object is the same), so the file and the API accept the same values; `explain` turns pydantic's
errors into the file's messages. References between objects (a team key, an
owner's username) are resolved by the importer, which also knows what the database holds.
docs/plan-file.md describes the format.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    create_model,
    model_validator,
)
from pydantic_core import ErrorDetails

from headway import api_schemas as api
from headway.core.timeutil import today_in
from headway.domain.bounds import MAX_NUMBER, check_date, check_reading_date, reading_value
from headway.domain.kpi import validate_kpi
from headway.domain.kr_count import check_key_result_count
from headway.domain.progress import validate_kr
from headway.domain.types import (
    Cadence,
    CycleState,
    Direction,
    InitiativeStatus,
    KPIDirection,
    KPIInput,
    KRInput,
    Metric,
    Role,
    RuleViolation,
    Status,
    TeamKind,
)
from headway.kpis.schemas import KPIIn
from headway.okrs.schemas import DependencyIn, KeyResultIn, ObjectiveIn

Loader: type[yaml.SafeLoader]
try:
    Loader = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # PyYAML built without libyaml
    Loader = yaml.SafeLoader


class RefusedYAML(yaml.constructor.ConstructorError):
    """YAML that is valid but not allowed in a plan file (an alias, a repeated key)."""


class PlanLoader(Loader):  # type: ignore[valid-type,misc]
    """The safe loader, but dates stay text until the schema checks them (with their line).

    PyYAML would otherwise turn 2026-02-30 into an exception without a line, and YAML and JSON
    plans are read the same way. A plan file is untrusted input, so the loader also refuses:

    - aliases (`*name`): a few hundred bytes of nested aliases expand to gigabytes or to
      hundreds of thousands of rows ("billion laughs"). The composer hands the same node to
      the constructor once per alias, so a node met a second time is an alias;
    - a key repeated in one mapping, which YAML loaders silently resolve to the last value.

    Both checks stay in the constructor (the parser is libyaml's C code), at one dictionary
    lookup per node, so the fast path stays fast (docs/performance.md).
    """

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if not tag.endswith(":timestamp")]
        for first, resolvers in Loader.yaml_implicit_resolvers.items()
    }

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects or node in self.recursive_objects:
            raise RefusedYAML(
                None,
                None,
                "the value anchored here (&name) is used again through an alias (*name): "
                "aliases are not allowed in a plan file, write the value out",
                node.start_mark,
            )
        return super().construct_object(node, deep)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping: dict[Any, Any] = super().construct_mapping(node, deep)
        if len(mapping) != len(node.value):
            seen: dict[Any, yaml.Node] = {}
            for key_node, _ in node.value:
                name = self.constructed_objects.get(key_node, key_node.value)
                if name in seen:
                    first = seen[name].start_mark.line + 1
                    raise RefusedYAML(
                        None,
                        None,
                        f"duplicate key {shown(name)} (first on line {first}): "
                        "a mapping gives each key once",
                        key_node.start_mark,
                    )
                seen[name] = key_node
        return mapping


Path = tuple[str | int, ...]
MAX_PROBLEMS = 20
MAX_SHOWN = 60  # characters of a value from the file repeated in an error message
MAX_MESSAGE = 300  # characters of one problem's message


def shown(value: Any) -> str:
    """A value from the file for an error message: its repr, cut short (never the whole value)."""
    text = repr(value)
    return text if len(text) <= MAX_SHOWN else f"{text[: MAX_SHOWN - 1]}…"


class Row(BaseModel):
    """One object of a plan section, checked with the API's field types (headway.api_schemas).

    A field given as null is a field left out (it takes its default); the figures an export adds
    (`computed`) are read past; `children` are nested lists, checked section by section.
    """

    model_config = ConfigDict(extra="forbid")
    computed: ClassVar[frozenset[str]] = frozenset()
    children: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="before")
    @classmethod
    def omitted(cls, data: Any) -> Any:
        # Runs once per check-in: the common case (no null, no figure) returns at once.
        if not isinstance(data, dict) or (
            None not in data.values() and cls.computed.isdisjoint(data)
        ):
            return data
        fields = cls.model_fields
        return {
            name: value
            for name, value in data.items()
            if (value is not None or name not in fields) and name not in cls.computed
        }


def zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {shown(name)}") from None
    return name


def stored(day: date) -> date:
    """A date Headway stores: within 2000-01-01..2100-12-31 (docs/scoring.md, "Bounds")."""
    try:
        check_date("date", day)
    except RuleViolation as error:
        raise ValueError(error.reason) from None
    return day


def moment(text: str) -> datetime:
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        at = None
    if at is None or at.tzinfo is None:
        raise ValueError("must be a date and time with its UTC offset")
    return at


Date = Annotated[api.Day, AfterValidator(stored)]
Timezone = Annotated[str, Field(max_length=64), AfterValidator(zone)]
Flag = Annotated[bool, Field(strict=True)]
# An event's time: read as ISO text with its UTC offset, kept as a datetime.
Moment = Annotated[str, Field(max_length=40), AfterValidator(moment)]


def text(max_length: int) -> Any:
    return Field("", max_length=max_length, pattern=api.TEXT_PATTERN)


# Every section of the plan, field by field (docs/plan-file.md lists the same, with defaults).
class Workspace(Row):
    key: api.Key
    name: api.Name
    timezone: Timezone = "UTC"


class User(Row):
    username: api.Username
    name: str = text(150)
    email: str = text(254)
    role: Annotated[str, api.one_of(Role)] = Role.MEMBER.value
    member: Flag = True  # false: an account the workspace refers to, not a member


class Team(Row):
    computed = frozenset({"progress"})
    key: api.Key
    name: api.Name
    kind: Annotated[str, api.one_of(TeamKind)] = TeamKind.TEAM.value
    parent: api.RefKey | None = None
    lead: api.Username | None = None
    members: list[api.Username] = []


class Cycle(Row):
    children = ("frozen",)
    key: api.Key
    name: api.Name
    start: Date
    end: Date
    state: Annotated[str, api.one_of(CycleState)] = CycleState.PLANNING.value
    frozen: Any = None  # a closed cycle's grades, when a re-grade would differ (read_frozen)


def api_row(
    schema: type[BaseModel],
    *,
    computed: Iterable[str] = (),
    children: tuple[str, ...] = (),
    **extra: Any,
) -> type[Row]:
    """A plan item with the fields of an API input schema (their types and defaults), then the
    `extra` ones (annotation, default) and the nested lists `children`."""
    fields: Any = {name: (f.annotation, f) for name, f in schema.model_fields.items()}
    fields |= extra | dict.fromkeys(children, (Any, None))
    row = create_model(schema.__name__.removesuffix("In"), __base__=Row, **fields)
    row.computed, row.children = frozenset(computed), children
    return row


KPI = api_row(KPIIn, computed={"latest", "status", "stale"}, children=("values",))


class KPIValue(Row):
    at: Date
    value: api.Number
    note: api.Text = ""
    source: str = text(64)
    recorded_by: api.Username | None = None


Objective = api_row(
    ObjectiveIn,
    computed={"progress", "status", "score"},
    children=("key_results", "initiatives"),
    carried_from=(api.RefKey | None, None),
    carried_over=(Flag, False),
)
KeyResult = api_row(
    KeyResultIn,
    computed={"current", "progress", "attainment", "status", "score"},
    children=("check_ins",),
)


class CheckIn(Row):
    at: Date
    value: api.Reading
    confidence: api.Confidence
    note: api.Text = ""
    blockers: api.Text = ""
    author: api.Username | None = None


class Initiative(Row):
    key: api.Key
    title: api.Title
    owner: api.Username | None = None
    status: Annotated[str, api.one_of(InitiativeStatus)] = InitiativeStatus.TODO.value
    due: Date | None = None
    key_result: api.RefKey | None = None


Dependency = api_row(DependencyIn)


class Event(Row):
    """One event of the history (a complete export carries it; docs/plan-file.md "history")."""

    at: Moment
    actor: api.Username | None = None
    verb: str = Field(max_length=32, pattern=api.TEXT_PATTERN)
    subject_type: str = Field(max_length=32, pattern=api.TEXT_PATTERN)
    subject_key: str = Field(max_length=64, pattern=api.TEXT_PATTERN)
    summary: str = text(300)
    objective: api.RefKey | None = None
    team: api.RefKey | None = None
    via: str = text(16)
    changes: dict[Any, Any] = {}  # field: [old, new], kept as it is


class FrozenObjective(BaseModel):
    """The figures of one objective in a closed cycle's `frozen` (okrs.scoring)."""

    model_config = ConfigDict(extra="forbid")
    progress: api.Number | None
    status: Annotated[str, api.one_of(Status)] | None
    score: api.Number | None
    expected: api.Number | None


class FrozenKeyResult(BaseModel):
    model_config = ConfigDict(extra="forbid")
    current: api.Number | None
    progress: api.Number | None
    attainment: api.Number | None
    status: Annotated[str, api.one_of(Status)] | None
    score: api.Number | None
    confidence: api.Confidence | None
    expected: api.Number | None


SECTIONS = ("users", "teams", "cycles", "kpis", "objectives", "dependencies", "history")
COMPUTED = frozenset({"as_of"})  # what an export adds at the top of the plan
FROZEN: dict[str, type[BaseModel]] = {
    "objectives": FrozenObjective,
    "key_results": FrozenKeyResult,
}


@dataclass(slots=True)
class Item:
    """One object of the plan: checked field values, and where it sits in the file."""

    path: Path
    values: dict[str, Any]
    children: dict[str, list[Item]] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def at(self, name: str) -> Path:
        """The path of one of this item's fields, for error messages."""
        return (*self.path, name)


@dataclass(slots=True)
class Plan:
    workspace: Item
    users: list[Item]
    teams: list[Item]
    cycles: list[Item]
    kpis: list[Item]
    objectives: list[Item]
    dependencies: list[Item]
    history: list[Item] = field(default_factory=list)

    def key_results(self) -> Iterator[tuple[Item, Item]]:
        for objective in self.objectives:
            for kr in objective.children["key_results"]:
                yield objective, kr


@dataclass(frozen=True, slots=True)
class Problem:
    path: Path
    message: str


def dotted(path: Path) -> str:
    """("objectives", 3, "key_results", 0, "start") -> objectives[3].key_results[0].start"""
    out = ""
    for part in path:
        if isinstance(part, str) and len(part) > MAX_SHOWN:
            part = f"{part[: MAX_SHOWN - 1]}…"
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


class PlanError(Exception):
    """A plan that cannot be imported: every problem found, each with file, line and field."""

    def __init__(self, filename: str, lines: list[tuple[int | None, Problem]]) -> None:
        self.filename = filename
        self.problems = lines
        super().__init__("\n".join(self.format()))

    def format(self) -> list[str]:
        out = []
        for line, problem in self.problems:
            where = f"{self.filename}:{line}" if line else self.filename
            out.append(f"{where}: {dotted(problem.path) or '(plan)'}: {problem.message}")
        return out


def line_of(root: yaml.Node | None, path: Path) -> int | None:
    """Line (1-based) of the deepest node on `path`: the field's own line when it exists."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for part in path:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            match = next((pair for pair in node.value if pair[0].value == part), None)
            if match is None:
                break
            line = match[0].start_mark.line + 1
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


class Source:
    """The text of a plan file, and the errors found in it so far."""

    def __init__(self, text: str, filename: str) -> None:
        self.text = text
        self.filename = filename
        self.problems: list[Problem] = []

    def problem(self, path: Path, message: str) -> None:
        if len(message) > MAX_MESSAGE:
            message = f"{message[: MAX_MESSAGE - 1]}…"
        self.problems.append(Problem(path, message))

    def fail(self) -> PlanError:
        # Composing the node tree costs as much as the parse itself, so it is only done for errors.
        try:
            root = yaml.compose(self.text, Loader=PlanLoader)
        except yaml.YAMLError:
            root = None
        located = [(line_of(root, p.path), p) for p in self.problems[:MAX_PROBLEMS]]
        return PlanError(self.filename, located)

    def check(self) -> None:
        if self.problems:
            raise self.fail()


def parse_text(text: str) -> Any:
    """Load YAML (JSON is YAML too) fast: libyaml's loader, with the garbage collector paused."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return yaml.load(text, Loader=PlanLoader)  # noqa: S506 (a safe loader)
    finally:
        if enabled:
            gc.enable()


# Checking items --------------------------------------------------------------------------------

QUOTED = re.compile(r"'([^']*)'")  # the values in pydantic's "'a', 'b' or 'c'"
PATTERNS = {
    api.KEY_PATTERN: "must be letters, digits, '.', '_' or '-', starting with a letter or digit",
    api.PATH_KEY_PATTERN: "must not contain control characters",
    api.TEXT_PATTERN: "must not contain a NUL character",
}


def explain(error: ErrorDetails, fields: Iterable[str]) -> tuple[Path, str]:
    """A pydantic error as (where, what is wrong), in words a person understands."""
    loc: Path = tuple(error["loc"])
    kind, value, ctx = error["type"], error["input"], error.get("ctx", {})
    what = f"{type(value).__name__} {shown(value)}"
    if kind == "missing":
        return loc[:-1], f"{loc[-1]} is required"
    if kind in {"extra_forbidden", "invalid_key"}:  # a name, or a number or flag as a name
        return (*loc[:-1], str(loc[-1])), f"unknown field (fields: {', '.join(fields)})"
    if loc[-1:] == ("confidence",):
        return loc, f"must be a whole number from 1 to 10, not {shown(value)}"
    if kind == "string_type":
        quote = " (quote yes/no/on/off)" if isinstance(value, bool) else ""
        return loc, f"must be text{quote}, not {what}"
    if kind in {"greater_than_equal", "less_than_equal"}:
        bound = ctx["ge"] if "ge" in ctx else ctx["le"]
        if abs(bound) == MAX_NUMBER:  # the bounds of every Number (docs/scoring.md, "Bounds")
            return loc, "must be between -1e15 and 1e15"
        return loc, f"must be {'at least' if 'ge' in ctx else 'at most'} {bound:g}"
    messages = {
        "string_too_short": "must not be empty",
        "string_too_long": f"must be at most {ctx.get('max_length')} characters",
        "string_pattern_mismatch": PATTERNS.get(ctx.get("pattern", ""), error["msg"]),
        "float_type": f"must be a number, not {what}",
        "finite_number": "must be a finite number",
        "bool_type": f"must be true or false, not {shown(value)}",
        "literal_error": f"must be one of {', '.join(QUOTED.findall(ctx.get('expected', '')))}, "
        f"not {shown(value)}",
        "list_type": f"must be a list, not {type(value).__name__}",
        "dict_type": f"must be a mapping, not {type(value).__name__}",
        "model_type": f"must be a mapping of fields, not {type(value).__name__}",
    }
    return loc, messages.get(kind, error["msg"].removeprefix("Value error, "))


@cache
def rows_of(model: type[Row]) -> TypeAdapter[list[Row]]:
    return TypeAdapter(list[model])  # type: ignore[valid-type]


class Reader:
    """Checks the loaded document section by section, noting each problem with its path."""

    def __init__(self, source: Source) -> None:
        self.source = source

    def report(self, error: ValidationError, fields: Iterable[str], path: Path) -> None:
        for details in error.errors(include_url=False):
            where, message = explain(details, fields)
            self.source.problem((*path, *where), message)

    def item(self, raw: Any, model: type[Row], path: Path) -> Item | None:
        try:
            return as_item(model.model_validate(raw), path)
        except ValidationError as error:
            self.report(error, model.model_fields, path)
            return None

    def items(self, raw: Any, model: type[Row], path: Path) -> list[Item]:
        """The valid items of a list (one pydantic call for the list when all are valid)."""
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.source.problem(path, f"must be a list, not {type(raw).__name__}")
            return []
        try:
            rows = rows_of(model).validate_python(raw)
        except ValidationError:
            checked = (self.item(r, model, (*path, i)) for i, r in enumerate(raw))
            return [item for item in checked if item is not None]
        return [as_item(row, (*path, i)) for i, row in enumerate(rows)]


def as_item(row: Row, path: Path) -> Item:
    values = row.__dict__
    if not row.children:
        return Item(path, values)
    return Item(path, values, {name: values.pop(name) for name in row.children})


def unique(source: Source, items: Sequence[Item], field_name: str, what: str) -> None:
    seen: dict[Any, Path] = {}
    for item in items:
        value = item.values[field_name]
        if value in seen:
            source.problem(
                item.at(field_name), f"duplicate {what} {value} (also at {dotted(seen[value])})"
            )
        else:
            seen[value] = item.path


def unique_folded(source: Source, items: Sequence[Item], field_name: str, what: str) -> None:
    """Usernames and e-mails match whatever the case: `Olivia` and `olivia` are one account."""
    seen: dict[str, Item] = {}
    for item in items:
        value = item.values[field_name]
        first = seen.setdefault(value.casefold(), item)
        if first is item or (field_name == "username" and first.values[field_name] == value):
            continue  # the same username twice is reported by `unique`
        source.problem(
            item.at(field_name),
            f"{what} {shown(value)} is also given at {dotted(first.path)} "
            f"({shown(first.values[field_name])}): {what}s match whatever the case, "
            "and each belongs to one account",
        )


def rule(source: Source, item: Item, check: Any) -> None:
    try:
        check()
    except RuleViolation as error:
        source.problem(item.at(error.field), error.reason)


def check_reading(item: Item, kr: Item | None, cycle: Item | None, today: date | None) -> None:
    """A check-in's (or KPI value's) value and date: true / false only for a done/not-done key
    result (stored as 1 / 0), never after today, and within its cycle when the file has it."""
    if kr is not None:
        item.values["value"] = reading_value(Metric(kr["metric"]), item["value"])
    if today is None:
        return  # a restore keeps readings as they were stored
    try:
        check_reading_date(
            item["at"],
            today=today,
            start=cycle["start"] if cycle is not None else None,
            end=cycle["end"] if cycle is not None else None,
        )
    except RuleViolation as error:
        if item["at"] > today:
            hint = "; a backup that holds such readings is restored with `headway import --restore`"
            raise RuleViolation(error.field, error.reason + hint) from error
        raise


def dec(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def count_rows(data: dict[Any, Any]) -> int:
    """How many rows a loaded plan would write at most (items of every list, nested ones too)."""

    def items(value: Any) -> list[Any]:
        return value if isinstance(value, list) else []

    def children(item: Any, name: str) -> list[Any]:
        return items(item.get(name)) if isinstance(item, dict) else []

    total = 0
    for section in SECTIONS:
        total += len(items(data.get(section)))
    total += sum(len(children(team, "members")) for team in items(data.get("teams")))
    total += sum(len(children(kpi, "values")) for kpi in items(data.get("kpis")))
    for objective in items(data.get("objectives")):
        total += len(children(objective, "initiatives"))
        for kr in children(objective, "key_results"):
            total += 1 + len(children(kr, "check_ins"))
    return total


def parse_plan(
    text: str, filename: str = "plan", *, max_rows: int | None = None, restore: bool = False
) -> Plan:
    """Parse and check a plan; raise PlanError listing the problems (with lines) when any.

    `max_rows` caps the number of items (objects, check-ins, values, team members) in the file.
    `restore` reads a backup (a complete export): readings keep the dates they were stored with,
    even after today or outside their cycle; every other rule holds.
    """
    source = Source(text, filename)
    try:
        data = parse_text(text)
    except RefusedYAML as error:
        mark = error.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise PlanError(filename, [(line, Problem((), str(error.problem)))]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(error, "problem", None) or str(error)
        raise PlanError(filename, [(line, Problem((), f"not valid YAML: {reason}"))]) from None
    if not isinstance(data, dict):
        raise PlanError(filename, [(1, Problem((), "must be a mapping with a workspace"))])
    if max_rows is not None and (rows := count_rows(data)) > max_rows:
        message = (
            f"has {rows:,} items, more than the {max_rows:,} a plan file may hold "
            "(HEADWAY_PLAN_MAX_ROWS): split it into several files"
        )
        raise PlanError(filename, [(None, Problem((), message))])
    read = Reader(source)
    for name in data:
        if name not in {"workspace", *SECTIONS, *COMPUTED}:
            source.problem(
                (str(name),), f"unknown section (sections: workspace, {', '.join(SECTIONS)})"
            )
    workspace = None
    if data.get("workspace") is None:
        source.problem((), "workspace is required")
    else:
        workspace = read.item(data["workspace"], Workspace, ("workspace",))

    users = read.items(data.get("users"), User, ("users",))
    teams = read.items(data.get("teams"), Team, ("teams",))
    cycles = read.items(data.get("cycles"), Cycle, ("cycles",))
    for cycle in cycles:
        if cycle["end"] < cycle["start"]:
            source.problem(cycle.at("end"), "must be on or after start")
        cycle.values["frozen"] = read_frozen(read, cycle)
    # Readings dated after today in the workspace's time zone are refused (docs/plan-file.md).
    today = today_in(workspace["timezone"]) if workspace is not None and not restore else None
    cycle_by_key = {cycle["key"]: cycle for cycle in cycles}

    kpis = read.items(data.get("kpis"), KPI, ("kpis",))
    for kpi in kpis:
        rule(source, kpi, lambda kpi=kpi: validate_kpi(kpi_input(kpi.values)))
        values = read.items(kpi.children["values"], KPIValue, kpi.at("values"))
        unique(source, values, "at", "date")
        for value in values:
            rule(source, value, lambda value=value: check_reading(value, None, None, today))
        kpi.children["values"] = values

    objectives = read.items(data.get("objectives"), Objective, ("objectives",))
    all_krs: list[Item] = []
    all_initiatives: list[Item] = []
    for objective in objectives:
        krs = read.items(objective.children["key_results"], KeyResult, objective.at("key_results"))
        for kr in krs:
            rule(source, kr, lambda kr=kr: validate_kr(kr_input(kr.values)))
            check_ins = read.items(kr.children["check_ins"], CheckIn, kr.at("check_ins"))
            unique(source, check_ins, "at", "check-in date")
            of = cycle_by_key.get(objective["cycle"])
            for c in check_ins:
                rule(source, c, lambda c=c, kr=kr, of=of: check_reading(c, kr, of, today))
            kr.children["check_ins"] = check_ins
        initiatives = read.items(
            objective.children["initiatives"], Initiative, objective.at("initiatives")
        )
        if not restore:  # a backup restores what was stored before the rule, as it was
            rule(source, objective, lambda krs=krs: check_key_result_count(len(krs)))
        objective.children["key_results"] = krs
        objective.children["initiatives"] = initiatives
        all_krs += krs
        all_initiatives += initiatives

    dependencies = read.items(data.get("dependencies"), Dependency, ("dependencies",))
    for dep in dependencies:
        sources = [n for n in ("objective", "key_result") if dep[n] is not None]
        targets = [n for n in ("depends_on_objective", "depends_on_key_result") if dep[n]]
        if len(sources) != 1:
            source.problem(dep.path, "give exactly one of objective and key_result")
        if len(targets) != 1:
            source.problem(
                dep.path, "give exactly one of depends_on_objective and depends_on_key_result"
            )
        if len(sources) == len(targets) == 1 and (
            sources[0] == targets[0].removeprefix("depends_on_")
            and dep[sources[0]] == dep[targets[0]]
        ):
            source.problem(dep.at(targets[0]), "an object cannot depend on itself")

    history = read.items(data.get("history"), Event, ("history",))

    unique(source, users, "username", "username")
    unique_folded(source, users, "username", "username")
    unique_folded(source, [u for u in users if u["email"]], "email", "e-mail")
    unique(source, teams, "key", "team key")
    unique(source, cycles, "key", "cycle key")
    unique(source, kpis, "key", "KPI key")
    unique(source, objectives, "key", "objective key")
    unique(source, all_krs, "key", "key result key")
    unique(source, all_initiatives, "key", "initiative key")
    source.check()
    assert workspace is not None
    return Plan(workspace, users, teams, cycles, kpis, objectives, dependencies, history)


def read_frozen(read: Reader, cycle: Item) -> dict[str, dict[str, dict[str, Any]]] | None:
    """A closed cycle's `frozen` grades: {objectives: {key: figures}, key_results: {...}}."""
    raw = cycle.children.pop("frozen")
    path = cycle.at("frozen")
    if raw is None:
        return None
    if cycle["state"] != CycleState.CLOSED.value:
        read.source.problem(path, "only a closed cycle has frozen figures")
        return None
    if not isinstance(raw, dict) or set(raw) - set(FROZEN):
        read.source.problem(path, "must be a mapping with objectives and key_results")
        return None
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for section, model in FROZEN.items():
        try:
            grades = frozen_of(model).validate_python(raw.get(section) or {})
        except ValidationError as error:
            read.report(error, model.model_fields, (*path, section))
            continue
        out[section] = {key: figures.__dict__ for key, figures in grades.items()}
    return out


@cache
def frozen_of(model: type[BaseModel]) -> TypeAdapter[dict[str, BaseModel]]:
    return TypeAdapter(dict[str, model])  # type: ignore[valid-type]


def kr_input(values: dict[str, Any]) -> KRInput:
    return KRInput(
        metric=Metric(values["metric"]),
        direction=Direction(values["direction"]),
        start=dec(values["start"]),
        target=dec(values["target"]),
        weight=Decimal(str(values["weight"])),
    )


def kpi_input(values: dict[str, Any]) -> KPIInput:
    return KPIInput(
        direction=KPIDirection(values["direction"]),
        cadence=Cadence(values["cadence"]),
        **{n: dec(values[n]) for n in ("target", "green", "red", "low", "high", "tolerance")},
    )
