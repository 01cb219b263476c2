"""Team rollups (docs/scoring.md §7) from stored progress. For every team (the API): one grouped
query for the cycle's objectives, then the team tree in Python, so the cost follows the teams,
not the objectives. For the teams a page shows: one recursive query summing each one's subtree,
so the cost follows the teams shown."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from headway.core.trees import subtree_totals
from headway.domain.numbers import num
from headway.domain.tree import lineage
from headway.okrs.models import Cycle, Objective
from headway.okrs.scoring import scoreboard, uses_stored
from headway.teams.models import Team


def team_progress(
    cycle: Cycle | None,
    parents: dict[int, int | None],
    visible: QuerySet[Objective],
    *,
    as_of: date,
    today: date,
) -> dict[int, float | None]:
    """Per team of `parents`: the mean progress of the objectives of `cycle` in it and in the
    teams below it, counting only `visible` ones (the reader's, access.objectives_for).

    The figures of `Scoreboard.team_progress`. Where the stored figures answer (uses_stored) they
    come from per-team sums and counts in SQL; the sums are floats, so a figure may differ from
    the Decimal mean in digits past the 4 places it is shown with (numbers.num). Otherwise the
    cycle's scoreboard is computed.
    """
    if cycle is None:
        return dict.fromkeys(parents)
    objectives = visible.filter(cycle=cycle)
    if not uses_stored(cycle, as_of=as_of, today=today):
        ids = set(objectives.values_list("id", flat=True))
        return scoreboard([cycle], as_of=as_of).team_progress(parents, ids)
    per_team = (
        objectives.filter(team__isnull=False, progress__isnull=False)
        .order_by()
        .values_list("team_id")
        .annotate(total=Sum("progress"), count=Count("id"))
    )
    totals: dict[int, list[Decimal]] = {team: [Decimal(0), Decimal(0)] for team in parents}
    for team_id, total, count in per_team:
        value = Decimal(str(total))  # a SUM of non-null progress: never NULL
        for node in lineage(parents, team_id):  # its team and every ancestor
            totals[node][0] += value
            totals[node][1] += count
    return {team: num(total / count) if count else None for team, (total, count) in totals.items()}


def shown_team_progress(
    cycle: Cycle | None,
    teams: QuerySet[Team],
    shown: Collection[int],
    visible: QuerySet[Objective],
    *,
    as_of: date,
    today: date,
) -> dict[int, float | None]:
    """The figures of `team_progress` for the teams `shown` (ids among `teams`, the reader's),
    reading only their subtrees: from the stored figures, one query (core.trees.subtree_totals)
    summing for each shown team the cycle's `visible` objectives of it and the teams below it.
    A past date or a closed cycle computes the scoreboard over the whole tree, as team_progress
    does."""
    if cycle is None:
        return dict.fromkeys(shown)
    if not uses_stored(cycle, as_of=as_of, today=today):
        parents: dict[int, int | None] = dict(teams.values_list("pk", "parent_id"))
        whole = team_progress(cycle, parents, visible, as_of=as_of, today=today)
        return {team: whole.get(team) for team in shown}
    totals = subtree_totals(
        teams.filter(pk__in=shown),
        visible.filter(cycle=cycle, team__isnull=False),
        link="team_id",
        value="progress",
    )
    progress: dict[int, float | None] = dict.fromkeys(shown)
    for team, (total, count) in totals.items():
        progress[team] = num(Decimal(str(total)) / count)  # a SUM of non-null progress
    return progress
