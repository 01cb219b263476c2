"""One rule for the number of key results, on pages and in the API (domain.kr_count)."""

from __future__ import annotations

import pytest

from headway.core.tests.factories import KeyResultFactory, ObjectiveFactory
from headway.core.tests.fixtures import signed_in
from headway.okrs.models import KeyResult, Objective

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mid_quarter")]


def objective_with(world, count: int) -> Objective:
    objective = ObjectiveFactory(
        workspace=world.workspace, cycle=world.cycle, key="fast", title="Make it fast",
        team=world.web, owner=world.user("member"),
    )  # fmt: skip
    for i in range(count):
        KeyResultFactory(objective=objective, key=f"fast-kr{i + 1}", position=i)
    return objective


KR = {"key": "fast-new", "title": "One more", "start": 0, "target": 10}


class TestAtMostFive:
    def test_the_api_refuses_a_sixth_key_result_naming_the_rule(self, world, api_as):
        objective_with(world, 5)
        response = api_as("member").post("/objectives/fast/key-results", KR)
        assert response.status == 400
        assert "at most 5 key results" in str(response.json)
        assert "key_results" in str(response.json)
        assert KeyResult.objects.count() == 5

    def test_the_api_takes_a_fifth(self, world, api_as):
        objective_with(world, 4)
        assert api_as("member").post("/objectives/fast/key-results", KR).status == 201

    def test_the_page_offers_no_sixth_and_refuses_one_posted(self, world):
        objective_with(world, 5)
        client = signed_in(world, "member")
        assert "Add a key result" not in client.get("/okrs/objectives/fast/").content.decode()
        response = client.post(
            "/okrs/objectives/fast/key-results/new/",
            {"title": "Sixth", "metric": "number", "start": "0", "target": "1",
             "direction": "auto"},
        )  # fmt: skip
        assert response.status_code == 200
        assert "at most 5 key results" in response.content.decode()
        assert KeyResult.objects.count() == 5


class TestFewerThanTwoIsADraft:
    def test_the_page_form_saves_a_draft_with_one_key_result_and_flags_it(self, world):
        client = signed_in(world, "member")
        data = {
            "title": "Draft", "cycle": "2026-q1", "team": "web", "owner": "max",
            "kind": "committed", "visibility": "workspace", "kr-TOTAL_FORMS": "5",
            "kr-INITIAL_FORMS": "0", "kr-0-title": "Only one", "kr-0-start": "0",
            "kr-0-target": "1",
        }  # fmt: skip
        for i in range(5):
            data |= {f"kr-{i}-metric": "number", f"kr-{i}-direction": "auto"}
        response = client.post("/okrs/objectives/new/", data, follow=True)
        assert Objective.objects.get(title="Draft").key_results.count() == 1
        assert "This objective needs 2 to 5 key results." in response.content.decode()

    def test_the_objective_page_stops_flagging_at_two(self, world):
        objective_with(world, 2)
        text = signed_in(world, "viewer").get("/okrs/objectives/fast/").content.decode()
        assert "needs 2 to 5 key results" not in text
        assert "Add a key result" not in text  # a viewer may not add one anyway

    @pytest.mark.parametrize(("count", "warnings"), [(0, ["needs 2 to 5 key results"]),
                                                     (1, ["needs 2 to 5 key results"]),
                                                     (2, []), (5, [])])  # fmt: skip
    def test_the_api_flags_a_draft(self, world, api_as, count, warnings):
        objective_with(world, count)
        api = api_as("viewer")
        assert api.get("/objectives/fast").json["warnings"] == warnings
        listed = api.get("/objectives").json["items"]
        assert [o["warnings"] for o in listed if o["key"] == "fast"] == [warnings]
