"""Every rule of the okrs actions, called directly: what a success stores and records in the
history, and that a refusal names its field and changes nothing (no row, no event)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from headway.core.errors import Conflict, Invalid
from headway.core.tests.factories import (
    CheckInFactory,
    CycleFactory,
    DependencyFactory,
    InitiativeFactory,
    KeyResultFactory,
    KPIFactory,
    KPIValueFactory,
    ObjectiveFactory,
    TeamFactory,
)
from headway.core.tests.fixtures import nothing_changes, refused, the_event
from headway.history.models import Event
from headway.okrs import actions
from headway.okrs.models import CheckIn, Cycle, Dependency, Initiative, KeyResult, Objective

pytestmark = pytest.mark.usefixtures("mid_quarter")


@pytest.fixture
def grow(world):
    """An objective of the web team in the world's open Q1 cycle."""
    return ObjectiveFactory(
        workspace=world.workspace, cycle=world.cycle, key="GROW", title="Grow", team=world.web
    )


@pytest.fixture
def signups(grow):
    return KeyResultFactory(objective=grow, key="GROW-1", title="Signups", start=0, target=200)


QUARTERS = {2: ((4, 1), (6, 30)), 4: ((10, 1), (12, 31))}


def quarter(world, year: int, number: int, state: str) -> Cycle:
    """A cycle of the world's workspace for that quarter: key 2026-q2, name Q2 2026."""
    (first_month, first_day), (last_month, last_day) = QUARTERS[number]
    start, end = date(year, first_month, first_day), date(year, last_month, last_day)
    return CycleFactory(workspace=world.workspace, key=f"{year}-q{number}",
                        name=f"Q{number} {year}", start=start, end=end, state=state)  # fmt: skip


@pytest.fixture
def q4(world):
    """Last quarter, closed, with one objective and one key result."""
    cycle = quarter(world, 2025, 4, "closed")
    old = ObjectiveFactory(
        workspace=world.workspace, cycle=cycle, key="OLD", title="Old", team=world.web
    )
    KeyResultFactory(objective=old, key="OLD-1", title="Old one", start=0, target=10)
    return cycle


@pytest.fixture
def q2(world):
    return quarter(world, 2026, 2, "planning")


# Cycles --------------------------------------------------------------------------------------


class TestCreateCycle:
    def test_it_stores_the_cycle_and_records_every_field(self, world):
        cycle = actions.create_cycle(
            world.workspace, actor=world.user("admin"), via="api", key="2026-q2",
            name="Q2 2026", start=date(2026, 4, 1), end=date(2026, 6, 30), state="planning",
        )  # fmt: skip
        assert Cycle.objects.get(key="2026-q2") == cycle
        event = the_event(verb="created", subject_type="cycle", subject_key="2026-q2")
        assert event.changes == {
            "key": "2026-q2",
            "name": "Q2 2026",
            "start": "2026-04-01",
            "end": "2026-06-30",
            "state": "planning",
        }
        assert (event.actor, event.via, event.summary) == (world.user("admin"), "api", "Q2 2026")

    @pytest.mark.parametrize(
        ("start", "end", "field", "message"),
        [
            (date(2026, 4, 1), date(2026, 3, 31), "end", "on or after start"),
            (date(1999, 12, 31), date(2026, 3, 31), "start", "between 2000-01-01"),
            (date(2026, 4, 1), date(2101, 1, 1), "end", "between 2000-01-01"),
        ],
    )
    def test_it_refuses_dates_out_of_order_or_range(self, world, start, end, field, message):
        with refused(Invalid, message, field=field):
            actions.create_cycle(
                world.workspace, actor=None, key="bad", name="Bad", start=start, end=end
            )


class TestUpdateCycle:
    def test_it_records_what_changed(self, world):
        actions.update_cycle(
            world.cycle, actor=world.user("admin"), via="web", end=date(2026, 4, 5)
        )
        assert Cycle.objects.get(key="2026-q1").end == date(2026, 4, 5)
        event = the_event(
            verb="updated", subject_key="2026-q1", changes={"end": ["2026-03-31", "2026-04-05"]}
        )
        assert (event.actor, event.via) == (world.user("admin"), "web")

    def test_saving_the_same_values_records_nothing(self, world):
        with nothing_changes():
            actions.update_cycle(world.cycle, actor=None, name=world.cycle.name)

    def test_a_closed_cycle_may_be_renamed(self, world, q4):
        actions.update_cycle(q4, actor=None, name="Autumn 2025")
        assert Cycle.objects.get(key="2025-q4").name == "Autumn 2025"
        assert the_event().changes == {"name": ["Q4 2025", "Autumn 2025"]}

    def test_the_dates_of_a_closed_cycle_are_refused(self, world, q4):
        with refused(Conflict, "is closed", field="cycle"):
            actions.update_cycle(q4, actor=None, end=date(2026, 1, 15))

    def test_closing_by_editing_the_state_is_refused(self, world):
        with refused(Invalid, "close action", field="state"):
            actions.update_cycle(world.cycle, actor=None, state="closed")

    def test_an_end_before_the_start_is_refused(self, world):
        with refused(Invalid, "on or after start", field="end"):
            actions.update_cycle(world.cycle, actor=None, end=date(2025, 12, 1))


class TestCloseCycle:
    def test_it_freezes_the_figures_and_records_the_close(self, world, signups):
        CheckInFactory(key_result=signups, at=date(2026, 2, 1), value=100)
        actions.close_cycle(world.cycle, actor=world.user("admin"), via="web")
        cycle = Cycle.objects.get(key="2026-q1")
        assert cycle.state == "closed"
        assert cycle.frozen_figures is not None
        event = the_event(verb="closed", subject_type="cycle", subject_key="2026-q1", changes={})
        assert (event.actor, event.via, event.summary) == (world.user("admin"), "web", "Q1 2026")

    def test_closing_twice_is_refused(self, world):
        actions.close_cycle(world.cycle, actor=None)
        with refused(Conflict, "already closed", field="state"):
            actions.close_cycle(world.cycle, actor=None)

    def test_a_stale_copy_of_the_cycle_is_refused_too(self, world):
        stale = Cycle.objects.get(pk=world.cycle.pk)
        actions.close_cycle(world.cycle, actor=None)
        with refused(Conflict, "already closed"):
            actions.close_cycle(stale, actor=None)


class TestReopenCycle:
    def test_reopening_thaws_the_figures_and_records_the_state(self, world, signups):
        actions.close_cycle(world.cycle, actor=None)
        actions.reopen_cycle(world.cycle, actor=world.user("admin"), via="web")
        cycle = Cycle.objects.get(key="2026-q1")
        assert (cycle.state, cycle.frozen_figures) == ("active", None)
        event = Event.objects.latest("id")
        assert (event.verb, event.subject_key, event.changes) == (
            "updated",
            "2026-q1",
            {"state": ["closed", "active"]},
        )
        assert (event.actor, event.via) == (world.user("admin"), "web")

    def test_a_reopened_cycle_takes_check_ins_again(self, world, signups):
        actions.close_cycle(world.cycle, actor=None)
        actions.reopen_cycle(world.cycle, actor=None)
        signups.refresh_from_db()
        actions.record_check_in(signups, actor=None, value=20, confidence=5, at=date(2026, 2, 2))
        assert CheckIn.objects.get().value == 20


# Objectives ----------------------------------------------------------------------------------


class TestCreateObjective:
    def test_it_stores_it_and_records_it_in_the_objectives_and_teams_history(self, world):
        parent = ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, key="TOP")
        objective = actions.create_objective(
            world.workspace, actor=world.user("member"), via="api", key="GROW", title="Grow",
            cycle=world.cycle, team=world.web, parent=parent,
        )  # fmt: skip
        assert Objective.objects.get(key="GROW").parent == parent
        event = the_event(
            verb="created", subject_type="objective", subject_key="GROW", summary="Grow"
        )
        assert (event.objective_id, event.team_id) == (objective.pk, world.web.pk)
        assert (event.actor, event.via) == (world.user("member"), "api")
        assert event.changes["cycle"] == "2026-q1"
        assert event.changes["team"] == "web"
        assert event.changes["parent"] == "TOP"
        assert event.changes["title"] == "Grow"

    @pytest.mark.parametrize(
        ("field", "factory", "message"),
        [
            ("parent", ObjectiveFactory, "unknown objective"),
            ("cycle", CycleFactory, "unknown cycle"),
            ("team", TeamFactory, "unknown team"),
        ],
    )
    def test_a_reference_to_another_workspace_is_refused(self, world, field, factory, message):
        fields = {"key": "GROW", "title": "Grow", "cycle": world.cycle}
        fields[field] = factory(workspace=world.other)
        with refused(Invalid, message, field=field):
            actions.create_objective(world.workspace, actor=None, **fields)

    def test_an_objective_in_a_closed_cycle_is_refused(self, world, q4):
        with refused(Conflict, "is closed", field="cycle"):
            actions.create_objective(
                world.workspace, actor=None, key="LATE", title="Late", cycle=q4
            )


class TestUpdateObjective:
    def test_it_records_what_changed_in_the_objectives_history(self, world, grow):
        actions.update_objective(grow, actor=world.user("member"), via="web", title="Grow faster")
        assert Objective.objects.get(key="GROW").title == "Grow faster"
        event = the_event(
            verb="updated", subject_key="GROW", changes={"title": ["Grow", "Grow faster"]}
        )
        assert (event.objective_id, event.team_id) == (grow.pk, world.web.pk)
        assert (event.actor, event.via) == (world.user("member"), "web")

    def test_saving_the_same_values_records_nothing(self, world, grow):
        with nothing_changes():
            actions.update_objective(grow, actor=None, title="Grow", team=world.web)

    def test_an_objective_cannot_be_its_own_parent(self, world, grow):
        with refused(Invalid, "its own ancestor", field="parent"):
            actions.update_objective(grow, actor=None, parent=grow)

    def test_a_loop_of_two_is_refused(self, world, grow):
        child = ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, parent=grow)
        with refused(Invalid, "its own ancestor", field="parent"):
            actions.update_objective(grow, actor=None, parent=child)

    def test_a_longer_loop_is_refused(self, world, grow):
        child = ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, parent=grow)
        grandchild = ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, parent=child)
        with refused(Invalid, "its own ancestor"):
            actions.update_objective(grow, actor=None, parent=grandchild)

    def test_a_parent_in_another_workspace_is_refused(self, world, grow):
        theirs = ObjectiveFactory(workspace=world.other, key="THEIRS")
        with refused(Invalid, "unknown objective", field="parent"):
            actions.update_objective(grow, actor=None, parent=theirs)

    def test_editing_an_objective_of_a_closed_cycle_is_refused(self, world, q4):
        old = Objective.objects.get(key="OLD")
        with refused(Conflict, "is closed", field="cycle"):
            actions.update_objective(old, actor=None, title="Rewritten")

    def test_the_retrospective_may_be_written_in_a_closed_cycle(self, world, q4):
        old = Objective.objects.get(key="OLD")
        actions.update_objective(
            old, actor=world.user("member"), via="web", retrospective="Too ambitious"
        )
        assert Objective.objects.get(key="OLD").retrospective == "Too ambitious"
        event = the_event(
            verb="updated", subject_key="OLD", changes={"retrospective": ["", "Too ambitious"]}
        )
        assert (event.objective_id, event.actor) == (old.pk, world.user("member"))

    def test_moving_an_objective_into_a_closed_cycle_is_refused(self, world, grow, q4):
        with refused(Conflict, "'2025-q4' is closed", field="cycle"):
            actions.update_objective(grow, actor=None, cycle=q4)

    def test_moving_an_objective_out_of_a_closed_cycle_is_refused(self, world, q4):
        old = Objective.objects.get(key="OLD")
        with refused(Conflict, "'2025-q4' is closed", field="cycle"):
            actions.update_objective(old, actor=None, cycle=world.cycle)

    def test_moving_an_objective_between_open_cycles_is_recorded(self, world, grow, q2):
        actions.update_objective(grow, actor=None, cycle=q2)
        assert Objective.objects.get(key="GROW").cycle == q2
        assert the_event().changes == {"cycle": ["2026-q1", "2026-q2"]}

    def test_a_cycle_of_another_workspace_is_refused(self, world, grow):
        theirs = CycleFactory(workspace=world.other, key="2026-q2")
        with refused(Invalid, "unknown cycle"):
            actions.update_objective(grow, actor=None, cycle=theirs)


class TestDeleteObjective:
    def test_it_deletes_it_and_records_it_in_the_teams_history(self, world, grow, signups):
        actions.delete_objective(grow, actor=world.user("admin"), via="api")
        assert not Objective.objects.filter(key="GROW").exists()
        assert not KeyResult.objects.exists()
        event = the_event(
            verb="deleted", subject_type="objective", subject_key="GROW", summary="Grow"
        )
        # The objective's row is gone, so the event hangs from its team only.
        assert (event.objective_id, event.team_id) == (None, world.web.pk)
        assert (event.actor, event.via) == (world.user("admin"), "api")

    def test_an_objective_of_a_closed_cycle_is_kept(self, world, q4):
        with refused(Conflict, "is closed"):
            actions.delete_objective(Objective.objects.get(key="OLD"), actor=None)


# Key results ---------------------------------------------------------------------------------


class TestCreateKeyResult:
    def test_it_stores_it_after_the_others_and_records_it(self, world, grow, signups):
        kr = actions.create_key_result(
            grow, actor=world.user("member"), via="api", key="GROW-2", title="Revenue",
            start=10, target=20,
        )  # fmt: skip
        assert KeyResult.objects.get(key="GROW-2").position == 1
        event = the_event(verb="created", subject_type="key_result", subject_key="GROW-2")
        assert (event.objective_id, event.team_id) == (grow.pk, world.web.pk)
        assert (event.actor, event.via, event.summary) == (world.user("member"), "api", "Revenue")
        assert {k: event.changes[k] for k in ("objective", "start", "target", "position")} == {
            "objective": "GROW",
            "start": 10,
            "target": 20,
            "position": 1,
        }
        assert kr.workspace == world.workspace

    def test_a_sixth_key_result_is_refused_naming_the_count(self, world, grow):
        for n in range(5):
            KeyResultFactory(objective=grow, key=f"GROW-{n}")
        with refused(Invalid, "at most 5 key results; “Grow” has 5", field="key_results"):
            actions.create_key_result(grow, actor=None, key="GROW-6", title="x", start=0, target=1)

    def test_a_key_result_in_a_closed_cycle_is_refused(self, world, q4):
        old = Objective.objects.get(key="OLD")
        with refused(Conflict, "is closed"):
            actions.create_key_result(old, actor=None, key="OLD-2", title="x", start=0, target=1)

    def test_a_kpi_of_another_workspace_is_refused(self, world, grow):
        theirs = KPIFactory(workspace=world.other, key="revenue")
        with refused(Invalid, "unknown KPI", field="kpi"):
            actions.create_key_result(grow, actor=None, key="GROW-2", title="x", kpi=theirs,
                                      target=100)  # fmt: skip

    @pytest.mark.parametrize(
        ("fields", "field", "message"),
        [
            ({"start": 0, "target": float("inf")}, "target", "finite"),
            ({"start": float("nan"), "target": 1}, "start", "finite"),
            ({"start": 0, "target": 1, "weight": -1}, "weight", "0 or more"),
            ({"start": None, "target": 1}, "start", "required when direction is auto"),
            ({"start": 0, "target": None}, "target", "is required"),
            ({"start": 0, "target": 2e15}, "target", "between -1e15 and 1e15"),
        ],
    )
    def test_bad_figures_are_refused_by_field(self, world, grow, fields, field, message):
        with refused(Invalid, message, field=field):
            actions.create_key_result(grow, actor=None, key="GROW-2", title="x", **fields)


class TestUpdateKeyResult:
    def test_it_records_what_changed(self, world, grow, signups):
        actions.update_key_result(signups, actor=world.user("member"), via="web", target=300)
        assert KeyResult.objects.get(key="GROW-1").target == 300
        event = the_event(verb="updated", subject_key="GROW-1", changes={"target": [200.0, 300]})
        assert (event.objective_id, event.team_id) == (grow.pk, world.web.pk)
        assert (event.actor, event.via) == (world.user("member"), "web")

    def test_a_target_equal_to_the_start_is_refused(self, world, signups):
        with refused(Invalid, "differ from start", field="target"):
            actions.update_key_result(signups, actor=None, target=0)

    def test_a_key_result_of_a_closed_cycle_is_refused(self, world, q4):
        with refused(Conflict, "is closed"):
            actions.update_key_result(KeyResult.objects.get(key="OLD-1"), actor=None, target=20)


class TestDeleteKeyResult:
    def test_it_deletes_it_and_records_it(self, world, grow, signups):
        actions.delete_key_result(signups, actor=world.user("member"), via="web")
        assert not KeyResult.objects.exists()
        event = the_event(
            verb="deleted", subject_type="key_result", subject_key="GROW-1", summary="Signups"
        )
        assert (event.objective_id, event.team_id) == (grow.pk, world.web.pk)

    def test_a_key_result_of_a_closed_cycle_is_kept(self, world, q4):
        with refused(Conflict, "is closed"):
            actions.delete_key_result(KeyResult.objects.get(key="OLD-1"), actor=None)


# Check-ins -----------------------------------------------------------------------------------


class TestRecordCheckIn:
    def test_it_stores_the_reading_and_records_it(self, world, grow, signups):
        actions.record_check_in(
            signups, actor=world.user("member"), via="api", value=120, confidence=8,
            at=date(2026, 2, 10), note="launch", blockers="none",
        )  # fmt: skip
        check_in = CheckIn.objects.get()
        assert (check_in.at, check_in.value, check_in.confidence, check_in.author) == (
            date(2026, 2, 10),
            120.0,
            8,
            world.user("member"),
        )
        event = the_event(verb="checked_in", subject_type="key_result", subject_key="GROW-1")
        assert event.changes == {
            "at": "2026-02-10",
            "value": 120.0,
            "confidence": 8,
            "note": "launch",
            "blockers": "none",
        }
        assert event.summary == "Signups: 120 (confidence 8/10)"
        assert (event.objective_id, event.team_id) == (grow.pk, world.web.pk)
        assert (event.actor, event.via) == (world.user("member"), "api")

    def test_without_a_date_it_is_dated_today(self, world, signups):
        actions.record_check_in(signups, actor=None, value=5, confidence=5)
        assert CheckIn.objects.get().at == date(2026, 2, 15)

    def test_after_the_cycle_without_a_date_it_is_dated_on_the_last_day(
        self, world, signups, time_machine
    ):
        time_machine.move_to(datetime(2026, 4, 10, 12, tzinfo=UTC), tick=False)
        actions.record_check_in(signups, actor=None, value=5, confidence=5)
        assert CheckIn.objects.get().at == date(2026, 3, 31)

    def test_a_check_in_in_a_closed_cycle_is_refused(self, world, q4):
        kr = KeyResult.objects.get(key="OLD-1")
        with refused(Conflict, "is closed", field="cycle"):
            actions.record_check_in(kr, actor=None, value=5, confidence=5, at=date(2025, 12, 1))

    def test_a_key_result_read_before_the_cycle_closed_is_refused_too(self, world, signups):
        """The state is read again from the database, not from the caller's copy."""
        stale = KeyResult.objects.select_related("objective__cycle").get(pk=signups.pk)
        actions.close_cycle(world.cycle, actor=None)
        assert stale.objective.cycle.state == "active"
        with refused(Conflict, "is closed"):
            actions.record_check_in(stale, actor=None, value=5, confidence=5, at=date(2026, 2, 1))

    @pytest.mark.parametrize(
        ("at", "message"),
        [
            (date(2026, 2, 16), "must not be after today"),
            (date(2025, 12, 31), "before the cycle's start"),
            (date(1999, 1, 1), "between 2000-01-01"),
        ],
    )
    def test_a_date_in_the_future_or_outside_the_cycle_is_refused(self, world, signups, at,
                                                                  message):  # fmt: skip
        with refused(Invalid, message, field="at"):
            actions.record_check_in(signups, actor=None, value=5, confidence=5, at=at)

    def test_a_date_after_the_cycles_end_is_refused(self, world, time_machine):
        time_machine.move_to(datetime(2026, 5, 1, 12, tzinfo=UTC), tick=False)
        kr = KeyResultFactory(objective__workspace=world.workspace, objective__cycle=world.cycle)
        with refused(Invalid, "after the cycle's end"):
            actions.record_check_in(kr, actor=None, value=5, confidence=5, at=date(2026, 4, 1))

    @pytest.mark.parametrize(
        "confidence",
        [
            0,
            11,
            -1,
            7.5,
            True,
        ],
    )
    def test_a_confidence_outside_1_to_10_is_refused(self, world, signups, confidence):
        with refused(Invalid, "1 to 10", field="confidence"):
            actions.record_check_in(signups, actor=None, value=5, confidence=confidence,
                                    at=date(2026, 2, 1))  # fmt: skip

    @pytest.mark.parametrize("confidence", [1, 10])
    def test_the_confidence_bounds_are_taken(self, world, signups, confidence):
        actions.record_check_in(signups, actor=None, value=5, confidence=confidence,
                                at=date(2026, 2, 1))  # fmt: skip
        assert CheckIn.objects.get().confidence == confidence

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            (None, "is required"),
            (True, "not true or false"),
            (float("inf"), "finite"),
            (1e16, "between -1e15 and 1e15"),
        ],
    )
    def test_a_missing_or_bad_value_is_refused(self, world, signups, value, message):
        with refused(Invalid, message, field="value"):
            actions.record_check_in(signups, actor=None, value=value, confidence=5,
                                    at=date(2026, 2, 1))  # fmt: skip

    def test_a_done_or_not_key_result_takes_only_true_or_false(self, world, grow):
        done = KeyResultFactory(objective=grow, metric="boolean", start=None, target=1)
        with refused(Invalid, "true or false"):
            actions.record_check_in(done, actor=None, value=2, confidence=5, at=date(2026, 2, 1))
        actions.record_check_in(done, actor=None, value=True, confidence=5, at=date(2026, 2, 1))
        assert CheckIn.objects.get().value == 1.0

    def test_a_value_for_a_kpi_driven_key_result_is_refused(self, world, grow):
        kpi = KPIFactory(workspace=world.workspace, key="visits")
        driven = KeyResultFactory(objective=grow, key="GROW-9", kpi=kpi)
        with refused(Invalid, "driven by the KPI 'visits'", field="value"):
            actions.record_check_in(driven, actor=None, value=5, confidence=5, at=date(2026, 2, 1))

    def test_a_kpi_driven_check_in_records_the_kpis_reading(self, world, grow):
        kpi = KPIFactory(workspace=world.workspace, key="visits")
        KPIValueFactory(kpi=kpi, at=date(2026, 2, 1), value=42)
        KPIValueFactory(kpi=kpi, at=date(2026, 2, 14), value=99)  # after the check-in's day
        driven = KeyResultFactory(objective=grow, key="GROW-9", title="Visits", kpi=kpi)
        actions.record_check_in(driven, actor=None, value=None, confidence=6, at=date(2026, 2, 7))
        assert CheckIn.objects.get().value == 42.0
        event = the_event()
        assert event.summary == "Visits: confidence 6/10"
        assert event.changes["value"] == 42.0


# Initiatives and dependencies ----------------------------------------------------------------


class TestInitiatives:
    def test_creating_one_records_it_in_the_objectives_history(self, world, grow, signups):
        initiative = actions.create_initiative(
            world.workspace, actor=world.user("member"), via="api", key="I-1", title="Ship it",
            objective=grow, key_result=signups, due=date(2026, 3, 1),
        )  # fmt: skip
        assert Initiative.objects.get(key="I-1") == initiative
        event = the_event(verb="created", subject_type="initiative", subject_key="I-1")
        assert (event.objective_id, event.team_id) == (grow.pk, world.web.pk)
        assert {k: event.changes[k] for k in ("objective", "key_result", "due")} == {
            "objective": "GROW",
            "key_result": "GROW-1",
            "due": "2026-03-01",
        }

    def test_a_key_result_of_another_objective_is_refused(self, world, grow):
        other = KeyResultFactory(objective__workspace=world.workspace,
                                 objective__cycle=world.cycle)  # fmt: skip
        with refused(Invalid, "initiative's objective", field="key_result"):
            actions.create_initiative(world.workspace, actor=None, key="I-1", title="x",
                                      objective=grow, key_result=other)  # fmt: skip

    def test_an_objective_of_another_workspace_is_refused(self, world):
        theirs = ObjectiveFactory(workspace=world.other)
        with refused(Invalid, "unknown objective"):
            actions.create_initiative(world.workspace, actor=None, key="I-1", title="x",
                                      objective=theirs)  # fmt: skip

    def test_a_due_date_out_of_range_is_refused_on_update(self, world, grow):
        initiative = InitiativeFactory(objective=grow, key="I-1")
        with refused(Invalid, "between 2000-01-01", field="due"):
            actions.update_initiative(initiative, actor=None, due=date(2200, 1, 1))

    def test_updating_and_deleting_one_is_recorded(self, world, grow):
        initiative = InitiativeFactory(objective=grow, key="I-1", title="Ship it")
        actions.update_initiative(initiative, actor=None, status="doing")
        actions.delete_initiative(initiative, actor=world.user("admin"), via="web")
        assert not Initiative.objects.exists()
        updated, deleted = Event.objects.order_by("id")
        assert (updated.verb, updated.changes) == ("updated", {"status": ["todo", "doing"]})
        assert (deleted.verb, deleted.subject_key, deleted.objective_id) == (
            "deleted",
            "I-1",
            grow.pk,
        )
        assert (deleted.actor, deleted.via) == (world.user("admin"), "web")


class TestCreateDependency:
    def test_it_stores_it_and_records_it_in_the_dependents_history(self, world, grow):
        infra = ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, key="INFRA")
        dependency = actions.create_dependency(
            world.workspace, actor=world.user("member"), via="api", objective=grow,
            depends_on_objective=infra, note="needs the servers",
        )  # fmt: skip
        assert Dependency.objects.get() == dependency
        event = the_event(verb="created", subject_type="dependency", subject_key=str(dependency.pk))
        assert (event.objective_id, event.team_id) == (grow.pk, world.web.pk)
        assert {k: event.changes[k] for k in ("objective", "depends_on_objective", "note")} == {
            "objective": "GROW",
            "depends_on_objective": "INFRA",
            "note": "needs the servers",
        }

    def test_a_key_result_may_depend_on_a_key_result(self, world, grow, signups):
        infra = KeyResultFactory(objective__workspace=world.workspace,
                                 objective__cycle=world.cycle, key="INFRA-1")  # fmt: skip
        actions.create_dependency(world.workspace, actor=None, key_result=signups,
                                  depends_on_key_result=infra)  # fmt: skip
        assert the_event().objective_id == grow.pk

    @pytest.mark.parametrize(
        ("sources", "targets", "field", "message"),
        [
            ((), ("objective",), "objective", "exactly one of objective and key_result"),
            (("objective", "key_result"), ("objective",), "objective", "exactly one of"),
            (("objective",), (), "depends_on_objective", "exactly one of depends_on"),
            (("objective",), ("objective", "key_result"), "depends_on_objective", "exactly one"),
        ],
    )
    def test_it_needs_exactly_one_source_and_one_target(
        self, world, grow, signups, sources, targets, field, message
    ):
        infra = ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, key="INFRA")
        infra_kr = KeyResultFactory(objective=infra, key="INFRA-1")
        given = {"objective": grow, "key_result": signups}
        wanted = {"depends_on_objective": infra, "depends_on_key_result": infra_kr}
        fields = {name: given[name] for name in sources} | {
            f"depends_on_{name}": wanted[f"depends_on_{name}"] for name in targets
        }
        with refused(Invalid, message, field=field):
            actions.create_dependency(world.workspace, actor=None, **fields)

    def test_an_objective_cannot_depend_on_itself(self, world, grow):
        with refused(Invalid, "cannot depend on itself", field="depends_on_objective"):
            actions.create_dependency(world.workspace, actor=None, objective=grow,
                                      depends_on_objective=grow)  # fmt: skip

    def test_a_duplicate_is_refused(self, world, grow, signups):
        infra = KeyResultFactory(objective__workspace=world.workspace,
                                 objective__cycle=world.cycle, key="INFRA-1")  # fmt: skip
        DependencyFactory(objective=grow, depends_on_objective=None, depends_on_key_result=infra)
        with refused(Conflict, "already depends on", field="depends_on_key_result"):
            actions.create_dependency(world.workspace, actor=None, objective=grow,
                                      depends_on_key_result=infra)  # fmt: skip

    def test_an_objective_of_another_workspace_is_refused(self, world, grow):
        theirs = ObjectiveFactory(workspace=world.other, key="THEIRS")
        with refused(Invalid, "unknown objective"):
            actions.create_dependency(world.workspace, actor=None, objective=grow,
                                      depends_on_objective=theirs)  # fmt: skip

    def test_deleting_one_is_recorded(self, world, grow):
        dependency = DependencyFactory(objective=grow)
        actions.delete_dependency(dependency, actor=world.user("member"), via="web")
        assert not Dependency.objects.exists()
        the_event(verb="deleted", subject_type="dependency", objective_id=grow.pk)


# Carrying over -------------------------------------------------------------------------------


@pytest.fixture
def halfway(grow, signups):
    """GROW is half-way: its one key result is at 100 of 200."""
    CheckInFactory(key_result=signups, at=date(2026, 2, 1), value=100)
    return grow


class TestCarryOver:
    def test_moving_copies_the_unfinished_and_records_it_on_the_original(self, world, halfway, q2):
        (copy,) = actions.carry_over([halfway], to_cycle=q2, mode="move",
                                     actor=world.user("admin"), via="web")  # fmt: skip
        assert (copy.cycle, copy.carried_from, copy.key, copy.team) == (
            q2,
            halfway,
            "GROW-2",
            world.web,
        )
        assert list(copy.key_results.values_list("start", "target")) == [(100.0, 200.0)]
        assert Objective.objects.get(key="GROW").carried_over
        carried = Event.objects.get(verb="carried_over")
        assert (carried.subject_key, carried.changes) == (
            "GROW",
            {"to": "GROW-2", "to_cycle": "2026-q2", "mode": "move"},
        )
        assert carried.summary == "Grow: carried over to Q2 2026 as GROW-2 (move)"
        assert (carried.objective_id, carried.team_id) == (halfway.pk, world.web.pk)
        assert (carried.actor, carried.via) == (world.user("admin"), "web")
        created = Event.objects.filter(verb="created").values_list("subject_type", "subject_key")
        assert sorted(created) == [("key_result", "GROW-2-kr1"), ("objective", "GROW-2")]

    def test_copying_leaves_the_original_as_it_was(self, world, halfway, q2):
        actions.carry_over([halfway], to_cycle=q2, mode="copy", actor=None)
        assert not Objective.objects.get(key="GROW").carried_over
        assert Event.objects.get(verb="carried_over").changes["mode"] == "copy"

    def test_an_unknown_mode_is_refused(self, world, halfway, q2):
        with refused(Invalid, "move or copy", field="mode"):
            actions.carry_over([halfway], to_cycle=q2, mode="teleport", actor=None)

    def test_nothing_to_carry_is_refused(self, world, q2):
        with refused(Invalid, "at least one", field="objectives"):
            actions.carry_over([], to_cycle=q2, mode="copy", actor=None)

    def test_a_closed_target_cycle_is_refused(self, world, halfway, q4):
        with refused(Conflict, "'2025-q4' is closed", field="to_cycle"):
            actions.carry_over([halfway], to_cycle=q4, mode="copy", actor=None)

    def test_the_same_cycle_is_refused(self, world, halfway):
        with refused(Invalid, "GROW is already in Q1", field="to_cycle"):
            actions.carry_over([halfway], to_cycle=world.cycle, mode="copy", actor=None)

    def test_a_cycle_of_another_workspace_is_refused(self, world, halfway):
        theirs = CycleFactory(workspace=world.other, key="2026-q2", state="planning")
        with refused(Invalid, "unknown cycle", field="to_cycle"):
            actions.carry_over([halfway], to_cycle=theirs, mode="copy", actor=None)

    def test_a_moved_objective_is_not_carried_again(self, world, halfway, q2):
        Objective.objects.filter(pk=halfway.pk).update(carried_over=True)
        with refused(Conflict, "GROW was already moved", field="objectives"):
            actions.carry_over([halfway], to_cycle=q2, mode="copy", actor=None)

    def test_an_objective_already_carried_to_the_cycle_is_refused(self, world, halfway, q2):
        ObjectiveFactory(workspace=world.workspace, cycle=q2, carried_from=halfway)
        with refused(Conflict, "already carried over", field="objectives"):
            actions.carry_over([halfway], to_cycle=q2, mode="copy", actor=None)

    def test_an_achieved_objective_is_refused(self, world, grow, signups, q2):
        CheckInFactory(key_result=signups, at=date(2026, 2, 1), value=200)
        with refused(Invalid, "GROW is achieved", field="objectives"):
            actions.carry_over([grow], to_cycle=q2, mode="copy", actor=None)
