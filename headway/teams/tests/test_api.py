"""The team endpoints through the URL stack."""

from __future__ import annotations

from datetime import date

import pytest

from headway.core.tests.factories import (
    CheckInFactory,
    KeyResultFactory,
    ObjectiveFactory,
    TeamFactory,
)
from headway.teams.models import Team

pytestmark = pytest.mark.django_db


class TestTeams:
    def test_an_admin_builds_the_tree_with_members(self, api_as, world):
        api = api_as("admin")
        created = api.post(
            "/teams",
            {"key": "ops", "name": "Ops", "parent": "company", "lead": "lea", "members": ["max"]},
        )
        assert created.status == 201
        assert created.json == {
            "key": "ops",
            "name": "Ops",
            "kind": "team",
            "parent": "company",
            "lead": "lea",
            "members": ["max"],
            "progress": None,
        }
        moved = api.patch("/teams/ops", {"parent": "product", "members": []})
        assert (moved.json["parent"], moved.json["members"]) == ("product", [])

    def test_it_refuses_members_and_parents_from_elsewhere(self, api_as, world):
        TeamFactory(workspace=world.other, key="globex-team")
        api = api_as("admin")
        stranger = api.post("/teams", {"key": "ops", "name": "Ops", "members": ["sam"]})
        assert (stranger.status, stranger.json["field"]) == (400, "members")
        foreign = api.post("/teams", {"key": "ops", "name": "Ops", "parent": "globex-team"})
        assert (foreign.status, foreign.json["field"]) == (400, "parent")
        loop = api.patch("/teams/company", {"parent": "web"})
        assert (loop.status, loop.json["field"]) == (400, "parent")
        assert not Team.objects.filter(key="ops").exists()

    def test_a_team_with_objectives_cannot_be_deleted(self, api_as, world):
        ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, team=world.web)
        response = api_as("admin").delete("/teams/web")
        assert response.status == 409
        assert Team.objects.filter(key="web").exists()

    def test_progress_rolls_up_the_tree_as_of_a_date(self, api_as, world):
        objective = ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, team=world.web)
        kr = KeyResultFactory(objective=objective, start=0, target=100)
        CheckInFactory(key_result=kr, at=date(2026, 2, 1), value=50)
        api = api_as("viewer")
        assert api.get("/teams/product", as_of="2026-02-15").json["progress"] == 0.5
        assert api.get("/teams/product", as_of="2026-01-15").json["progress"] == 0.0

    @pytest.mark.usefixtures("mid_quarter")
    def test_a_page_of_teams_gives_each_its_own_rollup(self, api_as, world):
        """The list sums the subtree of each team it shows: the figures of the one-team answer."""
        for team, value in ((world.web, 50), (world.product, 100), (world.company, 0)):
            objective = ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, team=team)
            kr = KeyResultFactory(objective=objective, start=0, target=100)
            CheckInFactory(key_result=kr, at=date(2026, 2, 1), value=value)
        api = api_as("member")
        listed = {t["key"]: t["progress"] for t in api.get("/teams", limit=2).json["items"]}
        listed |= {
            t["key"]: t["progress"] for t in api.get("/teams", limit=2, offset=2).json["items"]
        }
        assert listed == {"company": 0.5, "product": 0.75, "web": 0.5}
        assert listed == {key: api.get(f"/teams/{key}").json["progress"] for key in listed}
