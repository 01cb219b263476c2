"""Team figures leave out the objectives the reader cannot see (docs/scoring.md §7).

Otherwise a viewer could work out a private objective's progress from two team figures.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from headway.core.tests.factories import CheckInFactory, KeyResultFactory, ObjectiveFactory
from headway.okrs.models import Objective

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mid_quarter")]


def objective_at(world, key: str, progress: int, visibility: str) -> Objective:
    objective = ObjectiveFactory(
        workspace=world.workspace, cycle=world.cycle, key=key, team=world.web,
        owner=world.user("member"), visibility=visibility,
    )  # fmt: skip
    kr = KeyResultFactory(objective=objective, key=f"{key}-kr", start=0, target=100)
    CheckInFactory(key_result=kr, at=date(2026, 2, 1), value=progress)
    return objective


@pytest.fixture
def hidden(world):
    """Web has a workspace objective at 20 % and a private one at 80 % the viewer cannot see."""
    objective_at(world, "open", 20, "workspace")
    return objective_at(world, "secret", 80, "private")


def team_figures(api) -> dict[str, float | None]:
    return {t["key"]: t["progress"] for t in api.get("/teams").json["items"]}


def test_the_api_gives_a_viewer_team_figures_without_the_private_objective(api_as, hidden):
    figures = team_figures(api_as("viewer"))
    assert figures["web"] == figures["product"] == figures["company"] == 0.2
    assert api_as("viewer").get("/teams/web").json["progress"] == 0.2
    # Those who may see it count it.
    assert team_figures(api_as("admin"))["web"] == 0.5
    assert team_figures(api_as("member"))["web"] == 0.5


def test_a_viewer_cannot_compute_the_private_objective_from_team_figures(api_as, world, hidden):
    api = api_as("viewer")
    with_it = team_figures(api)
    hidden.delete()
    assert team_figures(api) == with_it  # the same figures whether it exists or not
    objective_at(world, "secret2", 5, "private")
    assert team_figures(api) == with_it  # and whatever its progress


@pytest.mark.parametrize("url", ["/teams/", "/teams/web/", "/teams/product/"])
def test_the_team_pages_leave_it_out_too(world, hidden, url):
    client = Client()
    client.force_login(world.user("viewer"))
    text = client.get(url).content.decode()
    assert "20%" in text
    assert "50%" not in text
