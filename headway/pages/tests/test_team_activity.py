"""My focus lists my teams' recent events, leaving out those about objectives I cannot see."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from headway.core.tests.factories import ObjectiveFactory
from headway.core.tests.fixtures import signed_in
from headway.history.models import Event
from headway.okrs.models import Objective

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mid_quarter")]


def event(world: Any, summary: str, objective: Objective | None) -> None:
    Event.objects.create(
        workspace=world.workspace,
        at=datetime(2026, 2, 14, tzinfo=UTC),
        verb="updated",
        subject_type="objective" if objective else "team",
        subject_key=objective.key if objective else "web",
        summary=summary,
        objective=objective,
        team=world.web,
    )


def objective(world: Any, visibility: str) -> Objective:
    """An objective of the company that was the web team's when the events were recorded."""
    return ObjectiveFactory(
        workspace=world.workspace,
        cycle=world.cycle,
        team=world.company,
        owner=world.user("admin"),
        visibility=visibility,
    )


def shown(world: Any, persona: str) -> list[str]:
    page = signed_in(world, persona).get("/")
    return sorted(e.summary for e in page.context["activity"])


def test_my_teams_events_leave_out_objectives_i_cannot_see(world):
    event(world, "about the team", None)
    event(world, "about an open objective", objective(world, "workspace"))
    event(world, "about a private objective", objective(world, "private"))
    assert shown(world, "member") == ["about an open objective", "about the team"]


def test_an_admin_of_the_team_sees_every_event_of_it(world):
    world.web.members.add(world.user("admin"))
    event(world, "about the team", None)
    event(world, "about a private objective", objective(world, "private"))
    assert shown(world, "admin") == ["about a private objective", "about the team"]


def test_other_teams_events_are_not_mine(world):
    event(world, "about the team", None)
    assert shown(world, "lead") == []  # leads the department above the team, is not in it
