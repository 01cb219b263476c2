"""Dependencies: stored once, and the objective page says how what it depends on is doing."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError

from headway.core.tests.factories import (
    CheckInFactory,
    DependencyFactory,
    KeyResultFactory,
    ObjectiveFactory,
)
from headway.core.tests.fixtures import signed_in
from headway.okrs.models import Dependency

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mid_quarter")]


@pytest.fixture
def two(world):
    """`fast` (the web team's, owned by the member) and `infra`, with its key result `budget`."""
    fast = ObjectiveFactory(
        workspace=world.workspace, cycle=world.cycle, key="fast", title="Make it fast",
        team=world.web, owner=world.user("member"),
    )  # fmt: skip
    infra = ObjectiveFactory(
        workspace=world.workspace, cycle=world.cycle, key="infra", title="Renew the infra"
    )
    KeyResultFactory(objective=infra, key="budget", title="Budget approved", start=0, target=10)
    return fast, infra


class TestOnce:
    def test_the_api_refuses_a_duplicate_with_a_clear_409(self, api_as, two):
        api = api_as("member")
        body = {"objective": "fast", "depends_on_objective": "infra"}
        assert api.post("/dependencies", body).status == 201
        again = api.post("/dependencies", body)
        assert again.status == 409
        assert "“Make it fast” already depends on “Renew the infra”" in str(again.json)
        assert api.get("/dependencies").json["count"] == 1

    def test_a_key_result_dependency_is_refused_twice_too(self, api_as, two):
        api = api_as("member")
        body = {"objective": "fast", "depends_on_key_result": "budget"}
        assert api.post("/dependencies", body).status == 201
        assert api.post("/dependencies", body).status == 409
        assert Dependency.objects.count() == 1

    def test_the_picker_no_longer_offers_it_and_the_page_refuses_it_posted_again(self, world, two):
        client = signed_in(world, "member")
        url = "/okrs/objectives/fast/dependencies/"
        pick = "/okrs/pick/dependencies/?for=fast&q="
        assert 'value="infra"' in client.get(pick).content.decode()
        client.post(url, {"depends_on": "infra"})
        offered = client.get(pick).content.decode()
        assert 'value="infra"' not in offered
        assert 'value="budget"' in offered  # still offered
        response = client.post(url, {"depends_on": "infra"}, follow=True)
        assert "The dependency was not added" in response.content.decode()
        assert Dependency.objects.count() == 1
        text = client.get("/okrs/objectives/fast/").content.decode()
        assert text.count('href="/okrs/objectives/infra/"') == 1

    def test_the_action_refuses_a_duplicate_whoever_calls_it(self, world, two):
        from headway.core.errors import Conflict
        from headway.okrs import actions

        fast, infra = two
        actions.create_dependency(world.workspace, actor=None, objective=fast,
                                  depends_on_objective=infra)  # fmt: skip
        with pytest.raises(Conflict, match="already depends on"):
            actions.create_dependency(world.workspace, actor=None, objective=fast,
                                      depends_on_objective=infra)  # fmt: skip
        assert Dependency.objects.count() == 1

    def test_the_database_refuses_a_duplicate_row(self, two):
        fast, infra = two
        DependencyFactory(objective=fast, depends_on_objective=infra)
        with pytest.raises(IntegrityError):
            DependencyFactory(objective=fast, depends_on_objective=infra)


class TestStatusOnTheObjectivePage:
    def test_it_shows_the_status_of_what_it_depends_on_and_flags_an_off_track_one(self, world, two):
        fast, infra = two
        DependencyFactory(objective=fast, depends_on_objective=infra)
        # 10 % of the way half-way through the quarter: off track.
        CheckInFactory(key_result=infra.key_results.get(), at=date(2026, 2, 1), value=1)
        text = signed_in(world, "viewer").get("/okrs/objectives/fast/").content.decode()
        depends = text[text.index("Depends on") : text.index("Blocks</h3>")]
        assert "Blocked by an off-track objective: Renew the infra." in depends
        assert "Off track" in depends
        assert "10%" in depends

    def test_no_flag_when_what_it_depends_on_is_on_track(self, world, two):
        fast, infra = two
        DependencyFactory(
            objective=fast, depends_on_objective=None, depends_on_key_result=infra.key_results.get()
        )
        CheckInFactory(key_result=infra.key_results.get(), at=date(2026, 2, 14), value=9)
        text = signed_in(world, "viewer").get("/okrs/objectives/fast/").content.decode()
        depends = text[text.index("Depends on") : text.index("Blocks</h3>")]
        assert "Blocked by" not in depends
        assert "Budget approved" in depends
        assert "On track" in depends

    def test_an_off_track_key_result_it_depends_on_is_flagged_too(self, world, two):
        fast, infra = two
        budget = infra.key_results.get()
        DependencyFactory(objective=fast, depends_on_objective=None, depends_on_key_result=budget)
        CheckInFactory(key_result=budget, at=date(2026, 2, 1), value=1)
        text = signed_in(world, "viewer").get("/okrs/objectives/fast/").content.decode()
        assert "Blocked by an off-track key result: Budget approved." in text

    def test_a_key_result_it_blocks_links_to_that_key_result(self, world, two):
        fast, infra = two
        budget = infra.key_results.get()
        DependencyFactory(
            workspace=world.workspace, objective=None, key_result=budget, depends_on_objective=fast
        )
        text = signed_in(world, "viewer").get("/okrs/objectives/fast/").content.decode()
        blocks = text[text.index("Blocks</h3>") :]
        assert '<a href="/okrs/objectives/infra/#kr-budget">Budget approved</a>' in blocks

    def test_the_status_of_an_objective_of_another_cycle_is_shown(self, world, two):
        from headway.core.tests.factories import CycleFactory

        fast, _ = two
        year = CycleFactory(
            workspace=world.workspace, key="2026", name="2026", start=date(2026, 1, 1),
            end=date(2026, 12, 31), state="active",
        )  # fmt: skip
        yearly = ObjectiveFactory(workspace=world.workspace, cycle=year, title="Yearly goal")
        kr = KeyResultFactory(objective=yearly, start=0, target=10)
        CheckInFactory(key_result=kr, at=date(2026, 2, 1), value=3)
        DependencyFactory(objective=fast, depends_on_objective=yearly)
        text = signed_in(world, "viewer").get("/okrs/objectives/fast/").content.decode()
        depends = text[text.index("Depends on") : text.index("Blocks</h3>")]
        assert "Yearly goal" in depends
        assert "30%" in depends
        assert "No data" not in depends
