"""End of quarter: carrying unfinished objectives over to the next cycle (issue 9, item 24)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from headway.core.errors import Conflict, Invalid
from headway.core.tests.factories import (
    CheckInFactory,
    CycleFactory,
    KeyResultFactory,
    ObjectiveFactory,
    TeamFactory,
)
from headway.core.tests.fixtures import signed_in
from headway.history.models import Event
from headway.okrs import actions
from headway.okrs.models import KeyResult, Objective
from headway.okrs.scoring import scoreboard

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _after_the_quarter(time_machine):
    time_machine.move_to(datetime(2026, 4, 2, 12, tzinfo=UTC), tick=False)


@pytest.fixture
def q2(world):
    return CycleFactory(
        workspace=world.workspace,
        key="2026-q2",
        name="Q2 2026",
        start=date(2026, 4, 1),
        end=date(2026, 6, 30),
        state="planning",
    )


@pytest.fixture
def quarter(world):
    """Q1 of the web team: `fast` half-way (one KR met, one at 40), `done` achieved."""
    fast = ObjectiveFactory(
        workspace=world.workspace,
        cycle=world.cycle,
        key="FAST",
        title="Make the web app fast",
        team=world.web,
        owner=world.user("member"),
        kind="committed",
    )
    met = KeyResultFactory(objective=fast, key="FAST-1", title="p95 < 1s", start=0, target=10)
    half = KeyResultFactory(
        objective=fast,
        key="FAST-2",
        title="Pages in budget",
        start=0,
        target=100,
        weight=2,
        unit="%",
        owner=world.user("member"),
        position=1,
    )
    CheckInFactory(key_result=met, at=date(2026, 3, 1), value=10)
    CheckInFactory(key_result=half, at=date(2026, 3, 1), value=40)
    done = ObjectiveFactory(
        workspace=world.workspace, cycle=world.cycle, key="DONE", team=world.web
    )
    CheckInFactory(
        key_result=KeyResultFactory(objective=done, key="DONE-1", start=0, target=5), value=5
    )
    return fast


class TestCarryOverAction:
    def test_it_copies_the_unfinished_key_results_from_where_they_ended(self, world, quarter, q2):
        actions.close_cycle(world.cycle, actor=None)
        quarter.refresh_from_db()
        [copy] = actions.carry_over(
            [quarter], to_cycle=q2, mode="copy", actor=world.user("admin"), via="web"
        )
        assert copy.cycle == q2
        assert copy.carried_from == quarter
        assert (copy.title, copy.team, copy.owner, copy.kind) == (
            quarter.title,
            world.web,
            world.user("member"),
            "committed",
        )
        [kr] = copy.key_results.all()  # FAST-1 was met: it stays in Q1
        assert (kr.title, kr.start, kr.target, kr.weight, kr.unit) == (
            "Pages in budget",
            40.0,
            100.0,
            2.0,
            "%",
        )
        assert kr.owner == world.user("member")
        quarter.refresh_from_db()
        assert not quarter.carried_over
        assert quarter.key_results.count() == 2

    def test_the_new_objective_starts_at_zero_and_the_old_grade_stays(self, world, quarter, q2):
        actions.close_cycle(world.cycle, actor=None)
        before = scoreboard([world.cycle], as_of=date(2026, 4, 2)).objectives[quarter.pk]
        quarter.refresh_from_db()
        [copy] = actions.carry_over([quarter], to_cycle=q2, mode="move", actor=None)
        after = scoreboard([world.cycle, q2], as_of=date(2026, 4, 2))
        assert after.objectives[quarter.pk] == before
        assert after.objectives[copy.pk].progress == 0.0

    def test_move_marks_the_original_and_keeps_it_in_its_cycle(self, world, quarter, q2):
        [copy] = actions.carry_over([quarter], to_cycle=q2, mode="move", actor=None)
        quarter.refresh_from_db()
        assert quarter.carried_over
        assert quarter.cycle == world.cycle
        assert list(quarter.carried_to.all()) == [copy]

    def test_it_records_history_on_both_sides(self, world, quarter, q2):
        [copy] = actions.carry_over(
            [quarter], to_cycle=q2, mode="copy", actor=world.user("admin"), via="api"
        )
        carried = Event.objects.get(verb="carried_over", subject_key="FAST")
        assert carried.changes == {"to": copy.key, "to_cycle": "2026-q2", "mode": "copy"}
        assert carried.actor == world.user("admin")
        created = Event.objects.get(verb="created", subject_key=copy.key)
        assert created.changes["carried_from"] == "FAST"
        assert Event.objects.filter(verb="created", subject_type="key_result").count() == 1

    def test_keys_are_new_and_unique(self, world, quarter, q2):
        ObjectiveFactory(workspace=world.workspace, cycle=q2, key="FAST-2")  # taken
        q3 = CycleFactory(workspace=world.workspace, key="2026-q3", state="planning")
        [first] = actions.carry_over([quarter], to_cycle=q2, mode="copy", actor=None)
        [second] = actions.carry_over([quarter], to_cycle=q3, mode="copy", actor=None)
        assert first.key == "FAST-3"
        assert second.key == "FAST-4"
        assert (
            len(set(KeyResult.objects.values_list("key", flat=True))) == KeyResult.objects.count()
        )

    def test_a_closed_target_cycle_is_refused_and_nothing_written(self, world, quarter, q2):
        q2.state = "closed"
        q2.save()
        with pytest.raises(Conflict, match="closed") as refused:
            actions.carry_over([quarter], to_cycle=q2, mode="copy", actor=None)
        assert refused.value.field == "to_cycle"
        assert Objective.objects.filter(cycle=q2).count() == 0
        assert not Event.objects.filter(verb="carried_over").exists()

    def test_an_achieved_objective_is_refused_by_name(self, world, quarter, q2):
        done = Objective.objects.get(key="DONE")
        with pytest.raises(Invalid, match="DONE is achieved"):
            actions.carry_over([quarter, done], to_cycle=q2, mode="copy", actor=None)
        assert Objective.objects.filter(cycle=q2).count() == 0

    def test_all_unfinished_leaves_the_achieved_out(self, world, quarter, q2):
        done = Objective.objects.get(key="DONE")
        carried = actions.carry_over(
            [quarter, done], to_cycle=q2, mode="copy", actor=None, only_unfinished=True
        )
        assert [o.carried_from for o in carried] == [quarter]

    def test_an_objective_is_carried_into_a_cycle_once(self, world, quarter, q2):
        actions.carry_over([quarter], to_cycle=q2, mode="copy", actor=None)
        with pytest.raises(Conflict, match="already carried over"):
            actions.carry_over([quarter], to_cycle=q2, mode="copy", actor=None)

    def test_a_moved_objective_is_not_moved_again(self, world, quarter, q2):
        actions.carry_over([quarter], to_cycle=q2, mode="move", actor=None)
        q3 = CycleFactory(workspace=world.workspace, key="2026-q3", state="planning")
        quarter.refresh_from_db()
        with pytest.raises(Conflict, match="already moved"):
            actions.carry_over([quarter], to_cycle=q3, mode="copy", actor=None)

    def test_an_unknown_mode_and_the_same_cycle_are_refused(self, world, quarter, q2):
        with pytest.raises(Invalid, match="mode"):
            actions.carry_over([quarter], to_cycle=q2, mode="teleport", actor=None)
        with pytest.raises(Invalid, match="already in") as refused:
            actions.carry_over([quarter], to_cycle=world.cycle, mode="copy", actor=None)
        assert refused.value.field == "to_cycle"

    def test_a_carried_child_hangs_from_its_carried_parent(self, world, quarter, q2):
        child = ObjectiveFactory(
            workspace=world.workspace, cycle=world.cycle, key="CHILD", parent=quarter
        )
        KeyResultFactory(objective=child, key="CHILD-1")
        copies = actions.carry_over([child, quarter], to_cycle=q2, mode="copy", actor=None)
        child_copy, parent_copy = copies
        assert child_copy.parent == parent_copy
        assert parent_copy.carried_from == quarter


class TestCarryOverApi:
    def test_it_carries_the_named_objectives(self, api_as, world, quarter, q2):
        response = api_as("member").post(
            "/cycles/2026-q1/carry-over",
            {"objectives": ["FAST"], "to_cycle": "2026-q2", "mode": "move"},
        )
        assert response.status == 201, response
        assert response.json == {
            "mode": "move",
            "to_cycle": "2026-q2",
            "carried": {"FAST": "FAST-2"},
        }
        new = api_as("member").get("/objectives/FAST-2").json
        assert (new["cycle"], new["carried_from"], new["carried_over"]) == (
            "2026-q2",
            "FAST",
            False,
        )
        assert api_as("member").get("/objectives/FAST").json["carried_over"] is True
        [kr] = api_as("member").get("/objectives/FAST-2/key-results").json["items"]
        assert (kr["start"], kr["target"]) == (40.0, 100.0)

    def test_all_unfinished_takes_every_objective_below_100_percent(self, api_as, quarter, q2):
        response = api_as("admin").post(
            "/cycles/2026-q1/carry-over", {"objectives": "all_unfinished", "to_cycle": "2026-q2"}
        )
        assert response.status == 201, response
        assert response.json["carried"] == {"FAST": "FAST-2"}

    def test_a_closed_target_is_refused_with_409_and_nothing_written(
        self, api_as, world, quarter, q2
    ):
        q2.state = "closed"
        q2.save()
        response = api_as("admin").post(
            "/cycles/2026-q1/carry-over", {"objectives": ["FAST"], "to_cycle": "2026-q2"}
        )
        assert response.status == 409, response
        assert "to_cycle" in str(response.json)
        assert not Objective.objects.filter(cycle=q2).exists()

    def test_bad_input_names_the_field(self, api_as, quarter, q2):
        for body, field in (
            ({"objectives": ["NOPE"], "to_cycle": "2026-q2"}, "objectives"),
            ({"objectives": ["FAST"], "to_cycle": "nope"}, "to_cycle"),
            ({"objectives": ["FAST"], "to_cycle": "2026-q2", "mode": "teleport"}, "mode"),
            ({"objectives": ["DONE"], "to_cycle": "2026-q2"}, "objectives"),
        ):
            response = api_as("admin").post("/cycles/2026-q1/carry-over", body)
            assert response.status in (400, 422), response
            assert field in str(response.json), response
        assert not Objective.objects.filter(cycle=q2).exists()

    def test_a_member_may_not_carry_another_teams_objective(self, api_as, world, quarter, q2):
        other = ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, key="OTHER")
        KeyResultFactory(objective=other, key="OTHER-1")
        other.owner = world.user("admin")
        other.save()
        response = api_as("member").post(
            "/cycles/2026-q1/carry-over",
            {"objectives": ["FAST", "OTHER"], "to_cycle": "2026-q2"},
        )
        assert response.status == 403, response
        assert not Objective.objects.filter(cycle=q2).exists()

    def test_all_unfinished_for_a_member_is_what_they_may_edit(self, api_as, world, quarter, q2):
        other = ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, key="OTHER")
        KeyResultFactory(objective=other, key="OTHER-1")
        response = api_as("member").post(
            "/cycles/2026-q1/carry-over", {"objectives": "all_unfinished", "to_cycle": "2026-q2"}
        )
        assert response.json["carried"] == {"FAST": "FAST-2"}


CARRY_URL = "/okrs/cycles/2026-q1/carry-over/"


class TestCarryOverPage:
    def test_the_review_page_offers_the_unfinished_objectives_and_open_cycles(
        self, world, quarter, q2
    ):
        page = signed_in(world, "member").get("/okrs/review/2026-q1/").content.decode()
        assert 'action="/okrs/cycles/2026-q1/carry-over/"' in page
        assert 'name="objectives" value="FAST"' in page
        assert 'value="DONE"' not in page  # achieved
        assert '<option value="2026-q2">' in page

    def test_a_viewer_is_not_offered_the_form(self, world, quarter, q2):
        page = signed_in(world, "viewer").get("/okrs/review/2026-q1/").content.decode()
        assert "carry-over" not in page

    def test_posting_the_form_carries_over_and_links_the_pages(self, world, quarter, q2):
        client = signed_in(world, "member")
        response = client.post(
            CARRY_URL, {"objectives": ["FAST"], "to_cycle": "2026-q2", "mode": "move"}
        )
        assert response.status_code == 302
        copy = Objective.objects.get(cycle=q2)
        assert copy.carried_from == quarter
        assert copy.key_results.get().start == 40.0
        page = client.get(f"/okrs/objectives/{copy.key}/").content.decode()
        assert "Carried over from Q1 2026" in page
        assert 'href="/okrs/objectives/FAST/"' in page
        original = client.get("/okrs/objectives/FAST/").content.decode()
        assert "Carried over to Q2 2026" in original

    def test_a_closed_target_is_refused_with_a_message(self, world, quarter, q2):
        q2.state = "closed"
        q2.save()
        client = signed_in(world, "admin")
        response = client.post(
            CARRY_URL, {"objectives": ["FAST"], "to_cycle": "2026-q2"}, follow=True
        )
        assert "is closed" in response.content.decode()
        assert not Objective.objects.filter(cycle=q2).exists()

    def test_nothing_ticked_is_refused_with_a_message(self, world, quarter, q2):
        response = signed_in(world, "admin").post(CARRY_URL, {"to_cycle": "2026-q2"}, follow=True)
        assert "choose at least one" in response.content.decode()

    @pytest.mark.parametrize(
        ("persona", "team", "status"),
        [
            ("admin", "own", 302),
            ("admin", "other", 302),
            ("member", "own", 302),
            ("member", "other", 403),
            ("lead", "led", 302),  # an objective of the team they lead
            ("viewer", "own", 403),
            ("viewer", "other", 403),
        ],
    )
    def test_who_may_carry_over_from_the_page(self, world, q2, persona, team, status):
        ops = TeamFactory(workspace=world.workspace, key="ops", parent=world.company)
        objective = ObjectiveFactory(
            workspace=world.workspace,
            cycle=world.cycle,
            key="O",
            team={"own": world.web, "led": world.product, "other": ops}[team],
            owner=world.user("admin"),
        )
        KeyResultFactory(objective=objective, key="O-1")
        response = signed_in(world, persona).post(
            CARRY_URL, {"objectives": ["O"], "to_cycle": "2026-q2", "mode": "copy"}
        )
        assert response.status_code == status
        assert Objective.objects.filter(cycle=q2).exists() == (status == 302)
