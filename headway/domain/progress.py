"""Key result current value, progress and attainment; objective progress (docs/scoring.md)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal

from headway.domain.bounds import MAX_MAGNITUDE, check_number, check_span
from headway.domain.numbers import storable
from headway.domain.types import Direction, KRInput, Metric, Point, RuleViolation

ZERO = Decimal(0)
ONE = Decimal(1)
ATTAINMENT_CAP = MAX_MAGNITUDE**2


def validate_kr(kr: KRInput) -> None:
    """Raise RuleViolation when a key result's definition cannot be scored."""
    check_number("weight", kr.weight)
    if kr.weight < 0:
        raise RuleViolation("weight", "must be 0 or more")
    if kr.metric is Metric.BOOLEAN:
        return
    check_number("start", kr.start)
    check_number("target", kr.target)
    if kr.target is None:
        raise RuleViolation("target", "is required")
    if kr.direction is Direction.AUTO:
        if kr.start is None:
            raise RuleViolation("start", "is required when direction is auto")
        if kr.start == kr.target:
            raise RuleViolation("target", "must differ from start when direction is auto")
        check_span(kr.start, kr.target)


def latest_point(points: Iterable[Point], *, as_of: date) -> Point | None:
    """The observation with the latest `at` on or before `as_of`.

    Ordered by `at`, never by insertion: a check-in back-dated to last week does not hide a newer
    one. On equal dates the later one in `points` wins.
    """
    latest: Point | None = None
    for point in points:
        if point.at <= as_of and (latest is None or point.at >= latest.at):
            latest = point
    return latest


def kr_current(kr: KRInput, latest: Point | None) -> Decimal | None:
    """Current value: the latest observation, else `start`.

    None when there is neither (progress 0); a boolean without a check-in is 0 (false). `start`
    is ignored for at_least / at_most KRs: a threshold is met only once a reading says so.
    """
    if latest is not None:
        return latest.value
    if kr.metric is Metric.BOOLEAN:
        return ZERO
    return kr.start if kr.direction is Direction.AUTO else None


def clamp(value: Decimal, low: Decimal = ZERO, high: Decimal = ONE) -> Decimal:
    return max(low, min(high, value))


def kr_progress(kr: KRInput, current: Decimal | None) -> tuple[Decimal, Decimal | None]:
    """(progress in [0, 1], attainment) of a key result whose current value is `current`.

    Attainment is the unclamped ratio (1.3 = 130 %) and exists only for direction auto. Both
    keep 15 significant digits (numbers.storable), the precision of a stored figure.
    """
    if kr.metric is Metric.BOOLEAN:
        return (ONE if current else ZERO), None
    if current is None:
        return ZERO, None
    assert kr.target is not None  # validate_kr guarantees it
    if kr.direction is Direction.AT_LEAST:
        return (ONE if current >= kr.target else ZERO), None
    if kr.direction is Direction.AT_MOST:
        return (ONE if current <= kr.target else ZERO), None
    assert kr.start is not None  # validate_kr guarantees start != target for auto
    assert kr.start != kr.target
    # One formula serves increasing and decreasing targets: the signs cancel
    # (start 5, target 3, current 4 gives -1 / -2 = 0.5).
    attainment = (current - kr.start) / (kr.target - kr.start)
    if attainment.is_zero():
        attainment = ZERO  # never -0 (start 5, target 3, current 5 gives 0 / -2)
    # Within the bounds attainment stays below 2e21; the cap only keeps a row stored before
    # the bounds existed (start 1e-300, target 2e-300) from producing an infinite float.
    attainment = storable(clamp(attainment, -ATTAINMENT_CAP, ATTAINMENT_CAP))
    return clamp(attainment), attainment


def weighted_progress(items: Iterable[tuple[Decimal, Decimal]]) -> Decimal | None:
    """Weight-weighted mean of (weight, progress) pairs; weight 0 is excluded. None when empty."""
    total_weight = ZERO
    total = ZERO
    for weight, progress in items:
        if weight > 0:
            total_weight += weight
            total += weight * progress
    if total_weight == 0:
        return None
    return total / total_weight


def mean(values: Iterable[Decimal | None]) -> Decimal | None:
    """Mean of the values that are not None; None when there are none."""
    present = [v for v in values if v is not None]
    if not present:
        return None
    return sum(present, ZERO) / len(present)


def objective_progress(own: Decimal | None, children: Iterable[Decimal | None]) -> Decimal | None:
    """Progress of one objective: the weighted progress of its own key results (`own`), else
    the mean of its children's progress; 15 significant digits (numbers.storable)."""
    value = own if own is not None else mean(children)
    return None if value is None else storable(value)


def objective_progresses(
    own: Mapping[int, Decimal | None], children: Mapping[int, Sequence[int]]
) -> dict[int, Decimal | None]:
    """Progress of every objective in a forest.

    `own` maps each objective to the weighted progress of its own KRs (None when it has no KR
    of positive weight); `children` maps an objective to its child objectives. An objective
    without its own progress takes the mean of its children's progress (those not None),
    recursively: a company objective with no KRs of its own is as far along as the team
    objectives aligned to it. A parent loop (which validation forbids) yields None, not a hang.
    """
    result: dict[int, Decimal | None] = {}
    visiting: set[int] = set()

    def resolve(node: int) -> Decimal | None:
        if node in result:
            return result[node]
        if node in visiting:
            return None
        visiting.add(node)
        value = objective_progress(
            own.get(node), (resolve(child) for child in children.get(node, ()))
        )
        visiting.discard(node)
        result[node] = value
        return value

    for node in own:
        resolve(node)
    return result


def hidden_in_progress(
    children: Mapping[int, Sequence[int]], has_own: Collection[int], visible: Collection[int]
) -> dict[int, int]:
    """How many objectives the reader cannot see went into each objective's progress.

    An objective with key results of its own (`has_own`) takes nothing from its children, so
    it counts 0. Otherwise its progress is the mean of its children's (objective_progresses):
    every child not in `visible` counts, and so does every hidden objective feeding a child
    that itself has no key results, all the way down. A page or the API says "includes N
    objectives you cannot see" rather than leave a reader to take the figure for theirs.
    """
    result: dict[int, int] = {}

    def count(node: int, path: frozenset[int]) -> int:
        if node in result:
            return result[node]
        if node in path:
            return 0
        total = 0
        if node in has_own:
            result[node] = total
            return total
        for child in children.get(node, ()):
            total += (child not in visible) + count(child, path | {node})
        result[node] = total
        return total

    for node in children:
        count(node, frozenset())
    return result
