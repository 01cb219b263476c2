"""Team rollup: how far along a team and everything below it is (docs/scoring.md)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from headway.domain.progress import mean
from headway.domain.tree import lineage


def team_rollup(
    parents: Mapping[int, int | None], objectives: Iterable[tuple[int, Decimal | None]]
) -> dict[int, Decimal | None]:
    """Mean progress of the objectives (not None) of each team and all its descendant teams.

    `parents` maps every team to its parent (None for a root); `objectives` yields
    (team, progress) for each objective of the cycle that the reader may see: counting one they
    may not see would let them work out its progress from two team figures.
    """
    collected: dict[int, list[Decimal | None]] = {team: [] for team in parents}
    for team, progress in objectives:
        for node in lineage(parents, team):  # its team and every ancestor
            collected[node].append(progress)
    return {team: mean(values) for team, values in collected.items()}
