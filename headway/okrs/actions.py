"""Every change to cycles, objectives, key results, check-ins, initiatives and dependencies.

Pages, the API, the plan importer and commands call these; each runs in one transaction,
checks the domain rules, and records who changed what in the history. Callers have already
checked permissions through headway.accounts.access.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction

from headway.accounts.models import User, Workspace
from headway.core.errors import Conflict, Invalid
from headway.core.timeutil import today_in
from headway.domain.kr_count import check_key_result_count
from headway.domain.progress import validate_kr
from headway.domain.types import CycleState, RuleViolation
from headway.history.actions import delete_recorded, record, save_changed, save_created
from headway.okrs.models import CheckIn, Cycle, Dependency, Initiative, KeyResult, Objective
from headway.okrs.scoring import freeze, kr_input


def ensure_open(cycle: Cycle) -> None:
    if cycle.is_closed:
        raise Conflict(
            f"cycle {cycle.key!r} is closed: its scores are final. An admin may reopen it.",
            field="cycle",
        )


# Cycles ------------------------------------------------------------------------------------


def check_dates(start: date, end: date) -> None:
    """Checked before saving: the database's own check would fail the save first."""
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
    if cycle.is_closed and set(fields) - {"name", "state"}:
        ensure_open(cycle)
    if cycle.is_closed and fields.get("state") not in (None, CycleState.CLOSED.value):
        cycle.frozen_figures = None  # reopening thaws the scores; saved with the state change
    save_changed(cycle, fields, actor=actor, via=via)
    return cycle


@transaction.atomic
def close_cycle(cycle: Cycle, *, actor: User | None, via: str = "") -> Cycle:
    """Close a cycle: its figures as of its end date are frozen and check-ins are refused."""
    if cycle.is_closed:
        raise Conflict(f"cycle {cycle.key!r} is already closed", field="state")
    cycle.frozen_figures = freeze(cycle)
    cycle.state = CycleState.CLOSED.value
    cycle.save(update_fields=["state", "frozen_figures", "updated_at"])
    record(cycle.workspace, actor=actor, verb="closed", subject=cycle, summary=str(cycle), via=via)
    return cycle


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
    seen = {objective.pk}
    while parent is not None:
        if parent.workspace_id != ws:
            raise Invalid("parent", "unknown objective")
        if parent.pk in seen:
            raise Invalid("parent", "would make the objective its own ancestor")
        seen.add(parent.pk)
        parent = parent.parent


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
    if set(fields) - {"retrospective"}:
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


def validate_check_in(value: float, confidence: int) -> None:
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        raise Invalid("value", "must be a finite number")
    if not isinstance(confidence, int) or not 1 <= confidence <= 10:
        raise Invalid("confidence", "must be a whole number from 1 to 10")


@transaction.atomic
def record_check_in(
    kr: KeyResult,
    *,
    actor: User | None,
    value: float,
    confidence: int,
    at: date | None = None,
    note: str = "",
    blockers: str = "",
    via: str = "",
) -> CheckIn:
    """Record this week's reading of a key result; a second check-in on the same day replaces it."""
    ensure_open(kr.objective.cycle)
    validate_check_in(value, confidence)
    day = at or today_in(kr.objective.cycle.workspace.timezone)
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
        changes={"at": day.isoformat(), "value": value, "confidence": confidence, "note": note},
        summary=f"{kr.title}: {value:g} (confidence {confidence}/10)",
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
