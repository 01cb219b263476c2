"""Team rollups (docs/scoring.md §7) for the teams a page or answer shows: from stored progress,
one recursive query summing each shown team's subtree, so the cost follows the teams shown, not
the organisation."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from headway.core.trees import subtree_totals
from headway.domain.numbers import num
from headway.okrs.models import Cycle, Objective
from headway.okrs.scoring import scoreboard, uses_stored
from headway.teams.models import Team


def shown_team_progress(
    cycle: Cycle | None,
    teams: QuerySet[Team],
    shown: Collection[int],
    visible: QuerySet[Objective],
    *,
    as_of: date,
    today: date,
) -> dict[int, float | None]:
    """Per team `shown` (ids among `teams`, the reader's): the mean progress of the objectives of
    `cycle` in it and in the teams below it, counting only `visible` ones (the reader's,
    access.objectives_for): the figures of `Scoreboard.team_progress`.

    Where the stored figures answer (uses_stored): one query (core.trees.subtree_totals) summing
    for each shown team the stored progress of its subtree's objectives. The sums are floats, so
    a figure may differ from the Decimal mean in digits past the 4 places it is shown with
    (numbers.num). A past date or a closed cycle computes the cycle's scoreboard over the whole
    tree."""
    if cycle is None:
        return dict.fromkeys(shown)
    objectives = visible.filter(cycle=cycle)
    if not uses_stored(cycle, as_of=as_of, today=today):
        parents: dict[int, int | None] = dict(teams.values_list("pk", "parent_id"))
        ids = set(objectives.values_list("id", flat=True))
        whole = scoreboard([cycle], as_of=as_of).team_progress(parents, ids)
        return {team: whole.get(team) for team in shown}
    totals = subtree_totals(
        teams.filter(pk__in=shown),
        objectives.filter(team__isnull=False),
        link="team_id",
        value="progress",
    )
    progress: dict[int, float | None] = dict.fromkeys(shown)
    for team, (total, count) in totals.items():
        progress[team] = num(Decimal(str(total)) / count)  # a SUM of non-null progress
    return progress
