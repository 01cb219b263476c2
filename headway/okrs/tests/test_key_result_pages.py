"""Pages reach what the API does for key results: weight and deleting (issue 9, item 26)."""

from __future__ import annotations

import pytest

from headway.core.tests.factories import KeyResultFactory, ObjectiveFactory, TeamFactory
from headway.core.tests.fixtures import signed_in
from headway.history.models import Event
from headway.okrs.models import KeyResult

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mid_quarter")]


@pytest.fixture
def okr(world):
    objective = ObjectiveFactory(
        workspace=world.workspace,
        cycle=world.cycle,
        key="fast",
        team=world.web,
        owner=world.user("member"),
    )
    KeyResultFactory(objective=objective, key="fast-kr0", title="Speed", weight=2)
    KeyResultFactory(objective=objective, key="fast-kr1", title="Size", weight=3, position=1)
    return objective


EDIT = {"title": "Speed", "metric": "number", "start": "0", "target": "100", "direction": "auto"}


class TestWeight:
    def test_the_objective_page_shows_each_weight_of_the_total(self, world, okr):
        page = signed_in(world, "viewer").get("/okrs/objectives/fast/").content.decode()
        assert "</span> 2 of 5</span>" in page
        assert "</span> 3 of 5</span>" in page

    def test_the_edit_form_changes_the_weight(self, world, okr):
        client = signed_in(world, "member")
        assert 'name="weight"' in client.get("/okrs/key-results/fast-kr0/edit/").content.decode()
        response = client.post("/okrs/key-results/fast-kr0/edit/", EDIT | {"weight": "4"})
        assert response.status_code == 302
        assert KeyResult.objects.get(key="fast-kr0").weight == 4.0
        assert Event.objects.get(verb="updated").changes == {"weight": [2.0, 4.0]}

    def test_a_negative_weight_is_refused_on_its_field(self, world, okr):
        response = signed_in(world, "member").post(
            "/okrs/key-results/fast-kr0/edit/", EDIT | {"weight": "-1"}
        )
        assert response.status_code == 200
        assert response.context["form"].errors["weight"]
        assert KeyResult.objects.get(key="fast-kr0").weight == 2.0

    def test_a_blank_weight_on_a_new_key_result_is_1(self, world, okr):
        signed_in(world, "member").post(
            "/okrs/objectives/fast/key-results/new/", EDIT | {"title": "New", "weight": ""}
        )
        assert KeyResult.objects.get(title="New").weight == 1.0


class TestDelete:
    def test_the_edit_form_links_to_a_confirmation_page(self, world, okr):
        client = signed_in(world, "member")
        edit = client.get("/okrs/key-results/fast-kr0/edit/").content.decode()
        assert 'href="/okrs/key-results/fast-kr0/delete/"' in edit
        confirm = client.get("/okrs/key-results/fast-kr0/delete/").content.decode()
        assert "Delete the key result “Speed”?" in confirm
        assert KeyResult.objects.filter(key="fast-kr0").exists()

    def test_confirming_deletes_it_and_records_history(self, world, okr):
        response = signed_in(world, "member").post("/okrs/key-results/fast-kr0/delete/")
        assert response["Location"] == "/okrs/objectives/fast/"
        assert list(okr.key_results.values_list("key", flat=True)) == ["fast-kr1"]
        assert Event.objects.filter(verb="deleted", subject_key="fast-kr0").exists()

    def test_it_is_refused_in_a_closed_cycle(self, world, okr):
        world.cycle.state = "closed"
        world.cycle.save()
        client = signed_in(world, "admin")
        page = client.get("/okrs/key-results/fast-kr0/delete/").content.decode()
        assert "cannot be deleted" in page
        assert 'btn-danger">Delete</button>' not in page
        client.post("/okrs/key-results/fast-kr0/delete/")
        assert KeyResult.objects.filter(key="fast-kr0").exists()

    @pytest.mark.parametrize(
        ("persona", "team", "status"),
        [
            ("admin", "own", 302),
            ("admin", "other", 302),
            ("member", "own", 302),
            ("member", "other", 403),
            ("viewer", "own", 403),
            ("viewer", "other", 403),
        ],
    )
    def test_who_may_delete_a_key_result_from_the_page(self, world, persona, team, status):
        ops = TeamFactory(workspace=world.workspace, key="ops", parent=world.company)
        objective = ObjectiveFactory(
            workspace=world.workspace,
            cycle=world.cycle,
            key="o",
            team=world.web if team == "own" else ops,
            owner=world.user("admin"),
        )
        KeyResultFactory(objective=objective, key="o-kr")
        response = signed_in(world, persona).post("/okrs/key-results/o-kr/delete/")
        assert response.status_code == status
        assert KeyResult.objects.filter(key="o-kr").exists() == (status == 403)
