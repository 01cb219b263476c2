"""'Start an OKR from this KPI': the key result it proposes (docs/scoring.md)."""

from __future__ import annotations

from headway.domain.types import Direction, KPIDirection


def direction_from_kpi(kpi: KPIDirection, current: float | None, target: float | None) -> Direction:
    """A key result moving from the KPI's current value to its target when there is a distance
    to cover in the KPI's good direction (`auto`: progress grows as the value moves, so it is
    not stuck at 0 until the target is met).

    With no reading or no target yet, or a KPI already at or past its target, there is nothing
    to move from: the key result is the threshold (`at_least` / `at_most`) of keeping the target.
    """
    if current is not None and target is not None and current != target:
        if kpi is KPIDirection.WITHIN_RANGE:
            return Direction.AUTO
        below = current < target
        if below == (kpi is KPIDirection.HIGHER_IS_BETTER):
            return Direction.AUTO
    return Direction.AT_MOST if kpi is KPIDirection.LOWER_IS_BETTER else Direction.AT_LEAST
