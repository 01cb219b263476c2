"""A workspace with `n` objectives and everything around them, for page and query-count tests."""

from __future__ import annotations

from datetime import date, timedelta

from headway.core.tests.factories import (
    CheckInFactory,
    DependencyFactory,
    InitiativeFactory,
    KeyResultFactory,
    KPIFactory,
    KPIValueFactory,
    ObjectiveFactory,
)
from headway.history.models import Event


def populate(world, n: int, first: int = 0) -> None:  # type: ignore[no-untyped-def]
    """n objectives (owned by `member`, spread over the teams, half aligned to a parent), two
    KRs each with check-ins, an initiative each, a dependency each, n KPIs with values, events."""
    ws, teams = world.workspace, [world.company, world.product, world.web]
    owner = world.user("member")
    parent = None
    previous = None
    for i in range(first, n):
        objective = ObjectiveFactory(
            workspace=ws,
            cycle=world.cycle,
            key=f"obj-{i}",
            title=f"Objective number {i}",
            team=teams[i % 3],
            owner=owner,
            parent=parent if i % 2 else None,
        )
        parent = objective if i % 2 == 0 else parent
        kpi = KPIFactory(
            workspace=ws, key=f"kpi-{i}", name=f"KPI {i}", team=teams[i % 3], owner=owner
        )
        for j in range(2):
            kr = KeyResultFactory(
                objective=objective,
                key=f"obj-{i}-kr{j}",
                owner=owner,
                kpi=kpi if j == 1 else None,
            )
            CheckInFactory(key_result=kr, at=date(2026, 1, 15), value=20.0)
            CheckInFactory(key_result=kr, at=date(2026, 2, 1), value=40.0)
        for k in range(3):
            KPIValueFactory(
                kpi=kpi, at=date(2026, 1, 1) + timedelta(days=7 * k), value=60.0 + 10 * k
            )
        InitiativeFactory(objective=objective, key=f"init-{i}", owner=owner, due=date(2026, 2, 10))
        if previous is not None:
            DependencyFactory(workspace=ws, objective=objective, depends_on_objective=previous)
        Event.objects.create(
            workspace=ws,
            actor=owner,
            at=objective.created_at,
            verb="created",
            subject_type="objective",
            subject_key=objective.key,
            summary=objective.title,
            objective=objective,
            team=objective.team,
        )
        previous = objective
