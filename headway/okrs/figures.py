"""Stored figures: each key result's and objective's progress, kept current by the writes.

The actions that change a figure's inputs (a check-in, a KPI value, a key result's definition
or weight, an objective's parent or cycle, a deletion) call `refresh_key_results` or
`refresh_objectives` in their transaction: the object and its ancestors are recomputed, which
costs the depth of the tree, not its size. Bulk writes (the plan import) refresh whole cycles.
Figures that depend on the date (expected progress, status) are derived when read
(okrs.scoring.figures_of). `headway figures check` compares stored with recomputed figures,
and `--repair` rebuilds them (docs/scoring.md, "Stored figures").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import OuterRef, Subquery

from headway.domain.numbers import dec
from headway.domain.progress import objective_progress, weighted_progress
from headway.domain.types import Point
from headway.kpis.models import KPIValue
from headway.okrs.announce import Moved, announce
from headway.okrs.models import CheckIn, Cycle, KeyResult, Objective
from headway.okrs.scoring import (
    KR_DEFINITION,
    Evaluation,
    KRState,
    evaluate_cycles,
    kr_state,
    scorable,
)

KR_STORED = ("current", "progress", "attainment", "confidence")
UNSCORED = KRState(None, Decimal(0), None, None)  # a key result that cannot be scored
CHUNK = 500  # ids per `IN (...)`: well below SQLite's limit on parameters


def chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    items = sorted(set(ids))
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def as_stored(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def refresh_key_results(ids: Collection[int], *, actor_id: int | None = None) -> None:
    """Recompute the stored figures of these key results, then of their objectives upwards,
    and record the events their changes make (okrs.announce)."""
    moved = Moved()
    objectives: set[int] = set()
    for part in chunks(ids):
        objectives |= store_key_results(part, moved)
    climb(objectives, moved)
    announce(moved, actor_id=actor_id)


def refresh_for_kpis(kpi_ids: Collection[int]) -> None:
    """A KPI's values changed: refresh the key results that follow it."""
    for part in chunks(kpi_ids):
        refresh_key_results(
            list(KeyResult.objects.filter(kpi_id__in=part).values_list("id", flat=True))
        )


def store_key_results(ids: list[int], moved: Moved) -> set[int]:
    """Store the figures of these key results (three queries), noting in `moved` those that
    changed; answer their objectives."""
    latest_kpi_value = KPIValue.objects.filter(
        kpi_id=OuterRef("kpi_id"), at__lte=OuterRef("objective__cycle__end")
    ).order_by("-at")
    krs = list(
        KeyResult.objects.filter(id__in=ids)
        .only(*KR_DEFINITION, "kpi_id", *KR_STORED, "objective__cycle__end")
        .select_related("objective__cycle")
        .annotate(
            kpi_at=Subquery(latest_kpi_value.values("at")[:1]),
            kpi_value=Subquery(latest_kpi_value.values("value")[:1]),
        )
    )
    check_ins: dict[int, list[Point]] = defaultdict(list)
    for kr_id, at, value, confidence in CheckIn.objects.filter(key_result_id__in=ids).values_list(
        "key_result_id", "at", "value", "confidence"
    ):
        check_ins[kr_id].append(Point(at=at, value=Decimal(str(value)), confidence=confidence))
    changed = []
    for kr in krs:
        definition = scorable(kr)
        observed = check_ins.get(kr.id, [])
        values = observed
        if kr.kpi_id is not None:
            at, value = getattr(kr, "kpi_at"), getattr(kr, "kpi_value")  # noqa: B009
            values = [] if at is None else [Point(at=at, value=Decimal(str(value)))]
        state = (
            UNSCORED
            if definition is None
            else kr_state(definition, values, observed, as_of=kr.objective.cycle.end)
        )
        before = (kr.progress, kr.confidence)
        if set_state(kr, state):
            changed.append(kr)
            moved.key_results[kr.id] = (before, (kr.progress, kr.confidence))
    KeyResult.objects.bulk_update(changed, KR_STORED)
    return {kr.objective_id for kr in krs}


def set_state(kr: KeyResult, state: KRState) -> bool:
    """Put `state` on `kr`; answer whether anything changed."""
    stored = (
        as_stored(state.current),
        float(state.progress),
        as_stored(state.attainment),
        state.confidence,
    )
    if stored == tuple(getattr(kr, name) for name in KR_STORED):
        return False
    kr.current, kr.progress, kr.attainment, kr.confidence = stored
    return True


def refresh_objectives(ids: Collection[int], *, actor_id: int | None = None) -> None:
    """Recompute the progress of these objectives and, where it changed, of their ancestors,
    and record the events their changes make (okrs.announce)."""
    moved = Moved()
    climb(set(ids), moved)
    announce(moved, actor_id=actor_id)


def climb(ids: set[int], moved: Moved) -> None:
    """Store the progress of these objectives and, where it changed, of their ancestors: a few
    queries per level of the tree."""
    pending = ids
    while pending:
        parents: set[int] = set()
        for part in chunks(pending):
            parents |= store_objectives(part, moved)
        pending = parents


def store_objectives(ids: list[int], moved: Moved) -> set[int]:
    """Store the progress of these objectives from their key results' and children's stored
    figures (three queries), noting in `moved` those that changed; answer the parents of those
    whose progress changed."""
    own: dict[int, list[tuple[Decimal, Decimal]]] = defaultdict(list)
    for kr in KeyResult.objects.filter(objective_id__in=ids).only(*KR_DEFINITION, "progress"):
        if (definition := scorable(kr)) is not None:
            own[kr.objective_id].append((definition.weight, Decimal(str(kr.progress))))
    rows = list(
        Objective.objects.filter(id__in=ids).only("id", "cycle_id", "parent_id", "progress")
    )
    cycle_of = {o.id: o.cycle_id for o in rows}
    children: dict[int, list[Decimal | None]] = defaultdict(list)
    for parent_id, cycle_id, progress in Objective.objects.filter(parent_id__in=ids).values_list(
        "parent_id", "cycle_id", "progress"
    ):
        if cycle_of.get(parent_id) == cycle_id:  # only children of the same cycle count
            children[parent_id].append(dec(progress))
    changed = []
    for objective in rows:
        progress = as_stored(
            objective_progress(weighted_progress(own[objective.id]), children[objective.id])
        )
        if progress != objective.progress:
            before = moved.objectives.get(objective.id, (objective.progress, None))[0]
            moved.objectives[objective.id] = (before, progress)
            objective.progress = progress
            changed.append(objective)
    Objective.objects.bulk_update(changed, ["progress"])
    return {o.parent_id for o in changed if o.parent_id is not None}


# Whole cycles: bulk writes, the check and the repair ----------------------------------------


def latest(cycles: list[Cycle]) -> Evaluation:
    """The figures of `cycles` recomputed from every reading up to each cycle's end."""
    return evaluate_cycles(cycles, as_of=date.max)


@dataclass(frozen=True, slots=True)
class Mismatch:
    kind: str  # "objective" or "key_result"
    key: str
    stored: object
    recomputed: object


def compare(cycles: list[Cycle], *, repair: bool = False) -> list[Mismatch]:
    """Stored figures of `cycles` that differ from recomputed ones; with `repair`, fix them."""
    if not cycles:
        return []
    evaluation = latest(cycles)
    found: list[Mismatch] = []
    krs = []
    for kr in KeyResult.objects.filter(objective__cycle__in=cycles).only("id", "key", *KR_STORED):
        state = evaluation.key_results.get(kr.id, UNSCORED)
        before = tuple(getattr(kr, name) for name in KR_STORED)
        if set_state(kr, state):
            after = tuple(getattr(kr, name) for name in KR_STORED)
            found.append(Mismatch("key_result", kr.key, before, after))
            krs.append(kr)
    objectives = []
    for objective in Objective.objects.filter(cycle__in=cycles).only("id", "key", "progress"):
        progress = as_stored(evaluation.objectives.get(objective.id))
        if progress != objective.progress:
            found.append(Mismatch("objective", objective.key, objective.progress, progress))
            objective.progress = progress
            objectives.append(objective)
    if repair:
        KeyResult.objects.bulk_update(krs, KR_STORED, batch_size=CHUNK)
        Objective.objects.bulk_update(objectives, ["progress"], batch_size=CHUNK)
    return found


def refresh_cycles(cycles: Iterable[Cycle]) -> None:
    """Rebuild the stored figures of whole cycles (bulk writes: the plan import)."""
    for cycle in cycles:
        compare([cycle], repair=True)
