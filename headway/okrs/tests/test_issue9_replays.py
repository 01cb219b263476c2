"""Issue 9 attacks and scenarios replayed exactly as reported, where no other test did.

Item 4: a member adds a key result of weight 1,000,000 (or an initiative) to the CEO's
objective and checks in on it to set the objective to 100 %. Item 12: a cycle stored with the
end 9999-12-31 (before the bounds) gave a 500 on the objective page.
"""

from __future__ import annotations

from datetime import date

import pytest

from headway.core.tests.factories import (
    CheckInFactory,
    CycleFactory,
    KeyResultFactory,
    ObjectiveFactory,
)
from headway.core.tests.fixtures import signed_in
from headway.okrs.models import CheckIn, Initiative, KeyResult

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mid_quarter")]


@pytest.fixture
def ceo_objective(world):
    """The CEO's (ada, admin) company objective at 10 %, visible to the whole workspace."""
    objective = ObjectiveFactory(
        workspace=world.workspace, cycle=world.cycle, key="O-CEO", team=world.company,
        owner=world.user("admin"), visibility="workspace",
    )  # fmt: skip
    kr = KeyResultFactory(objective=objective, key="CEO-1", owner=world.user("admin"))
    CheckInFactory(key_result=kr, at=date(2026, 2, 1), value=10)
    return objective


class TestItem4AddingToSomeoneElsesObjective:
    def test_the_api_refuses_the_heavy_key_result_the_initiative_and_the_check_in(
        self, api_as, ceo_objective
    ):
        api = api_as("member")
        heavy = api.post(
            "/objectives/O-CEO/key-results",
            {"key": "MINE", "title": "Mine", "start": 0, "target": 1, "weight": 1_000_000,
             "owner": "max"},
        )  # fmt: skip
        assert heavy.status == 403
        initiative = api.post(
            "/initiatives", {"key": "I-MINE", "title": "Mine", "objective": "O-CEO"}
        )
        assert initiative.status == 403
        check_in = api.post("/key-results/CEO-1/check-ins", {"value": 100, "confidence": 10})
        assert check_in.status == 403
        assert not KeyResult.objects.filter(key="MINE").exists()
        assert not Initiative.objects.exists()
        assert CheckIn.objects.count() == 1
        assert api.get("/objectives/O-CEO").json["progress"] == 0.1

    def test_the_pages_refuse_them_too_and_the_objective_stays_at_10_percent(
        self, world, api_as, ceo_objective
    ):
        client = signed_in(world, "member")
        page = client.get("/okrs/objectives/O-CEO/").content.decode()
        assert "Add a key result" not in page
        heavy = client.post(
            "/okrs/objectives/O-CEO/key-results/new/",
            {"title": "Mine", "metric": "number", "start": "0", "target": "1",
             "direction": "auto", "weight": "1000000", "owner": "max"},
        )  # fmt: skip
        assert heavy.status_code == 403
        initiative = client.post("/okrs/objectives/O-CEO/initiatives/", {"title": "Mine"})
        assert initiative.status_code == 403
        client.post("/okrs/check-in/", {"CEO-1-value": "100", "CEO-1-confidence": "10"})
        assert KeyResult.objects.filter(objective=ceo_objective).count() == 1
        assert not Initiative.objects.exists()
        assert CheckIn.objects.count() == 1
        assert api_as("admin").get("/objectives/O-CEO").json["progress"] == 0.1


class TestItem12ACycleEnding9999:
    @pytest.fixture
    def far(self, world):
        """A cycle stored before the date bounds, ending 9999-12-31, with one objective."""
        cycle = CycleFactory(
            workspace=world.workspace, key="far", start=date(2026, 1, 1), end=date(9999, 12, 31)
        )
        objective = ObjectiveFactory(
            workspace=world.workspace, cycle=cycle, key="O-FAR", team=world.web,
            owner=world.user("member"),
        )  # fmt: skip
        kr = KeyResultFactory(objective=objective, key="FAR-1", owner=world.user("member"))
        CheckInFactory(key_result=kr, at=date(2026, 2, 1), value=50)
        return cycle

    def test_the_objective_page_answers(self, world, far):
        response = signed_in(world, "member").get("/okrs/objectives/O-FAR/")
        assert response.status_code == 200
        assert "50" in response.content.decode()

    def test_the_api_and_the_other_pages_answer(self, world, api_as, far):
        assert api_as("member").get("/objectives/O-FAR").status == 200
        assert api_as("member").get("/key-results/FAR-1").status == 200
        client = signed_in(world, "member")
        for path in ("/okrs/?cycle=far", "/okrs/check-in/", "/", "/okrs/review/?cycle=far"):
            assert client.get(path).status_code == 200, path
