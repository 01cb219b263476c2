"""The OKR endpoints through the URL stack: status, body and database state."""

from __future__ import annotations

from datetime import date

import pytest

from headway.core.tests.factories import (
    CheckInFactory,
    KeyResultFactory,
    ObjectiveFactory,
    TeamFactory,
)
from headway.okrs.models import CheckIn, KeyResult, Objective

pytestmark = pytest.mark.django_db


@pytest.fixture
def objective(world):
    objective = ObjectiveFactory(
        workspace=world.workspace, cycle=world.cycle, team=world.web, key="O-1", title="Grow"
    )
    kr = KeyResultFactory(objective=objective, key="KR-1", start=0, target=200)
    CheckInFactory(key_result=kr, at=date(2026, 2, 1), value=100, confidence=8)
    return objective


class TestObjectives:
    def test_it_answers_plan_fields_and_figures_as_of_a_date(self, api_as, objective):
        response = api_as("viewer").get("/objectives/O-1", as_of="2026-02-15")
        assert response.status == 200
        body = response.json
        assert (body["key"], body["team"], body["cycle"]) == ("O-1", "web", "2026-q1")
        assert body["progress"] == 0.5
        assert body["score"] == 0.5
        early = api_as("viewer").get("/objectives/O-1", as_of="2026-01-15").json
        assert early["progress"] == 0.0

    def test_it_creates_an_objective_owned_by_the_caller(self, api_as, world):
        response = api_as("member").post(
            "/objectives", {"key": "O-9", "title": "Ship", "cycle": "2026-q1", "team": "web"}
        )
        assert response.status == 201
        assert response.json["owner"] == "max"
        assert Objective.objects.get(key="O-9").owner == world.user("member")

    def test_it_refuses_a_taken_key_with_409(self, api_as, objective):
        response = api_as("admin").post(
            "/objectives", {"key": "O-1", "title": "Again", "cycle": "2026-q1"}
        )
        assert response.status == 409
        assert response.json["field"] == "key"

    def test_it_names_an_unknown_reference(self, api_as, world):
        TeamFactory(workspace=world.other, key="globex-only")
        response = api_as("admin").post(
            "/objectives",
            {"key": "O-9", "title": "x", "cycle": "2026-q1", "team": "globex-only"},
        )
        assert response.status == 400
        assert response.json == {"detail": "team: unknown team 'globex-only'", "field": "team"}

    def test_it_rejects_a_100k_character_title(self, api_as, world):
        response = api_as("admin").post(
            "/objectives", {"key": "O-9", "title": "x" * 100_000, "cycle": "2026-q1"}
        )
        assert response.status == 422
        assert response.json["field"] == "title"
        assert not Objective.objects.exists()

    def test_it_rejects_unknown_fields_and_malformed_json(self, api_as, world):
        api = api_as("admin")
        unknown = api.post(
            "/objectives", {"key": "O-9", "title": "x", "cycle": "2026-q1", "colour": "red"}
        )
        assert unknown.status == 422
        assert unknown.json["field"] == "colour"
        broken = api.post("/objectives", '{"key": "O-9", "title": ')
        assert broken.status == 400
        assert broken.json["field"] == "body"

    def test_it_patches_only_the_fields_sent(self, api_as, objective):
        response = api_as("member").patch("/objectives/O-1", {"title": "Grow faster"})
        assert response.status == 200
        objective.refresh_from_db()
        assert (objective.title, objective.team.key) == ("Grow faster", "web")

    def test_it_filters_by_cycle_team_owner_status_and_parent(self, api_as, world, objective):
        child = ObjectiveFactory(
            workspace=world.workspace,
            cycle=world.cycle,
            key="O-2",
            parent=objective,
            owner=world.user("lead"),
        )
        api = api_as("admin")

        def keys(**params):
            return [o["key"] for o in api.get("/objectives", **params).json["items"]]

        assert keys(team="web") == ["O-1"]
        assert keys(parent="O-1") == ["O-2"]
        assert keys(owner="lea") == [child.key]
        assert keys(cycle="nope") == []
        assert keys(status="on_track", as_of="2026-02-15") == ["O-1"]
        assert keys(status="off_track", as_of="2026-02-15") == []

    def test_it_pages_with_limit_offset_and_total_count(self, api_as, world):
        for n in range(7):
            ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, key=f"P-{n}")
        page = api_as("viewer").get("/objectives", limit=3, offset=3).json
        assert page["count"] == 7
        assert [o["key"] for o in page["items"]] == ["P-3", "P-4", "P-5"]


class TestVisibility:
    def test_a_private_objective_is_invisible_outside_its_team(self, api_as, world):
        ObjectiveFactory(
            workspace=world.workspace,
            cycle=world.cycle,
            key="SECRET",
            visibility="private",
            team=TeamFactory(workspace=world.workspace, key="ops"),
        )
        member = api_as("member")
        assert member.get("/objectives/SECRET").status == 404
        assert member.get("/objectives").json["count"] == 0
        assert api_as("admin").get("/objectives/SECRET").status == 200

    def test_a_team_objective_is_seen_by_the_leads_above(self, api_as, world):
        ObjectiveFactory(
            workspace=world.workspace,
            cycle=world.cycle,
            key="T-1",
            visibility="team",
            team=world.web,
        )
        assert api_as("lead").get("/objectives/T-1").status == 200
        assert api_as("viewer").get("/objectives/T-1").status == 404

    def test_the_same_key_in_another_workspace_is_never_reached(self, api_as, world, objective):
        ObjectiveFactory(workspace=world.other, key="O-1", title="Globex's")
        api = api_as("stranger")
        assert api.get("/objectives/O-1").json["title"] == "Globex's"
        api.patch("/objectives/O-1", {"title": "Changed by globex"})
        objective.refresh_from_db()
        assert objective.title == "Grow"


class TestCheckIns:
    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ('{"value": "12", "confidence": 5}', "value"),
            ('{"value": NaN, "confidence": 5}', "value"),
            ('{"value": Infinity, "confidence": 5}', "value"),
            ('{"value": 1, "confidence": 0}', "confidence"),
            ('{"value": 1, "confidence": 11}', "confidence"),
            ('{"value": 1, "confidence": 5, "at": "2026-02-30"}', "at"),
            ('{"value": 1, "confidence": 5, "at": "yesterday"}', "at"),
            ('{"value": 1, "confidence": 5, "note": "' + "x" * 100_000 + '"}', "note"),
        ],
    )
    def test_it_rejects_bad_input_naming_the_field(self, api_as, objective, body, field):
        response = api_as("member").post("/key-results/KR-1/check-ins", body)
        assert response.status == 422
        assert response.json["field"] == field
        assert response.json["detail"].startswith(f"{field}: ")
        assert CheckIn.objects.count() == 1

    def test_it_records_and_lists_check_ins(self, api_as, objective):
        api = api_as("member")
        created = api.post(
            "/key-results/KR-1/check-ins", {"at": "2026-02-08", "value": 150, "confidence": 9}
        )
        assert created.status == 201
        assert created.json["author"] == "max"
        listed = api.get("/key-results/KR-1/check-ins").json
        assert [c["at"] for c in listed["items"]] == ["2026-02-01", "2026-02-08"]
        kr = api.get("/key-results/KR-1", as_of="2026-02-08").json
        assert (kr["current"], kr["confidence"]) == (150.0, 9)

    def test_it_refuses_check_ins_in_a_closed_cycle_with_409(self, api_as, objective):
        assert api_as("admin").post("/cycles/2026-q1/close").status == 200
        response = api_as("member").post(
            "/key-results/KR-1/check-ins", {"value": 1, "confidence": 5}
        )
        assert response.status == 409


class TestCycles:
    def test_a_patch_that_ends_a_cycle_before_it_starts_is_refused(self, api_as, world):
        api = api_as("admin")
        response = api.patch("/cycles/2026-q1", {"start": "2027-01-01"})
        assert response.status == 400
        assert response.json["field"] == "end"
        world.cycle.refresh_from_db()
        assert world.cycle.start == date(2026, 1, 1)


def test_a_query_parameter_given_twice_is_refused(api_as, world):
    response = api_as("viewer").call("get", "/objectives?cycle=a&cycle=b")
    assert response.status == 422
    assert response.json["field"] == "cycle"


class TestKeyResultWeight:
    """The weight's documented bounds are the ones enforced: 0 and up (Number's ±1e15 cap)."""

    @pytest.mark.parametrize("weight", [-1, -0.5, 2e15])
    def test_a_weight_out_of_bounds_is_refused_naming_it(self, api_as, objective, weight):
        response = api_as("admin").patch("/key-results/KR-1", {"weight": weight})
        assert response.status == 422
        assert response.json["field"] == "weight"
        assert KeyResult.objects.get(key="KR-1").weight == 1.0

    def test_a_large_weight_is_kept(self, api_as, objective):
        response = api_as("admin").patch("/key-results/KR-1", {"weight": 2_000_000})
        assert response.status == 200
        assert KeyResult.objects.get(key="KR-1").weight == 2_000_000

    def test_the_openapi_document_states_the_bounds(self, api_as):
        schema = api_as("admin").get("/openapi.json").json["components"]["schemas"]
        weight = schema["KeyResultIn"]["properties"]["weight"]
        assert (weight["minimum"], weight["maximum"]) == (0, 1e15)
