"""Every change to cycles, objectives, key results, check-ins, initiatives and dependencies.

Pages, the API and commands call the single-object actions; the plan importer calls the bulk
`upsert_*` actions at the end of the module (one query per model per batch, through
history.actions.Batch). Each runs in one transaction, checks the domain rules (the same
`validate_*` / `check_*` functions, the closed-cycle rule of domain.cycles), and records who
changed what in the history. Callers have already checked permissions through headway.access.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple, TypedDict, Unpack

from django.db import IntegrityError, transaction

from headway.accounts.models import User, Workspace
from headway.core.errors import Conflict, Invalid
from headway.core.timeutil import today_in
from headway.core.trees import ancestor_map
from headway.core.unique import free_key
from headway.domain.bounds import (
    check_date,
    check_reading_date,
    default_reading_date,
    reading_value,
)
from headway.domain.carry import Number, carried_start, is_unfinished
from headway.domain.cycles import refused_when_closed
from headway.domain.events import Kind
from headway.domain.kr_count import check_key_result_count
from headway.domain.progress import validate_kr
from headway.domain.tree import depths, has_loop, team_rank
from headway.domain.types import CycleState, Metric, RuleViolation, TeamKind
from headway.history.actions import (
    BATCH,
    REFS,
    Batch,
    RowProblem,
    delete_recorded,
    record,
    refuse,
    save_changed,
    save_created,
)
from headway.kpis.models import KPI, KPIValue
from headway.okrs.announce import announce_check_in, announce_cycle
from headway.okrs.figures import refresh_cycles, refresh_key_results, refresh_objectives
from headway.okrs.models import CheckIn, Cycle, Dependency, Initiative, KeyResult, Objective
from headway.okrs.scoring import Scoreboard, freeze, kr_input, scoreboard
from headway.teams.models import Team

# The fields an action may be given, per model (references as objects).


class CycleFields(TypedDict, total=False):
    key: str
    name: str
    start: date
    end: date
    state: str


class ObjectiveFields(TypedDict, total=False):
    key: str
    title: str
    description: str
    owner: User | None
    team: Team | None
    cycle: Cycle
    parent: Objective | None
    kind: str
    visibility: str
    retrospective: str
    carried_from: Objective | None
    carried_over: bool


class KeyResultFields(TypedDict, total=False):
    key: str
    title: str
    metric: str
    unit: str
    start: Number | None  # a carried key result starts at its last figure
    target: float | None
    direction: str
    weight: float
    owner: User | None
    kpi: KPI | None
    position: int


class InitiativeFields(TypedDict, total=False):
    key: str
    title: str
    owner: User | None
    status: str
    due: date | None
    objective: Objective
    key_result: KeyResult | None


class DependencyFields(TypedDict, total=False):
    objective: Objective | None
    key_result: KeyResult | None
    depends_on_objective: Objective | None
    depends_on_key_result: KeyResult | None
    note: str


def actor_id(actor: User | None) -> int | None:
    return None if actor is None else actor.pk


def ensure_open(cycle: Cycle) -> None:
    """Refuse a change in a closed cycle, deciding on its state as stored right now.

    The caller's `cycle` may have been read before its transaction began, so the state is read
    again with the cycle's row locked until the transaction ends (PostgreSQL; on SQLite, BEGIN
    IMMEDIATE already serializes writers). A check-in racing close_cycle therefore either
    commits before the close freezes the figures, or waits and is refused (docs/scoring.md).
    """
    state = (
        Cycle.objects.select_for_update(no_key=True)
        .filter(pk=cycle.pk)
        .values_list("state", flat=True)
        .first()
    )
    if state is not None:
        cycle.state = state
    if cycle.is_closed:
        raise Conflict(
            f"cycle {cycle.key!r} is closed: its scores are final. An admin may reopen it.",
            field="cycle",
        )


# Cycles ------------------------------------------------------------------------------------


def check_dates(start: date, end: date) -> None:
    """Checked before saving: the database's own check would fail the save first."""
    for name, value in (("start", start), ("end", end)):
        try:
            check_date(name, value)
        except RuleViolation as error:
            raise Invalid(error.field, error.reason) from error
    if end < start:
        raise Invalid("end", "must be on or after start")


@transaction.atomic
def create_cycle(
    workspace: Workspace, *, actor: User | None, via: str = "", **fields: Unpack[CycleFields]
) -> Cycle:
    cycle = Cycle(workspace=workspace, **fields)
    check_dates(cycle.start, cycle.end)
    save_created(cycle, actor=actor, via=via)
    return cycle


@transaction.atomic
def update_cycle(
    cycle: Cycle, *, actor: User | None, via: str = "", **fields: Unpack[CycleFields]
) -> Cycle:
    check_dates(fields.get("start", cycle.start), fields.get("end", cycle.end))
    if fields.get("state") == CycleState.CLOSED.value and not cycle.is_closed:
        raise Invalid("state", "close a cycle with the close action, which freezes its scores")
    if cycle.is_closed and refused_when_closed("cycle", fields):
        ensure_open(cycle)
    thawing = cycle.is_closed and fields.get("state") not in (None, CycleState.CLOSED.value)
    changes = save_changed(cycle, fields, actor=actor, via=via)
    if "end" in changes:  # the stored figures count the readings up to the end
        refresh_cycles([cycle])
    if thawing:
        cycle.frozen_figures = None  # reopening thaws the scores: its figures are live again
        cycle.save(update_fields=["frozen_figures"])
    return cycle


@transaction.atomic
def close_cycle(cycle: Cycle, *, actor: User | None, via: str = "") -> Cycle:
    """Close a cycle: its figures as of its end date are frozen and check-ins are refused."""
    lock_for_closing(cycle)
    if cycle.is_closed:
        raise Conflict(f"cycle {cycle.key!r} is already closed", field="state")
    cycle.frozen_figures = freeze(cycle)
    cycle.state = CycleState.CLOSED.value
    cycle.save(update_fields=["state", "frozen_figures", "updated_at"])
    record(cycle.workspace, actor=actor, verb="closed", subject=cycle, summary=str(cycle), via=via)
    announce_cycle(cycle, Kind.CYCLE_CLOSED, actor_id=actor_id(actor))
    return cycle


def lock_for_closing(cycle: Cycle) -> None:
    """Lock the cycle's row, then the KPIs its key results follow (in id order), and re-read
    the state: writes that got there first are committed and counted in the frozen figures;
    check-ins that come later see the cycle closed, KPI values land after the freeze."""
    fresh = Cycle.objects.select_for_update(no_key=True).filter(pk=cycle.pk).first()
    if fresh is not None:
        cycle.state, cycle.frozen_figures = fresh.state, fresh.frozen_figures
    followed = KeyResult.objects.filter(objective__cycle_id=cycle.pk, kpi__isnull=False)
    list(
        KPI.objects.select_for_update()
        .filter(pk__in=followed.values("kpi_id"))
        .order_by("id")
        .values_list("id", flat=True)
    )


@transaction.atomic
def reopen_cycle(cycle: Cycle, *, actor: User | None, via: str = "") -> Cycle:
    return update_cycle(cycle, actor=actor, via=via, state=CycleState.ACTIVE.value)


# Objectives --------------------------------------------------------------------------------


def validate_objective(objective: Objective) -> None:
    ws = objective.workspace_id
    if objective.cycle.workspace_id != ws:
        raise Invalid("cycle", "unknown cycle")
    if objective.team is not None and objective.team.workspace_id != ws:
        raise Invalid("team", "unknown team")
    parent = objective.parent
    if parent is None:
        return
    if parent.workspace_id != ws:
        raise Invalid("parent", "unknown objective")
    parents = ancestor_map(Objective.objects.filter(pk=parent.pk))
    if has_loop({**parents, objective.pk or 0: parent.pk}, objective.pk or 0):
        raise Invalid("parent", "would make the objective its own ancestor")


def place(objective: Objective) -> None:
    """Set the objective's place in the OKR tree's order from its team (Objective.team_rank)."""
    objective.team_rank = team_rank(objective.team.kind if objective.team is not None else None)


def place_objectives(workspace: Workspace) -> None:
    """Set the place in the OKR tree's order of every objective of the workspace whose team,
    or its team's kind, changed (the plan import, once its teams and objectives are written):
    one UPDATE for each kind and one for the objectives without a team."""
    rows = Objective.objects.filter(workspace=workspace)
    for kind in (*TeamKind, None):
        rank = team_rank(kind)
        of_kind = rows.filter(team__isnull=True) if kind is None else rows.filter(team__kind=kind)
        of_kind.exclude(team_rank=rank).update(team_rank=rank)


@transaction.atomic
def create_objective(
    workspace: Workspace, *, actor: User | None, via: str = "", **fields: Unpack[ObjectiveFields]
) -> Objective:
    objective = Objective(workspace=workspace, **fields)
    validate_objective(objective)
    ensure_open(objective.cycle)
    place(objective)
    save_created(objective, actor=actor, via=via)
    refresh_objectives([objective.pk], actor_id=actor_id(actor))
    return objective


@transaction.atomic
def update_objective(
    objective: Objective, *, actor: User | None, via: str = "", **fields: Unpack[ObjectiveFields]
) -> Objective:
    if refused_when_closed("objective", fields):
        ensure_open(objective.cycle)
    before = objective.parent_id
    changes = save_changed(objective, fields, actor=actor, via=via)
    validate_objective(objective)
    if "cycle" in fields:
        ensure_open(objective.cycle)
    if "team" in changes:
        place(objective)
        objective.save(update_fields=["team_rank"])
    if "cycle" in changes:  # its key results count the readings up to the new cycle's end
        refresh_key_results(
            list(objective.key_results.values_list("pk", flat=True)), actor_id=actor_id(actor)
        )
    if "parent" in changes or "cycle" in changes:  # which figures feed which changed
        refresh_objectives(
            {o for o in (objective.pk, before, objective.parent_id) if o is not None},
            actor_id=actor_id(actor),
        )
    return objective


@transaction.atomic
def delete_objective(objective: Objective, *, actor: User | None, via: str = "") -> None:
    ensure_open(objective.cycle)
    delete_recorded(objective, actor=actor, via=via)
    if objective.parent_id is not None:
        refresh_objectives([objective.parent_id], actor_id=actor_id(actor))


# Key results -------------------------------------------------------------------------------


def validate_key_result(kr: KeyResult) -> None:
    if kr.objective.workspace_id != kr.workspace_id:
        raise Invalid("objective", "unknown objective")
    if kr.kpi is not None and kr.kpi.workspace_id != kr.workspace_id:
        raise Invalid("kpi", "unknown KPI")
    check_key_result_values(kr)


def check_key_result_values(kr: KeyResult) -> None:
    """The key result's own figures: finite numbers that make a reachable target."""
    for name in ("start", "target", "weight"):
        value = getattr(kr, name)
        if value is not None and not math.isfinite(value):
            raise Invalid(name, "must be a finite number")
    try:
        validate_kr(kr_input(kr))
    except RuleViolation as error:
        raise Invalid(error.field, error.reason) from error


@transaction.atomic
def create_key_result(
    objective: Objective, *, actor: User | None, via: str = "", **fields: Unpack[KeyResultFields]
) -> KeyResult:
    ensure_open(objective.cycle)
    # Lock the objective so that two key results added at once cannot make a sixth.
    list(Objective.objects.select_for_update().filter(pk=objective.pk).values_list("pk"))
    count = objective.key_results.count()
    try:
        check_key_result_count(count + 1)
    except RuleViolation as error:
        raise Invalid(error.field, f"{error.reason}; “{objective}” has {count}") from error
    fields.setdefault("position", count)
    kr = KeyResult(workspace_id=objective.workspace_id, objective=objective, **fields)
    validate_key_result(kr)
    save_created(kr, actor=actor, via=via)
    refresh_key_results([kr.pk], actor_id=actor_id(actor))
    return kr


@transaction.atomic
def update_key_result(
    kr: KeyResult, *, actor: User | None, via: str = "", **fields: Unpack[KeyResultFields]
) -> KeyResult:
    ensure_open(kr.objective.cycle)
    if save_changed(kr, fields, actor=actor, via=via):
        validate_key_result(kr)
        refresh_key_results([kr.pk], actor_id=actor_id(actor))
    return kr


@transaction.atomic
def delete_key_result(kr: KeyResult, *, actor: User | None, via: str = "") -> None:
    ensure_open(kr.objective.cycle)
    delete_recorded(kr, actor=actor, via=via)
    refresh_objectives([kr.objective_id], actor_id=actor_id(actor))


def validate_check_in(kr: KeyResult, value: float | bool, confidence: int, at: date) -> float:
    """The value to store, once value, confidence and date are checked (docs/scoring.md)."""
    cycle = kr.objective.cycle
    try:
        stored = reading_value(Metric(kr.metric), value)
        check_reading_date(
            at, today=today_in(cycle.workspace.timezone), start=cycle.start, end=cycle.end
        )
    except RuleViolation as error:
        raise Invalid(error.field, error.reason) from error
    if isinstance(confidence, bool) or not isinstance(confidence, int) or not 1 <= confidence <= 10:
        raise Invalid("confidence", "must be a whole number from 1 to 10")
    return stored


def kpi_reading(kr: KeyResult, kpi_id: int, day: date) -> float:
    """What a check-in of a KPI-driven key result stores as its value, for the record: the KPI's
    latest reading on or before the day (else the key result's start, else 0). Figures never use
    it: they come from the KPI's values (docs/scoring.md "KPI-driven key results")."""
    latest = KPIValue.objects.filter(kpi_id=kpi_id, at__lte=day).order_by("-at").first()
    if latest is not None:
        return latest.value
    return kr.start if kr.start is not None else 0.0


@transaction.atomic
def record_check_in(
    kr: KeyResult,
    *,
    actor: User | None,
    value: float | bool | None,
    confidence: int,
    at: date | None = None,
    note: str = "",
    blockers: str = "",
    via: str = "",
) -> CheckIn:
    """Record this week's reading of a key result; a second check-in on the same day replaces it.

    A key result driven by a KPI takes its value from the KPI: its check-in records confidence,
    note and blockers only, and a value given for it is refused. Left out, the date is today, or
    the cycle's end once the cycle has ended.
    """
    ensure_open(kr.objective.cycle)
    cycle = kr.objective.cycle
    day = at or default_reading_date(today=today_in(cycle.workspace.timezone), end=cycle.end)
    if kr.kpi is not None:
        if value is not None:
            raise Invalid(
                "value",
                f"this key result is driven by the KPI {kr.kpi.key!r} (its value comes from the "
                "KPI): give confidence, note and blockers only",
            )
        value = kpi_reading(kr, kr.kpi.pk, day)
    elif value is None:
        raise Invalid("value", "is required")
    value = validate_check_in(kr, value, confidence, day)
    check_in, _ = CheckIn.objects.update_or_create(
        key_result=kr,
        at=day,
        defaults={
            "value": value,
            "confidence": confidence,
            "note": note,
            "blockers": blockers,
            "author": actor,
        },
    )
    record(
        kr.workspace,
        actor=actor,
        verb="checked_in",
        subject=kr,
        changes={
            "at": day.isoformat(),
            "value": value,
            "confidence": confidence,
            "note": note,
            "blockers": blockers,
        },
        summary=(
            f"{kr.title}: confidence {confidence}/10"
            if kr.kpi_id is not None
            else f"{kr.title}: {value:g} (confidence {confidence}/10)"
        ),
        via=via,
        objective_id=kr.objective_id,
        team_id=kr.objective.team_id,
    )
    announce_check_in(kr, check_in, actor_id=actor_id(actor))
    refresh_key_results([kr.pk], actor_id=actor_id(actor))
    return check_in


# Initiatives, dependencies -----------------------------------------------------------------


def validate_initiative(initiative: Initiative) -> None:
    if initiative.objective.workspace_id != initiative.workspace_id:
        raise Invalid("objective", "unknown objective")
    kr = initiative.key_result
    if kr is not None and kr.objective_id != initiative.objective_id:
        raise Invalid("key_result", "must belong to the initiative's objective")
    check_due(initiative)


def check_due(initiative: Initiative) -> None:
    try:
        check_date("due", initiative.due)
    except RuleViolation as error:
        raise Invalid(error.field, error.reason) from error


@transaction.atomic
def create_initiative(
    workspace: Workspace, *, actor: User | None, via: str = "", **fields: Unpack[InitiativeFields]
) -> Initiative:
    initiative = Initiative(workspace=workspace, **fields)
    validate_initiative(initiative)
    save_created(initiative, actor=actor, via=via)
    return initiative


@transaction.atomic
def update_initiative(
    initiative: Initiative, *, actor: User | None, via: str = "", **fields: Unpack[InitiativeFields]
) -> Initiative:
    save_changed(initiative, fields, actor=actor, via=via)
    validate_initiative(initiative)
    return initiative


@transaction.atomic
def delete_initiative(initiative: Initiative, *, actor: User | None, via: str = "") -> None:
    delete_recorded(initiative, actor=actor, via=via)


@transaction.atomic
def create_dependency(
    workspace: Workspace, *, actor: User | None, via: str = "", **fields: Unpack[DependencyFields]
) -> Dependency:
    dependency = Dependency(workspace=workspace, **fields)
    sources = [x for x in (dependency.objective, dependency.key_result) if x is not None]
    targets = [x for x in (dependency.depends_on_objective, dependency.depends_on_key_result) if x]
    if len(sources) != 1:
        raise Invalid("objective", "give exactly one of objective and key_result")
    if len(targets) != 1:
        raise Invalid(
            "depends_on_objective",
            "give exactly one of depends_on_objective and depends_on_key_result",
        )
    if sources[0] == targets[0]:
        raise Invalid("depends_on_objective", "an object cannot depend on itself")
    for name in ("objective", "key_result", "depends_on_objective", "depends_on_key_result"):
        end = getattr(dependency, name)
        if end is not None and end.workspace_id != workspace.pk:
            kind = "key result" if name.endswith("key_result") else "objective"
            raise Invalid(name, f"unknown {kind}")
    same = {
        name: getattr(dependency, name)
        for name in ("objective", "key_result", "depends_on_objective", "depends_on_key_result")
    }
    duplicate = Conflict(
        f"“{sources[0]}” already depends on “{targets[0]}”",
        field="depends_on_objective"
        if dependency.depends_on_objective
        else "depends_on_key_result",
    )
    if Dependency.objects.filter(workspace=workspace, **same).exists():
        raise duplicate
    try:
        save_created(dependency, actor=actor, via=via)
    except IntegrityError as error:  # the same dependency added at the same moment
        raise duplicate from error
    return dependency


@transaction.atomic
def delete_dependency(dependency: Dependency, *, actor: User | None, via: str = "") -> None:
    delete_recorded(dependency, actor=actor, via=via)


# Carrying over -----------------------------------------------------------------------------

CARRY_MODES = ("move", "copy")


def check_carry_over(
    objectives: list[Objective], to_cycle: Cycle, mode: str, board: Scoreboard
) -> None:
    """Refuse, naming the field, anything carry_over cannot do; nothing is written before."""
    if mode not in CARRY_MODES:
        raise Invalid("mode", "must be move or copy")
    if not objectives:
        raise Invalid("objectives", "choose at least one unfinished objective")
    if to_cycle.is_closed:
        raise Conflict(
            f"cycle {to_cycle.key!r} is closed: carry over into a planned or active cycle",
            field="to_cycle",
        )
    already = set(
        Objective.objects.filter(
            carried_from__in=objectives, cycle=to_cycle, workspace_id=to_cycle.workspace_id
        ).values_list("carried_from__key", flat=True)
    )
    for objective in objectives:
        if objective.workspace_id != to_cycle.workspace_id:
            raise Invalid("to_cycle", "unknown cycle")
        if objective.cycle_id == to_cycle.pk:
            raise Invalid("to_cycle", f"{objective.key} is already in {to_cycle.name}")
        if objective.carried_over:
            raise Conflict(f"{objective.key} was already moved on", field="objectives")
        if objective.key in already:
            raise Conflict(
                f"{objective.key} was already carried over to {to_cycle.name}",
                field="objectives",
            )
        figures = board.objectives.get(objective.pk)
        if not is_unfinished(figures.progress if figures else None):
            raise Invalid("objectives", f"{objective.key} is achieved: nothing to carry over")


def carry_order(objectives: list[Objective]) -> list[Objective]:
    """Parents before their children, so a carried child can hang from its carried parent."""
    depth = depths({o.pk: o.parent_id for o in objectives})
    return sorted(objectives, key=lambda o: depth[o.pk])


@transaction.atomic
def carry_over(
    objectives: list[Objective],
    *,
    to_cycle: Cycle,
    mode: str,
    actor: User | None,
    via: str = "",
    only_unfinished: bool = False,
) -> list[Objective]:
    """Carry unfinished objectives with their unfinished key results into `to_cycle`.

    Each gets a new objective in `to_cycle`, linked by `carried_from`; each key result below
    100 % is carried with start = its last value (as of the old cycle's end once closed) and
    the same target. `move` also marks the original as carried over; either way the original
    keeps its key results, check-ins and figures in its own cycle (docs/scoring.md).
    With `only_unfinished`, achieved objectives are left out instead of refused.
    """
    # Locked first, so that two carry-overs at once (or a close of the target) are taken one
    # after the other and the "already carried" and "closed" checks see each other's result.
    to_cycle = Cycle.objects.select_for_update().select_related("workspace").get(pk=to_cycle.pk)
    fresh = Objective.objects.select_for_update().in_bulk([o.pk for o in objectives])
    for objective in objectives:
        objective.carried_over = fresh[objective.pk].carried_over
    cycles = {o.cycle_id: o.cycle for o in objectives}
    board = scoreboard(cycles.values(), as_of=today_in(to_cycle.workspace.timezone))
    if only_unfinished:
        objectives = [
            o
            for o in objectives
            if is_unfinished(f.progress if (f := board.objectives.get(o.pk)) else None)
        ]
    check_carry_over(objectives, to_cycle, mode, board)
    workspace_objectives = Objective.objects.filter(workspace_id=to_cycle.workspace_id)
    workspace_krs = KeyResult.objects.filter(workspace_id=to_cycle.workspace_id)
    carried: dict[int, Objective] = {}
    for original in carry_order(objectives):
        parent = original.parent
        if parent is not None and parent.pk in carried:
            parent = carried[parent.pk]
        elif parent is not None and parent.cycle_id != to_cycle.pk:
            parent = None
        copy = create_objective(
            to_cycle.workspace,
            actor=actor,
            via=via,
            key=free_key(workspace_objectives, original.key),
            title=original.title,
            description=original.description,
            owner=original.owner,
            team=original.team,
            cycle=to_cycle,
            parent=parent,
            kind=original.kind,
            visibility=original.visibility,
            carried_from=original,
        )
        carried[original.pk] = copy
        position = 0
        for kr in original.key_results.order_by("position", "key"):
            figures = board.key_results.get(kr.pk)
            if figures is not None and not is_unfinished(figures.progress):
                continue  # met in the old cycle: it stays there
            position += 1
            create_key_result(
                copy,
                actor=actor,
                via=via,
                key=free_key(workspace_krs, f"{copy.key}-kr{position}"),
                title=kr.title,
                metric=kr.metric,
                unit=kr.unit,
                start=carried_start(
                    Metric(kr.metric), kr.start, figures.current if figures else None
                ),
                target=kr.target,
                direction=kr.direction,
                weight=kr.weight,
                owner=kr.owner,
                kpi=kr.kpi,
                position=position - 1,
            )
        if mode == "move":
            original.carried_over = True
            original.save(update_fields=["carried_over", "updated_at"])
        record(
            original.workspace,
            actor=actor,
            verb="carried_over",
            subject=original,
            changes={"to": copy.key, "to_cycle": to_cycle.key, "mode": mode},
            summary=f"{original.title}: carried over to {to_cycle.name} as {copy.key} ({mode})",
            via=via,
            objective_id=original.pk,
            team_id=original.team_id,
        )
    return [carried[o.pk] for o in objectives]


# Bulk writes (the plan import) -------------------------------------------------------------
#
# Each takes the Batch of the import (headway.history.actions), upserts its rows by key with
# one query per model per batch, records one event per row that really changed, and refuses
# (Refused, naming each row's index) any change a closed cycle does not allow. References come
# as ids, except parents in the same table, which come as keys and are set once every row
# exists.


def closed_message(cycle_key: str) -> str:
    return (
        f"cycle {cycle_key!r} is closed: its scores are final. "
        "Reopen it (state: active) to change what it holds"
    )


def lock_cycles(workspace: Workspace) -> dict[str, Cycle]:
    """The workspace's cycles by key, locked like ensure_open: a cycle closed meanwhile is seen
    closed, and none closes before the bulk write commits."""
    cycles = Cycle.objects.filter(workspace=workspace).select_for_update(no_key=True)
    return {cycle.key: cycle for cycle in cycles.order_by("id")}


@dataclass(frozen=True, slots=True)
class CyclesWritten:
    """What `upsert_cycles` leaves for later: the cycles to close once everything is in, and
    the ids of those closed before and still closed (their contents may not change)."""

    to_close: list[Cycle]
    locked: frozenset[int]


@transaction.atomic
def upsert_cycles(
    batch: Batch, items: Sequence[tuple[str, Mapping[str, Any]]], rows: dict[str, Cycle]
) -> CyclesWritten:
    """Create or update cycles (name, start, end, state) from `rows` (locked by lock_cycles).

    A cycle to be closed is written open and returned in `to_close`: close_cycles closes it
    once what it holds is written, so its figures are frozen from them. A closed cycle may be
    renamed or reopened (its frozen figures are thawed); any other change is refused.
    """
    closed_before = {row.pk for row in rows.values() if row.is_closed}
    written = []
    for key, values in items:
        row = rows.get(key)
        if values["state"] == CycleState.CLOSED.value and (row is None or not row.is_closed):
            state = row.state if row is not None else CycleState.ACTIVE.value
            values = {**values, "state": state}
        written.append((key, values))

    def lock(index: int, row: Cycle | None, changes: dict[str, Any]) -> RowProblem | None:
        if row is None or row.pk not in closed_before:
            return None
        if "state" in changes:
            row.frozen_figures = None  # reopened: its figures are live again
        elif refused := refused_when_closed("cycle", changes):
            return RowProblem(index, refused[0], closed_message(row.key))
        return None

    upserted = batch.upsert(
        Cycle, "cycle", written, rows, lock=lock, check=lambda c: check_dates(c.start, c.end)
    )
    reopened = [
        one.row
        for one in upserted
        if not one.new and "state" in one.changes and one.row.pk in closed_before
    ]
    if reopened:
        Cycle.objects.bulk_update(reopened, ["frozen_figures"])
    batch.finish("cycle", upserted, lambda cycle: {})
    to_close = [
        one.row
        for one in upserted
        if items[one.index][1]["state"] == CycleState.CLOSED.value and not one.row.is_closed
    ]
    locked = frozenset(row.pk for row in rows.values() if row.is_closed and row.pk in closed_before)
    return CyclesWritten(to_close, locked)


def refresh_figures(batch: Batch) -> None:
    """Rebuild the stored figures of every cycle of the batch's workspace, once its rows are
    written (okrs.figures: a bulk write refreshes whole cycles)."""
    refresh_cycles(Cycle.objects.filter(workspace=batch.workspace))


@transaction.atomic
def close_cycles(
    batch: Batch,
    cycles: Sequence[Cycle],
    *,
    frozen: Mapping[str, Mapping[str, Mapping[str, Any]]],
    objectives: Mapping[int, Objective],
) -> list[str]:
    """Close each cycle with close_cycle; a cycle with grades in `frozen` (by cycle key: the
    objectives' and key results' figures by key) keeps those instead of a re-grade of today's
    values (docs/plan-file.md, "cycles"). Answers the keys of the cycles closed."""
    for cycle in cycles:
        close_cycle(cycle, actor=batch.actor, via=batch.via)
        grades = frozen.get(cycle.key)
        if not grades:
            continue
        figures = cycle.frozen_figures or {}
        for key, values in grades["objectives"].items():
            pk = batch.ids["objective"][key]
            figures["objectives"][str(pk)] = {**values, "team_id": objectives[pk].team_id}
        for key, values in grades["key_results"].items():
            figures["key_results"][str(batch.ids["key_result"][key])] = values
        cycle.frozen_figures = figures
        cycle.save(update_fields=["frozen_figures"])
    return [cycle.key for cycle in cycles]


@dataclass(frozen=True, slots=True)
class ObjectiveRow:
    """An objective to write: its fields (references as ids) and its parent and carried_from
    (as keys: they may be written in the same batch)."""

    key: str
    values: Mapping[str, Any]
    parent: str | None = None
    carried_from: str | None = None


def objective_context(objective: Objective) -> dict[str, int | None]:
    return {"objective_id": objective.pk, "team_id": objective.team_id}


@transaction.atomic
def upsert_objectives(
    batch: Batch,
    items: Sequence[ObjectiveRow],
    rows: dict[str, Objective],
    *,
    locked: Collection[int],
) -> dict[int, Objective]:
    """Create or update objectives; answer every objective of the workspace by id.

    An objective in a cycle of `locked` (closed) may only change its review (retrospective,
    carried_over), and may not move into or out of such a cycle. The caller checked that no
    parent makes a loop (domain.tree).
    """
    old_cycle = {row.key: row.cycle_id for row in rows.values()}

    def lock(index: int, row: Objective | None, changes: dict[str, Any]) -> RowProblem | None:
        item = items[index]
        if not refused_when_closed("objective", changes):
            return None
        for cycle_id in {old_cycle.get(item.key), item.values["cycle"]}:
            if cycle_id in locked:
                return RowProblem(index, None, closed_message(batch.names["cycle"][cycle_id]))
        return None

    pairs = [(item.key, item.values) for item in items]
    upserted = batch.upsert(Objective, "objective", pairs, rows, lock=lock)
    late = {
        index: {
            "parent": batch.ref("objective", item.parent),
            "carried_from": batch.ref("objective", item.carried_from),
        }
        for index, item in enumerate(items)
    }
    batch.finish("objective", upserted, objective_context, late=late, lock=lock)
    return {row.pk: row for row in rows.values()}


def in_objective(objectives: Mapping[int, Objective]) -> Callable[[Any], dict[str, int | None]]:
    """The event context of a row of an objective (a key result, an initiative)."""
    return lambda row: {
        "objective_id": row.objective_id,
        "team_id": objectives[row.objective_id].team_id,
    }


@transaction.atomic
def upsert_key_results(
    batch: Batch,
    items: Sequence[tuple[str, Mapping[str, Any]]],
    rows: dict[str, KeyResult],
    *,
    objectives: Mapping[int, Objective],
    locked: Collection[int],
) -> dict[int, KeyResult]:
    """Create or update key results; answer every key result of the workspace by id.

    Each new or changed one is checked like update_key_result does (check_key_result_values).
    Nothing may change in a cycle of `locked`, nor move into or out of one. The caller checked
    the count per objective.
    """
    old_objective = {row.key: row.objective_id for row in rows.values()}

    def lock(index: int, row: KeyResult | None, changes: dict[str, Any]) -> RowProblem | None:
        objective_ids = {old_objective.get(items[index][0]), changes.get("objective")}
        objective_ids |= {row.objective_id} if row is not None else set()
        for objective_id in objective_ids - {None}:
            cycle_id = objectives[objective_id].cycle_id  # type: ignore[index]
            if cycle_id in locked:
                return RowProblem(index, None, closed_message(batch.names["cycle"][cycle_id]))
        return None

    upserted = batch.upsert(
        KeyResult, "key_result", items, rows, lock=lock, check=check_key_result_values
    )
    batch.finish("key_result", upserted, in_objective(objectives))
    return {row.pk: row for row in rows.values()}


class CheckInRow(NamedTuple):
    """A check-in to write (a named tuple: an import may hold thousands)."""

    key_result: int
    at: date
    value: float
    confidence: int
    note: str
    blockers: str
    author: int | None


@transaction.atomic
def upsert_check_ins(
    batch: Batch,
    items: Sequence[CheckInRow],
    *,
    key_results: Mapping[int, KeyResult],
    objectives: Mapping[int, Objective],
    locked: Collection[int],
) -> None:
    """Create or update check-ins by (key result, date); one event per key result with the
    counts. A new or changed check-in in a cycle of `locked` is refused."""
    existing = {
        (c.key_result_id, c.at): c
        for c in CheckIn.objects.filter(key_result__workspace=batch.workspace)
    }
    new: list[CheckIn] = []
    changed: list[CheckIn] = []
    fields: set[str] = set()
    per_kr: dict[int, Counter[str]] = defaultdict(Counter)
    problems = []
    for index, item in enumerate(items):
        values = item._asdict()
        del values["key_result"], values["at"]
        row = existing.get((item.key_result, item.at))
        if row is None:
            author = values.pop("author")
            row = CheckIn(key_result_id=item.key_result, at=item.at, author_id=author, **values)
            new.append(row)
            per_kr[item.key_result]["created"] += 1
        else:
            changes = batch.assign(row, values, REFS["check_in"])
            if not changes:
                continue
            changed.append(row)
            fields.update("author_id" if n == "author" else n for n in changes)
            per_kr[item.key_result]["updated"] += 1
        cycle_id = objectives[key_results[item.key_result].objective_id].cycle_id
        if cycle_id in locked:
            problems.append(RowProblem(index, None, closed_message(batch.names["cycle"][cycle_id])))
    refuse(problems)
    CheckIn.objects.bulk_create(new, batch_size=BATCH)
    batch.bulk_update(CheckIn, changed, fields)
    context = in_objective(objectives)
    for kr_id, counts in per_kr.items():
        kr = key_results[kr_id]
        batch.readings_event("check_ins_recorded", kr, counts, context(kr))
    batch.count("check_in", len(new), len(changed))


@transaction.atomic
def upsert_initiatives(
    batch: Batch,
    items: Sequence[tuple[str, Mapping[str, Any]]],
    rows: dict[str, Initiative],
    *,
    objectives: Mapping[int, Objective],
) -> None:
    """Create or update initiatives, their due date checked (the caller checked that a key
    result named belongs to the initiative's objective)."""
    upserted = batch.upsert(Initiative, "initiative", items, rows, check=check_due)
    batch.finish("initiative", upserted, in_objective(objectives))


class DependencyRow(NamedTuple):
    """A dependency to write: exactly one source and one target, as ids, and what the created
    event records (the fields as given, by key)."""

    objective: int | None
    key_result: int | None
    depends_on_objective: int | None
    depends_on_key_result: int | None
    note: str
    given: Mapping[str, Any]


@transaction.atomic
def upsert_dependencies(
    batch: Batch,
    items: Sequence[DependencyRow],
    *,
    objectives: Mapping[int, Objective],
    key_results: Mapping[int, KeyResult],
) -> None:
    """Create dependencies the workspace does not have yet (same source and target) and
    update the note of those it has."""
    existing = {
        (d.objective_id, d.key_result_id, d.depends_on_objective_id, d.depends_on_key_result_id): d
        for d in Dependency.objects.filter(workspace=batch.workspace)
    }
    new, changed = [], []
    for item in items:
        ids = item[:4]
        row = existing.get(ids)
        if row is None:
            row = Dependency(
                workspace=batch.workspace,
                objective_id=item.objective,
                key_result_id=item.key_result,
                depends_on_objective_id=item.depends_on_objective,
                depends_on_key_result_id=item.depends_on_key_result,
                note=item.note,
            )
            new.append((item, row))
            existing[ids] = row
        elif row.note != item.note:
            changes = {"note": [row.note, item.note]}
            row.note = item.note
            changed.append(row)
            dependency_event(batch, "updated", row, changes, objectives, key_results)
    Dependency.objects.bulk_create([row for _, row in new], batch_size=BATCH)
    batch.bulk_update(Dependency, changed, {"note"})
    for item, row in new:
        dependency_event(batch, "created", row, dict(item.given), objectives, key_results)
    batch.count("dependency", len(new), len(changed))


def dependency_event(
    batch: Batch,
    verb: str,
    row: Dependency,
    changes: dict[str, Any],
    objectives: Mapping[int, Objective],
    key_results: Mapping[int, KeyResult],
) -> None:
    objective_id = row.objective_id or key_results[row.key_result_id or 0].objective_id
    names = batch.names

    def name(objective_id: int | None, key_result_id: int | None) -> str | None:
        return names["objective"].get(objective_id or 0) or names["key_result"].get(
            key_result_id or 0
        )

    source = name(row.objective_id, row.key_result_id)
    target = name(row.depends_on_objective_id, row.depends_on_key_result_id)
    context = {"objective_id": objective_id, "team_id": objectives[objective_id].team_id}
    batch.add_event(verb, row, changes, context, summary=f"{source} depends on {target}")
