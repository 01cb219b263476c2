"""Carrying unfinished objectives over to the next cycle (docs/scoring.md, "Carrying over").

Pure rules: which objectives and key results are unfinished, and where a carried key result
starts. The action in `headway.okrs.actions.carry_over` applies them to rows.
"""

from __future__ import annotations

from decimal import Decimal

from headway.domain.types import Metric

Number = Decimal | float


def is_unfinished(progress: Number | None) -> bool:
    """An objective or key result is unfinished while its progress is below 1 (100 %).

    An objective without key results (progress None) was never achieved: it is unfinished.
    """
    return progress is None or progress < 1


def carried_start(metric: Metric, start: Number | None, current: Number | None) -> Number | None:
    """Where a carried key result starts: where it ended (its last value), else its old start.

    A done/not-done key result has no start: it starts again as not done.
    """
    if metric is Metric.BOOLEAN:
        return start
    return current if current is not None else start
