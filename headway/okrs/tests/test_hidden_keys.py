"""A key in use answers the same whoever holds it: nothing tells a hidden objective exists."""

from __future__ import annotations

import pytest

from headway.core.tests.factories import ObjectiveFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def keys(world):
    ObjectiveFactory(
        workspace=world.workspace, cycle=world.cycle, key="LAYOFFS", team=world.company,
        owner=world.user("admin"), visibility="private",
    )  # fmt: skip
    ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, key="OPEN")


def create(api, key: str):
    return api.post("/objectives", {"key": key, "title": "Mine", "cycle": "2026-q1"})


def test_the_key_of_a_hidden_objective_gets_the_generic_answer(api_as, keys):
    api = api_as("member")
    assert api.get("/objectives/LAYOFFS").status == 404  # cannot be seen
    response = create(api, "LAYOFFS")
    assert response.status == 409
    assert response.json["detail"] == "key 'LAYOFFS' cannot be used: choose another"
    assert "taken" not in str(response.json)


def test_a_visible_key_gets_the_very_same_answer(api_as, keys):
    api = api_as("member")
    hidden, visible = create(api, "LAYOFFS"), create(api, "OPEN")
    assert hidden.status == visible.status == 409
    assert hidden.json == {
        **visible.json,
        "detail": visible.json["detail"].replace("OPEN", "LAYOFFS"),
    }
