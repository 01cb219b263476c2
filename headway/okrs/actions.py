"""Every change to cycles, objectives, key results, check-ins, initiatives and dependencies.

Pages, the API, the plan importer and commands call these; each runs in one transaction,
checks the domain rules, and records who changed what in the history. Callers have already
checked permissions through headway.access.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from headway.accounts.models import User, Workspace
from headway.core.errors import Conflict, Invalid
from headway.core.timeutil import today_in
from headway.domain.bounds import (
    check_date,
    check_reading_date,
    default_reading_date,
    reading_value,
)
from headway.domain.carry import carried_start, is_unfinished
from headway.domain.cycles import refused_when_closed
from headway.domain.kr_count import check_key_result_count
from headway.domain.progress import validate_kr
from headway.domain.tree import depths, has_loop
from headway.domain.types import CycleState, Metric, RuleViolation
from headway.history.actions import delete_recorded, record, save_changed, save_created
from headway.kpis.models import KPI, KPIValue
from headway.okrs.models import CheckIn, Cycle, Dependency, Initiative, KeyResult, Objective
from headway.okrs.scoring import Scoreboard, freeze, kr_input, scoreboard


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
    workspace: Workspace, *, actor: User | None, via: str = "", **fields: Any
) -> Cycle:
    cycle = Cycle(workspace=workspace, **fields)
    check_dates(cycle.start, cycle.end)
    save_created(cycle, actor=actor, via=via)
    return cycle


@transaction.atomic
def update_cycle(cycle: Cycle, *, actor: User | None, via: str = "", **fields: Any) -> Cycle:
    check_dates(fields.get("start", cycle.start), fields.get("end", cycle.end))
    if fields.get("state") == CycleState.CLOSED.value and not cycle.is_closed:
        raise Invalid("state", "close a cycle with the close action, which freezes its scores")
    if cycle.is_closed and refused_when_closed("cycle", fields):
        ensure_open(cycle)
    if cycle.is_closed and fields.get("state") not in (None, CycleState.CLOSED.value):
        cycle.frozen_figures = None  # reopening thaws the scores; saved with the state change
    save_changed(cycle, fields, actor=actor, via=via)
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
    parents = dict(Objective.objects.filter(workspace_id=ws).values_list("id", "parent_id"))
    if has_loop({**parents, objective.pk or 0: parent.pk}, objective.pk or 0):
        raise Invalid("parent", "would make the objective its own ancestor")


@transaction.atomic
def create_objective(
    workspace: Workspace, *, actor: User | None, via: str = "", **fields: Any
) -> Objective:
    objective = Objective(workspace=workspace, **fields)
    validate_objective(objective)
    ensure_open(objective.cycle)
    save_created(objective, actor=actor, via=via)
    return objective


@transaction.atomic
def update_objective(
    objective: Objective, *, actor: User | None, via: str = "", **fields: Any
) -> Objective:
    if refused_when_closed("objective", fields):
        ensure_open(objective.cycle)
    save_changed(objective, fields, actor=actor, via=via)
    validate_objective(objective)
    if "cycle" in fields:
        ensure_open(objective.cycle)
    return objective


@transaction.atomic
def delete_objective(objective: Objective, *, actor: User | None, via: str = "") -> None:
    ensure_open(objective.cycle)
    delete_recorded(objective, actor=actor, via=via)


# Key results -------------------------------------------------------------------------------


def validate_key_result(kr: KeyResult) -> None:
    if kr.objective.workspace_id != kr.workspace_id:
        raise Invalid("objective", "unknown objective")
    if kr.kpi is not None and kr.kpi.workspace_id != kr.workspace_id:
        raise Invalid("kpi", "unknown KPI")
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
    objective: Objective, *, actor: User | None, via: str = "", **fields: Any
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
    return kr


@transaction.atomic
def update_key_result(
    kr: KeyResult, *, actor: User | None, via: str = "", **fields: Any
) -> KeyResult:
    ensure_open(kr.objective.cycle)
    save_changed(kr, fields, actor=actor, via=via)
    validate_key_result(kr)
    return kr


@transaction.atomic
def delete_key_result(kr: KeyResult, *, actor: User | None, via: str = "") -> None:
    ensure_open(kr.objective.cycle)
    delete_recorded(kr, actor=actor, via=via)


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
    if not isinstance(confidence, int) or not 1 <= confidence <= 10:
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
    return check_in


# Initiatives, dependencies -----------------------------------------------------------------


def validate_initiative(initiative: Initiative) -> None:
    if initiative.objective.workspace_id != initiative.workspace_id:
        raise Invalid("objective", "unknown objective")
    kr = initiative.key_result
    if kr is not None and kr.objective_id != initiative.objective_id:
        raise Invalid("key_result", "must belong to the initiative's objective")
    try:
        check_date("due", initiative.due)
    except RuleViolation as error:
        raise Invalid(error.field, error.reason) from error


@transaction.atomic
def create_initiative(
    workspace: Workspace, *, actor: User | None, via: str = "", **fields: Any
) -> Initiative:
    initiative = Initiative(workspace=workspace, **fields)
    validate_initiative(initiative)
    save_created(initiative, actor=actor, via=via)
    return initiative


@transaction.atomic
def update_initiative(
    initiative: Initiative, *, actor: User | None, via: str = "", **fields: Any
) -> Initiative:
    save_changed(initiative, fields, actor=actor, via=via)
    validate_initiative(initiative)
    return initiative


@transaction.atomic
def delete_initiative(initiative: Initiative, *, actor: User | None, via: str = "") -> None:
    delete_recorded(initiative, actor=actor, via=via)


@transaction.atomic
def create_dependency(
    workspace: Workspace, *, actor: User | None, via: str = "", **fields: Any
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


def free_key(queryset: QuerySet[Any], base: str) -> str:
    """`base` (as typed, case kept) or `base-2`, `base-3`... whichever no row uses yet."""
    base = base[:56]
    taken = set(queryset.filter(key__startswith=base).values_list("key", flat=True))
    n, key = 1, base
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key


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
