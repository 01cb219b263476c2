"""Adapter between the ORM and the scoring rules: rows in, figures by id out.

Pages, the API and the export all get their figures here, so every number is
computed the same way everywhere, and in a fixed number of queries whatever the data size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet

from headway.domain.evaluate import evaluate_kr, evaluate_objective
from headway.domain.numbers import dec, num
from headway.domain.progress import (
    ONE,
    hidden_in_progress,
    objective_progresses,
    validate_kr,
    weighted_progress,
)
from headway.domain.rollup import team_rollup
from headway.domain.scoring import score
from headway.domain.status import elapsed_fraction, kr_status, progress_bounds
from headway.domain.types import Direction, KRInput, Metric, Point, RuleViolation, Status
from headway.kpis.models import KPIValue
from headway.okrs.models import CheckIn, Cycle, KeyResult, Objective


@dataclass(frozen=True, slots=True)
class KRFigures:
    current: float | None
    progress: float
    attainment: float | None
    status: str
    score: float
    confidence: int | None
    expected: float  # where progress should be by now: the elapsed share of the cycle


@dataclass(frozen=True, slots=True)
class ObjectiveFigures:
    progress: float | None
    status: str | None
    score: float | None
    expected: float
    team_id: int | None = None


@dataclass(slots=True)
class Scoreboard:
    """Figures of every objective and key result of some cycles, as of one date."""

    as_of: date
    objectives: dict[int, ObjectiveFigures] = field(default_factory=dict)
    key_results: dict[int, KRFigures] = field(default_factory=dict)

    def team_progress(
        self, parents: dict[int, int | None], visible: Collection[int] | None = None
    ) -> dict[int, float | None]:
        """Rollup per team: mean progress of its and its descendants' objectives (not None).

        `visible`: the ids of the objectives the reader may see; the others are left out, so
        that team figures never give away a hidden objective's progress (docs/scoring.md §7).
        """
        rollup = team_rollup(
            parents,
            (
                (figures.team_id, dec(figures.progress))
                for objective_id, figures in self.objectives.items()
                if figures.team_id is not None and (visible is None or objective_id in visible)
            ),
        )
        return {team: num(value) for team, value in rollup.items()}


def kr_input(kr: KeyResult) -> KRInput:
    return KRInput(
        metric=Metric(kr.metric),
        direction=Direction(kr.direction),
        start=dec(kr.start),
        target=dec(kr.target),
        weight=Decimal(str(kr.weight)),
    )


def effective_as_of(cycle: Cycle, as_of: date) -> date:
    """A cycle is seen as of its end date at the latest, closed or not.

    Readings dated after the end belong to no figure of the cycle, so closing a cycle (which
    freezes its figures as of its end) never changes them (docs/scoring.md, "Dates").
    """
    return min(as_of, cycle.end)


def scoreboard(cycles: Iterable[Cycle], *, as_of: date) -> Scoreboard:
    """Every figure in `cycles` as of `as_of`, in at most four queries whatever the size.

    A closed cycle answers from the figures frozen when it was closed for any date on or after
    its end; everything else is computed from check-ins and KPI values dated on or before the
    date and on or before the cycle's end.
    """
    board = Scoreboard(as_of=as_of)
    live = []
    for cycle in cycles:
        if cycle.is_closed and cycle.frozen_figures and as_of >= cycle.end:
            thaw_into(board, cycle.frozen_figures)
        else:
            live.append(cycle)
    if live:
        compute_into(board, live, as_of=as_of)
    return board


def uses_stored(cycle: Cycle, *, as_of: date, today: date) -> bool:
    """Whether the stored figures answer for `cycle` as of `as_of`.

    They hold every reading up to the cycle's end (okrs.figures), which is what a figure sees
    as of today or later, or as of the end or later: no reading is dated after today. An
    earlier date is computed from the readings, and a closed cycle answers from its frozen
    figures.
    """
    if cycle.is_closed and cycle.frozen_figures and as_of >= cycle.end:
        return False
    return as_of >= min(today, cycle.end)


def figures_of(
    cycles: Iterable[Cycle],
    *,
    as_of: date,
    today: date,
    objectives: Iterable[Objective] = (),
    key_results: Iterable[KeyResult] = (),
) -> Scoreboard:
    """The figures of the objectives and key results a page or answer shows, as of `as_of`.

    Where stored figures answer (uses_stored), they come from the rows given, with no query:
    key results need their objective loaded (select_related, or read through
    `objective.key_results`). Other cycles are computed whole (`scoreboard`).
    """
    unique = {cycle.pk: cycle for cycle in cycles}
    stored = {
        pk: elapsed_fraction(c.start, c.end, as_of=effective_as_of(c, as_of))
        for pk, c in unique.items()
        if uses_stored(c, as_of=as_of, today=today)
    }
    board = scoreboard([c for pk, c in unique.items() if pk not in stored], as_of=as_of)
    for objective in objectives:
        if (elapsed := stored.get(objective.cycle_id)) is not None:
            board.objectives[objective.pk] = objective_figures(
                dec(objective.progress), elapsed, objective.team_id
            )
    for kr in key_results:
        elapsed = stored.get(kr.objective.cycle_id)
        if elapsed is not None and (definition := scorable(kr)) is not None:
            state = KRState(
                dec(kr.current), Decimal(str(kr.progress)), dec(kr.attainment), kr.confidence
            )
            board.key_results[kr.pk] = kr_figures(state, definition.direction, elapsed)
    return board


def status_q(cycles: Iterable[Cycle], status: Status, *, as_of: date) -> Q:
    """Objectives of `cycles` whose status as of `as_of` is `status`, as a filter on their
    stored progress (for cycles where uses_stored holds: the caller checks)."""
    found = Q(pk__in=[])
    for cycle in cycles:
        elapsed = elapsed_fraction(cycle.start, cycle.end, as_of=effective_as_of(cycle, as_of))
        low, high = progress_bounds(status, elapsed)
        match = Q(cycle_id=cycle.pk, progress__isnull=False)
        if low is not None:
            match &= Q(progress__gte=float(low))
        if high is not None:
            match &= Q(progress__lt=float(high))
        found |= match
    return found


def status_filter(
    cycles: Iterable[Cycle], status: Status, *, as_of: date, today: date
) -> tuple[Q, Scoreboard]:
    """A filter for the objectives of `cycles` in `status` as of `as_of`, and the figures
    computed to find it.

    Where stored figures answer it is a range of stored progress (status_q); the other cycles
    (an earlier date, a closed cycle's frozen figures) are computed whole, and their figures
    are given back for the page to reuse.
    """
    cycles = list(cycles)
    stored = [c for c in cycles if uses_stored(c, as_of=as_of, today=today)]
    computed = scoreboard([c for c in cycles if c not in stored], as_of=as_of)
    wanted = [pk for pk, f in computed.objectives.items() if f.status == status]
    return status_q(stored, status, as_of=as_of) | Q(id__in=wanted), computed


def freeze(cycle: Cycle) -> dict[str, Any]:
    """The figures of `cycle` as of its end date, in the JSON form stored on a closed cycle."""
    board = Scoreboard(as_of=cycle.end)
    compute_into(board, [cycle], as_of=cycle.end)
    return {
        "as_of": cycle.end.isoformat(),
        "objectives": {str(k): asdict(v) for k, v in board.objectives.items()},
        "key_results": {str(k): asdict(v) for k, v in board.key_results.items()},
    }


def thaw_into(board: Scoreboard, frozen: dict[str, Any]) -> None:
    for key, values in frozen["objectives"].items():
        board.objectives[int(key)] = ObjectiveFigures(**values)
    for key, values in frozen["key_results"].items():
        board.key_results[int(key)] = KRFigures(**values)


def load_points(
    cycle_ids: Iterable[int], kpi_ids: set[int], until: date
) -> tuple[dict[int, list[Point]], dict[int, list[Point]]]:
    """Check-ins per key result and values per KPI, dated on or before `until` (two queries)."""
    check_ins: dict[int, list[Point]] = defaultdict(list)
    rows = CheckIn.objects.filter(
        key_result__objective__cycle_id__in=list(cycle_ids), at__lte=until
    ).values_list("key_result_id", "at", "value", "confidence")
    for kr_id, at, value, confidence in rows:
        check_ins[kr_id].append(Point(at=at, value=Decimal(str(value)), confidence=confidence))
    kpi_values: dict[int, list[Point]] = defaultdict(list)
    if kpi_ids:
        for kpi_id, at, value in KPIValue.objects.filter(
            kpi_id__in=kpi_ids, at__lte=until
        ).values_list("kpi_id", "at", "value"):
            kpi_values[kpi_id].append(Point(at=at, value=Decimal(str(value))))
    return check_ins, kpi_values


@dataclass(frozen=True, slots=True)
class KRState:
    """What a key result's figures rest on, as stored on it: the rest comes from the date."""

    current: Decimal | None
    progress: Decimal
    attainment: Decimal | None
    confidence: int | None


@dataclass(slots=True)
class Evaluation:
    """Stored-figure inputs of every key result and objective of some cycles, as of a date."""

    key_results: dict[int, KRState] = field(default_factory=dict)
    objectives: dict[int, Decimal | None] = field(default_factory=dict)
    # What reading them needs besides the date: (cycle, direction) and (cycle, team).
    kr_context: dict[int, tuple[int, Direction]] = field(default_factory=dict)
    objective_context: dict[int, tuple[int, int | None]] = field(default_factory=dict)


def kr_figures(state: KRState, direction: Direction, elapsed: Decimal) -> KRFigures:
    """A key result's figures from its stored inputs and the elapsed share of its cycle."""
    return KRFigures(
        current=num(state.current, 6),
        progress=num(state.progress) or 0.0,
        attainment=num(state.attainment),
        status=kr_status(
            direction, state.progress, elapsed=elapsed, confidence=state.confidence
        ).value,
        score=float(score(state.progress)),
        confidence=state.confidence,
        expected=num(elapsed) or 0.0,
    )


def objective_figures(
    progress: Decimal | None, elapsed: Decimal, team_id: int | None
) -> ObjectiveFigures:
    graded = evaluate_objective(progress, elapsed=elapsed)
    return ObjectiveFigures(
        progress=num(graded.progress),
        status=graded.status.value if graded.status else None,
        score=float(graded.score) if graded.score is not None else None,
        expected=num(elapsed) or 0.0,
        team_id=team_id,
    )


def evaluate_cycles(cycles: list[Cycle], *, as_of: date) -> Evaluation:
    """The stored-figure inputs of everything in `cycles` from their readings (four queries)."""
    by_id = {c.id: c for c in cycles}
    objectives = list(
        Objective.objects.filter(cycle_id__in=by_id).values_list(
            "id", "cycle_id", "parent_id", "team_id"
        )
    )
    krs = list(
        KeyResult.objects.filter(objective__cycle_id__in=by_id).only(*KR_DEFINITION, "kpi_id")
    )
    until = max(effective_as_of(c, as_of) for c in cycles)
    check_ins, kpi_values = load_points(
        by_id, {kr.kpi_id for kr in krs if kr.kpi_id is not None}, until
    )
    cycle_of = {obj_id: by_id[cycle_id] for obj_id, cycle_id, _, _ in objectives}
    evaluation = Evaluation(
        objective_context={
            obj_id: (cycle_id, team_id) for obj_id, cycle_id, _, team_id in objectives
        }
    )
    own: dict[int, list[tuple[Decimal, Decimal]]] = defaultdict(list)
    for kr in krs:
        definition = scorable(kr)
        if definition is None:
            continue  # actions never store such a KR; skip it rather than fail a whole page
        observed = check_ins.get(kr.id, [])
        state = kr_state(
            definition,
            kpi_values.get(kr.kpi_id, []) if kr.kpi_id is not None else observed,
            observed,
            as_of=effective_as_of(cycle_of[kr.objective_id], as_of),
        )
        evaluation.key_results[kr.id] = state
        evaluation.kr_context[kr.id] = (cycle_of[kr.objective_id].id, definition.direction)
        own[kr.objective_id].append((definition.weight, state.progress))

    children: dict[int, list[int]] = defaultdict(list)
    for obj_id, cycle_id, parent_id, _ in objectives:
        # Only children of the same cycle count, so a cycle's figures never depend on which
        # other cycles happen to be computed alongside it (docs/scoring.md §3).
        if parent_id is not None and parent_id in cycle_of and cycle_of[parent_id].id == cycle_id:
            children[parent_id].append(obj_id)
    evaluation.objectives = objective_progresses(
        {obj_id: weighted_progress(own.get(obj_id, [])) for obj_id, *_ in objectives},
        children,
    )
    return evaluation


KR_DEFINITION = ("id", "objective_id", "metric", "direction", "start", "target", "weight")


def scorable(kr: KeyResult) -> KRInput | None:
    """The key result's definition, or None when it cannot be scored (it then counts nowhere)."""
    definition = kr_input(kr)
    try:
        validate_kr(definition)
    except RuleViolation:
        return None
    return definition


def kr_state(
    definition: KRInput, values: Iterable[Point], check_ins: Iterable[Point], *, as_of: date
) -> KRState:
    """A key result's stored inputs from its readings up to `as_of` (the elapsed share of the
    cycle plays no part in them)."""
    result = evaluate_kr(definition, values, check_ins=check_ins, as_of=as_of, elapsed=ONE)
    return KRState(result.current, result.progress, result.attainment, result.confidence)


def compute_into(board: Scoreboard, cycles: list[Cycle], *, as_of: date) -> None:
    evaluation = evaluate_cycles(cycles, as_of=as_of)
    elapsed_of = {
        c.id: elapsed_fraction(c.start, c.end, as_of=effective_as_of(c, as_of)) for c in cycles
    }
    for kr_id, state in evaluation.key_results.items():
        cycle_id, direction = evaluation.kr_context[kr_id]
        board.key_results[kr_id] = kr_figures(state, direction, elapsed_of[cycle_id])
    for obj_id, progress in evaluation.objectives.items():
        cycle_id, team_id = evaluation.objective_context[obj_id]
        board.objectives[obj_id] = objective_figures(progress, elapsed_of[cycle_id], team_id)


def hidden_in_figures(
    cycle_ids: Collection[int], seen: Q | None, shown: Collection[int]
) -> dict[int, int]:
    """Per objective `shown`: how many objectives the reader cannot see its progress takes in.

    `seen` is the reader's visibility filter (access.visible_objectives_q), None for
    someone who sees everything. Only what feeds the figures of `shown` is read, level by
    level: the children of those without key results of their own, and so on down (one query
    a level). docs/scoring.md §3, "Hidden children".
    """
    if seen is None or not cycle_ids:
        return {}
    rows = (
        Objective.objects.filter(cycle_id__in=list(cycle_ids))
        .order_by()
        .annotate(
            own=Exists(KeyResult.objects.filter(objective_id=OuterRef("pk"), weight__gt=0)),
            seen=ExpressionWrapper(seen, output_field=BooleanField()),
        )
    )
    columns = ("id", "cycle_id", "parent_id", "own", "seen")
    cycle_of: dict[int, int] = {}
    parent_of: dict[int, int | None] = {}
    has_own: set[int] = set()
    visible: set[int] = set()

    def read(level: QuerySet[Objective]) -> list[int]:
        """Remember these objectives; answer those whose figure comes from their children."""
        fed = []
        for obj_id, cycle_id, parent_id, own, is_seen in level.values_list(*columns):
            if obj_id in cycle_of:
                continue  # read already (a parent loop, which validation forbids)
            cycle_of[obj_id], parent_of[obj_id] = cycle_id, parent_id
            if own:
                has_own.add(obj_id)
            else:
                fed.append(obj_id)
            if is_seen:
                visible.add(obj_id)
        return fed

    fed = read(rows.filter(id__in=list(shown)))
    while fed:
        fed = read(rows.filter(parent_id__in=fed))
    children: dict[int, list[int]] = defaultdict(list)
    for obj_id, parent in parent_of.items():
        if parent is not None and cycle_of.get(parent) == cycle_of[obj_id]:
            children[parent].append(obj_id)  # the same-cycle rule of evaluate_cycles
    counts = hidden_in_progress(children, has_own, visible)
    wanted = set(shown)
    return {k: v for k, v in counts.items() if v and k in wanted}
