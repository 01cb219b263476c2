"""The plan file format: parse YAML (or JSON) into checked items, with errors by file, line, field.

Parsing is pure (no database): types, enums, ranges, unknown fields, duplicate keys inside the
file and the domain rules of key results and KPIs. References between objects (a team key, an
owner's username) are resolved by the importer, which also knows what the database holds.
docs/plan-file.md describes the format.
"""

from __future__ import annotations

import contextlib
import gc
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from headway.core.timeutil import today_in
from headway.domain.bounds import MAX_NUMBER, check_date, check_reading_date, reading_value
from headway.domain.kpi import validate_kpi
from headway.domain.kr_count import check_key_result_count
from headway.domain.progress import validate_kr
from headway.domain.types import (
    Cadence,
    Category,
    Choice,
    CycleState,
    Direction,
    Indicator,
    InitiativeStatus,
    KPIDirection,
    KPIInput,
    KRInput,
    Metric,
    ObjectiveKind,
    Role,
    RuleViolation,
    Status,
    TeamKind,
    Visibility,
)

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
KEY_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_PROBLEMS = 20
MAX_SHOWN = 60  # characters of a value from the file repeated in an error message
MAX_MESSAGE = 300  # characters of one problem's message


def shown(value: Any) -> str:
    """A value from the file for an error message: its repr, cut short (never the whole value)."""
    text = repr(value)
    return text if len(text) <= MAX_SHOWN else f"{text[: MAX_SHOWN - 1]}…"


@dataclass(frozen=True, slots=True)
class F:
    """One field of a plan item: its kind, and what an omitted (or null) field means."""

    kind: str  # key, text, name, number, confidence, date, enum, ref, list, timezone, flag
    required: bool = False
    default: Any = None
    choices: type[Choice] | None = None
    max_length: int | None = None


def key(required: bool = True) -> F:
    return F("key", required=required, max_length=64)


def text(max_length: int | None = None, *, required: bool = False) -> F:
    return F("text", required=required, default="", max_length=max_length)


def enum(choices: type[Choice], default: Choice) -> F:
    return F("enum", default=default.value, choices=choices)


NUMBER = F("number")
DATE = F("date")
REF = F("ref")  # the key of another object, or a username
LIST = F("list")

# Every section of the plan, field by field (docs/plan-file.md lists the same, with defaults).
WORKSPACE = {
    "key": key(),
    "name": text(200, required=True),
    "timezone": F("timezone", default="UTC"),
}
USER = {
    "username": F("text", required=True, max_length=150),
    "name": text(150),
    "email": text(254),
    "role": enum(Role, Role.MEMBER),
    "member": F("flag", default=True),  # false: an account the workspace refers to, not a member
}
TEAM = {
    "key": key(),
    "name": text(200, required=True),
    "kind": enum(TeamKind, TeamKind.TEAM),
    "parent": REF,
    "lead": REF,
    "members": F("list", default=[]),
}
CYCLE = {
    "key": key(),
    "name": text(200, required=True),
    "start": F("date", required=True),
    "end": F("date", required=True),
    "state": enum(CycleState, CycleState.PLANNING),
    "frozen": LIST,  # a closed cycle's grades, when a re-grade would differ (checked below)
}
KPI = {
    "key": key(),
    "name": text(200, required=True),
    "description": text(),
    "owner": REF,
    "team": REF,
    "unit": text(32),
    "direction": enum(KPIDirection, KPIDirection.HIGHER_IS_BETTER),
    "target": NUMBER,
    "green": NUMBER,
    "red": NUMBER,
    "low": NUMBER,
    "high": NUMBER,
    "tolerance": NUMBER,
    "cadence": enum(Cadence, Cadence.WEEKLY),
    "category": enum(Category, Category.OTHER),
    "indicator": enum(Indicator, Indicator.LAGGING),
    "benchmark": NUMBER,
    "values": LIST,
}
KPI_VALUE = {
    "at": F("date", required=True),
    "value": F("number", required=True),
    "note": text(),
    "source": text(64),
    "recorded_by": REF,
}
OBJECTIVE = {
    "key": key(),
    "title": text(300, required=True),
    "description": text(),
    "owner": REF,
    "team": REF,
    "cycle": F("ref", required=True),
    "parent": REF,
    "carried_from": REF,
    "carried_over": F("flag", default=False),
    "kind": enum(ObjectiveKind, ObjectiveKind.ASPIRATIONAL),
    "visibility": enum(Visibility, Visibility.WORKSPACE),
    "retrospective": text(),
    "key_results": LIST,
    "initiatives": LIST,
}
KEY_RESULT = {
    "key": key(),
    "title": text(300, required=True),
    "metric": enum(Metric, Metric.NUMBER),
    "unit": text(32),
    "start": NUMBER,
    "target": NUMBER,
    "direction": enum(Direction, Direction.AUTO),
    "weight": F("number", default=1.0),
    "owner": REF,
    "kpi": REF,
    "check_ins": LIST,
}
CHECK_IN = {
    "at": F("date", required=True),
    "value": F("reading", required=True),
    "confidence": F("confidence", required=True),
    "note": text(),
    "blockers": text(),
    "author": REF,
}
INITIATIVE = {
    "key": key(),
    "title": text(300, required=True),
    "owner": REF,
    "status": enum(InitiativeStatus, InitiativeStatus.TODO),
    "due": DATE,
    "key_result": REF,
}
# One event of the history (a complete export carries it; docs/plan-file.md "history").
EVENT = {
    "at": F("text", required=True, max_length=40),  # ISO date and time with its UTC offset
    "actor": REF,
    "verb": F("text", required=True, max_length=32),
    "subject_type": F("text", required=True, max_length=32),
    "subject_key": F("text", required=True, max_length=64),
    "summary": text(300),
    "changes": LIST,  # any mapping, kept as it is (checked below)
    "objective": REF,
    "team": REF,
    "via": text(16),
}
DEPENDENCY = {
    "objective": REF,
    "key_result": REF,
    "depends_on_objective": REF,
    "depends_on_key_result": REF,
    "note": text(),
}

# Figures an export adds; an import reads past them (they are computed, never stored).
COMPUTED = {
    "plan": {"as_of"},
    "team": {"progress"},
    "kpi": {"latest", "status", "stale"},
    "objective": {"progress", "status", "score"},
    "key_result": {"current", "progress", "attainment", "status", "score"},
}
SECTIONS = ("users", "teams", "cycles", "kpis", "objectives", "dependencies", "history")
# The figures of one objective / key result in a closed cycle's `frozen` (okrs.scoring).
FROZEN = {
    "objectives": {
        "progress": NUMBER,
        "status": F("enum", choices=Status),
        "score": NUMBER,
        "expected": NUMBER,
    },
    "key_results": {
        "current": NUMBER,
        "progress": NUMBER,
        "attainment": NUMBER,
        "status": F("enum", choices=Status),
        "score": NUMBER,
        "confidence": F("confidence"),
        "expected": NUMBER,
    },
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


# Field values --------------------------------------------------------------------------------


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def convert(spec: F, value: Any) -> tuple[Any, str | None]:
    """(the checked value, None) or (None, what is wrong with it)."""
    kind = spec.kind
    if kind in {"text", "key", "ref", "timezone"}:
        if not isinstance(value, str):
            kind_name = "text" if not isinstance(value, bool) else "text (quote yes/no/on/off)"
            return None, f"must be {kind_name}, not {type(value).__name__} {shown(value)}"
        if spec.max_length and len(value) > spec.max_length:
            return None, f"must be at most {spec.max_length} characters"
        if kind == "key" and not KEY_PATTERN.fullmatch(value):
            return None, "must be letters, digits, '.', '_' or '-', starting with a letter or digit"
        if kind == "timezone":
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                return None, f"unknown time zone {shown(value)}"
        if kind in {"key", "ref"} and not value:
            return None, "must not be empty"
        return value, None
    if kind == "enum":
        assert spec.choices is not None
        allowed = [c.value for c in spec.choices]
        if value not in allowed:
            return None, f"must be one of {', '.join(allowed)}, not {shown(value)}"
        return value, None
    if kind == "reading" and isinstance(value, bool):
        return value, None  # a done/not-done key result's check-in (checked with its KR)
    if kind in {"number", "confidence", "reading"}:
        if not is_number(value):
            return None, f"must be a number, not {type(value).__name__} {value!r}"
        if not math.isfinite(value):
            return None, "must be a finite number"
        if abs(value) > MAX_NUMBER:
            return None, "must be between -1e15 and 1e15"
        if kind == "confidence":
            if value != int(value) or not 1 <= value <= 10:
                return None, f"must be a whole number from 1 to 10, not {value!r}"
            return int(value), None
        return float(value), None
    if kind == "date":
        if isinstance(value, datetime):
            return None, "must be a date (YYYY-MM-DD), not a date and time"
        day: date | None = value if isinstance(value, date) else None
        if isinstance(value, str) and DATE_PATTERN.fullmatch(value):
            with contextlib.suppress(ValueError):
                day = date.fromisoformat(value)
        if day is None:
            return None, f"must be a date (YYYY-MM-DD), not {value!r}"
        try:
            check_date("date", day)
        except RuleViolation as error:
            return None, error.reason
        return day, None
    raise AssertionError(kind)


class Reader:
    """Walks the loaded document, checking each item against its fields."""

    def __init__(self, source: Source) -> None:
        self.source = source

    def item(self, raw: Any, spec: dict[str, F], path: Path, section: str) -> Item | None:
        if not isinstance(raw, dict):
            self.source.problem(path, f"must be a mapping of fields, not {type(raw).__name__}")
            return None
        ignored = COMPUTED.get(section, set())
        values: dict[str, Any] = {}
        lists: dict[str, Any] = {}
        ok = True
        for name, value in raw.items():
            if name in ignored:
                continue
            if name not in spec:
                known = ", ".join(spec)
                self.source.problem((*path, str(name)), f"unknown field (fields: {known})")
                ok = False
                continue
            if spec[name].kind == "list":
                lists[name] = value
                continue
            if value is None:
                continue
            if spec[name].kind == "flag":
                if isinstance(value, bool):
                    values[name] = value
                else:
                    self.source.problem((*path, name), f"must be true or false, not {shown(value)}")
                    ok = False
                continue
            checked, error = convert(spec[name], value)
            if error:
                self.source.problem((*path, name), error)
                ok = False
            else:
                values[name] = checked
        for name, f in spec.items():
            if f.kind == "list":
                continue
            if name not in values:
                if f.required and name in raw and raw[name] is not None:
                    continue  # already reported as invalid
                if f.required:
                    self.source.problem(path, f"{name} is required")
                    ok = False
                values[name] = f.default
        result = Item(path, values)
        for name, f in spec.items():
            if f.kind == "list":
                result.children[name] = lists.get(name)  # type: ignore[assignment]
        return result if ok else None

    def items(self, raw: Any, spec: dict[str, F], path: Path, section: str) -> list[Item | None]:
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.source.problem(path, f"must be a list, not {type(raw).__name__}")
            return []
        return [self.item(r, spec, (*path, i), section) for i, r in enumerate(raw)]

    def usernames(self, raw: Any, path: Path) -> list[str]:
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.source.problem(path, "must be a list of usernames")
            return []
        names = []
        for i, name in enumerate(raw):
            if not isinstance(name, str) or not name:
                self.source.problem((*path, i), f"must be a username, not {shown(name)}")
            else:
                names.append(name)
        return names


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


def present(items: Sequence[Item | None]) -> list[Item]:
    return [i for i in items if i is not None]


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
        if name not in {"workspace", *SECTIONS, *COMPUTED["plan"]}:
            source.problem(
                (str(name),), f"unknown section (sections: workspace, {', '.join(SECTIONS)})"
            )
    if data.get("workspace") is None:
        source.problem((), "workspace is required")
    workspace = read.item(data.get("workspace"), WORKSPACE, ("workspace",), "workspace")

    users = present(read.items(data.get("users"), USER, ("users",), "user"))
    teams = present(read.items(data.get("teams"), TEAM, ("teams",), "team"))
    for team in teams:
        team.values["members"] = read.usernames(team.children.pop("members"), team.at("members"))
    cycles = present(read.items(data.get("cycles"), CYCLE, ("cycles",), "cycle"))
    for cycle in cycles:
        if cycle["end"] < cycle["start"]:
            source.problem(cycle.at("end"), "must be on or after start")
        cycle.values["frozen"] = read_frozen(source, cycle)
    # Readings dated after today in the workspace's time zone are refused (docs/plan-file.md).
    today = today_in(workspace["timezone"]) if workspace is not None and not restore else None
    cycle_by_key = {cycle["key"]: cycle for cycle in cycles}

    kpis = present(read.items(data.get("kpis"), KPI, ("kpis",), "kpi"))
    for kpi in kpis:
        rule(source, kpi, lambda kpi=kpi: validate_kpi(kpi_input(kpi.values)))
        values = present(read.items(kpi.children["values"], KPI_VALUE, kpi.at("values"), "value"))
        unique(source, values, "at", "date")
        for value in values:
            rule(source, value, lambda value=value: check_reading(value, None, None, today))
        kpi.children["values"] = values

    objectives = present(
        read.items(data.get("objectives"), OBJECTIVE, ("objectives",), "objective")
    )
    all_krs: list[Item] = []
    all_initiatives: list[Item] = []
    for objective in objectives:
        krs = present(
            read.items(
                objective.children["key_results"],
                KEY_RESULT,
                objective.at("key_results"),
                "key_result",
            )
        )
        for kr in krs:
            rule(source, kr, lambda kr=kr: validate_kr(kr_input(kr.values)))
            check_ins = present(
                read.items(kr.children["check_ins"], CHECK_IN, kr.at("check_ins"), "check_in")
            )
            unique(source, check_ins, "at", "check-in date")
            of = cycle_by_key.get(objective["cycle"])
            for c in check_ins:
                rule(source, c, lambda c=c, kr=kr, of=of: check_reading(c, kr, of, today))
            kr.children["check_ins"] = check_ins
        initiatives = present(
            read.items(
                objective.children["initiatives"],
                INITIATIVE,
                objective.at("initiatives"),
                "initiative",
            )
        )
        if not restore:  # a backup restores what was stored before the rule, as it was
            rule(source, objective, lambda krs=krs: check_key_result_count(len(krs)))
        objective.children["key_results"] = krs
        objective.children["initiatives"] = initiatives
        all_krs += krs
        all_initiatives += initiatives

    dependencies = present(
        read.items(data.get("dependencies"), DEPENDENCY, ("dependencies",), "dependency")
    )
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

    history = present(read.items(data.get("history"), EVENT, ("history",), "event"))
    for event in history:
        try:
            at = datetime.fromisoformat(event["at"])
        except ValueError:
            at = None
        if at is None or at.tzinfo is None:
            source.problem(event.at("at"), "must be a date and time with its UTC offset")
        event.values["at"] = at
        changes = event.children.pop("changes")
        if not isinstance(changes, dict | None):
            source.problem(event.at("changes"), "must be a mapping of field: [old, new]")
        event.values["changes"] = changes or {}

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


def read_frozen(source: Source, cycle: Item) -> dict[str, dict[str, dict[str, Any]]] | None:
    """A closed cycle's `frozen` grades: {objectives: {key: figures}, key_results: {...}}."""
    raw = cycle.children.pop("frozen")
    if raw is None:
        return None
    if cycle["state"] != CycleState.CLOSED.value:
        source.problem(cycle.at("frozen"), "only a closed cycle has frozen figures")
        return None
    if not isinstance(raw, dict) or set(raw) - set(FROZEN):
        source.problem(cycle.at("frozen"), "must be a mapping with objectives and key_results")
        return None
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for section, spec in FROZEN.items():
        path = (*cycle.at("frozen"), section)
        entries = raw.get(section) or {}
        if not isinstance(entries, dict):
            source.problem(path, "must be a mapping of key: figures")
            continue
        out[section] = {}
        for name, figures in entries.items():
            if not isinstance(figures, dict) or set(figures) != set(spec):
                source.problem((*path, str(name)), f"must give {', '.join(spec)}")
                continue
            checked = {}
            for field_name, value in figures.items():
                if value is None:
                    checked[field_name] = None
                    continue
                checked[field_name], error = convert(spec[field_name], value)
                if error:
                    source.problem((*path, str(name), field_name), error)
            out[section][str(name)] = checked
    return out


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
