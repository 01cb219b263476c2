"""Fixtures of the digests' tests (registered in conftest.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from headway.core.tests.factories import CheckInFactory, KeyResultFactory, ObjectiveFactory

# Monday 16 February 2026 (week 8); the world's workspace checks in on Mondays at 10:00 UTC,
# so its weekly digest is due from 08:00.
MONDAY = datetime(2026, 2, 16, 8, 0, tzinfo=UTC)


@pytest.fixture
def web_objective(world, time_machine):
    """An objective of the web team, owned by Max, with a key result he has not checked in on
    this week (created in January)."""
    time_machine.move_to(datetime(2026, 1, 5, 9, tzinfo=UTC), tick=False)
    objective = ObjectiveFactory(
        workspace=world.workspace,
        cycle=world.cycle,
        team=world.web,
        owner=world.user("member"),
        title="Faster pages",
    )
    kr = KeyResultFactory(objective=objective, owner=world.user("member"), title="LCP under 2s")
    CheckInFactory(key_result=kr, at=date(2026, 1, 5))
    time_machine.move_to(MONDAY, tick=False)
    return objective
