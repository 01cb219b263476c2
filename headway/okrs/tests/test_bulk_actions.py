"""The bulk actions of okrs (the plan import's writes), called directly."""

from datetime import date

import pytest

from headway.core.tests.factories import (
    CheckInFactory,
    CycleFactory,
    KeyResultFactory,
    ObjectiveFactory,
)
from headway.history.actions import Batch, Refused, RowProblem
from headway.history.models import Event
from headway.okrs import actions
from headway.okrs.actions import CheckInRow, DependencyRow, ObjectiveRow
from headway.okrs.models import CheckIn, Cycle, Dependency, Initiative, KeyResult, Objective

CLOSED = "cycle '2025-q4' is closed: its scores are final. Reopen it (state: active) to change"


def batch_of(world, *rows):
    """A batch of the world's admin that knows the world's users and cycles, and `rows`."""
    batch = Batch(world.workspace, world.user("admin"), "import")
    for persona in ("admin", "member"):
        user = world.user(persona)
        batch.remember("user", user.pk, user.username)
    for row in (world.cycle, *rows):
        batch.remember(row._meta.model_name.replace("keyresult", "key_result"), row.pk, row.key)
    return batch


def cycle_values(**changes):
    values = {"name": "Q4 2025", "start": date(2025, 10, 1), "end": date(2025, 12, 31)}
    return {**values, "state": "active", **changes}


@pytest.fixture
def closed(world):
    """A cycle closed before the import, holding an objective with one key result."""
    cycle = CycleFactory(
        workspace=world.workspace, key="2025-q4", start=date(2025, 10, 1), end=date(2025, 12, 31)
    )
    objective = ObjectiveFactory(workspace=world.workspace, cycle=cycle, key="old")
    kr = KeyResultFactory(objective=objective, key="old-kr")
    CheckInFactory(key_result=kr, at=date(2025, 11, 1))
    actions.close_cycle(cycle, actor=None)
    return cycle


def saved(batch):
    batch.save_events()
    return list(Event.objects.filter(via="import").order_by("id"))


class TestUpsertCycles:
    def test_it_creates_and_updates_by_key_recording_what_changed(self, world):
        batch = batch_of(world)
        rows = actions.lock_cycles(world.workspace)
        items = [("2026-q1", cycle_values(name="First quarter", start=date(2026, 1, 1),
                                          end=date(2026, 3, 31))),
                 ("2026-q2", cycle_values(name="Q2", start=date(2026, 4, 1),
                                          end=date(2026, 6, 30)))]  # fmt: skip
        written = actions.upsert_cycles(batch, items, rows)
        assert written.to_close == []
        assert written.locked == frozenset()
        assert Cycle.objects.get(key="2026-q2").name == "Q2"
        events = saved(batch)
        assert [(e.verb, e.subject_key) for e in events] == [
            ("updated", "2026-q1"),
            ("created", "2026-q2"),
        ]
        assert events[0].changes == {"name": ["Q1 2026", "First quarter"]}
        assert (batch.created["cycle"], batch.updated["cycle"]) == (1, 1)

    def test_writing_the_same_cycles_again_changes_nothing(self, world):
        items = [("2026-q2", cycle_values(start=date(2026, 4, 1), end=date(2026, 6, 30)))]
        actions.upsert_cycles(batch_of(world), items, actions.lock_cycles(world.workspace))
        again = batch_of(world)
        actions.upsert_cycles(again, items, actions.lock_cycles(world.workspace))
        assert again.events == []
        assert not again.created
        assert not again.updated

    def test_a_cycle_given_closed_is_written_open_and_left_to_close_cycles(self, world):
        batch = batch_of(world)
        items = [("2026-q1", cycle_values(name="Q1 2026", start=date(2026, 1, 1),
                                          end=date(2026, 3, 31), state="closed"))]  # fmt: skip
        written = actions.upsert_cycles(batch, items, actions.lock_cycles(world.workspace))
        assert written.to_close == [world.cycle]
        assert not Cycle.objects.get(pk=world.cycle.pk).is_closed

    def test_a_closed_cycle_may_be_renamed_but_not_moved(self, world, closed):
        batch = batch_of(world, closed)
        rows = actions.lock_cycles(world.workspace)
        renamed = [("2025-q4", cycle_values(name="Last quarter", state="closed"))]
        assert actions.upsert_cycles(batch, renamed, rows).locked == {closed.pk}
        moved = [("2025-q4", cycle_values(end=date(2026, 1, 15), state="closed"))]
        with pytest.raises(Refused) as refused:
            actions.upsert_cycles(
                batch_of(world, closed), moved, actions.lock_cycles(world.workspace)
            )
        assert refused.value.problems[0].field == "end"
        assert refused.value.problems[0].message.startswith(CLOSED)
        assert Cycle.objects.get(pk=closed.pk).end == date(2025, 12, 31)

    def test_reopening_a_closed_cycle_thaws_its_figures(self, world, closed):
        items = [("2025-q4", cycle_values())]
        written = actions.upsert_cycles(
            batch_of(world, closed), items, actions.lock_cycles(world.workspace)
        )
        closed.refresh_from_db()
        assert written.locked == frozenset()
        assert (closed.state, closed.frozen_figures) == ("active", None)

    def test_dates_are_checked_like_update_cycle_does(self, world):
        items = [("2026-q2", cycle_values(start=date(2026, 6, 1), end=date(2026, 4, 1)))]
        with pytest.raises(Refused) as refused:
            actions.upsert_cycles(batch_of(world), items, actions.lock_cycles(world.workspace))
        assert refused.value.problems == [RowProblem(0, "end", "must be on or after start")]
        assert not Cycle.objects.filter(key="2026-q2").exists()


class TestCloseCycles:
    def test_it_closes_with_the_grades_given(self, world):
        objective = ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, key="o")
        kr = KeyResultFactory(objective=objective, key="o-kr")
        batch = batch_of(world, objective, kr)
        grades = {"objectives": {"o": {"score": 0.3}}, "key_results": {"o-kr": {"score": 0.4}}}
        closed = actions.close_cycles(
            batch, [world.cycle], frozen={"2026-q1": grades}, objectives={objective.pk: objective}
        )
        world.cycle.refresh_from_db()
        assert closed == ["2026-q1"]
        assert world.cycle.is_closed
        figures = world.cycle.frozen_figures
        assert figures["objectives"][str(objective.pk)] == {"score": 0.3, "team_id": None}
        assert figures["key_results"][str(kr.pk)] == {"score": 0.4}
        assert Event.objects.filter(verb="closed", subject_key="2026-q1", via="import").exists()


def objective_row(world, key="grow", **changes):
    values = {
        "title": "Grow", "description": "", "owner": world.user("admin").pk, "team": None,
        "cycle": world.cycle.pk, "kind": "committed", "visibility": "workspace",
        "retrospective": "", "carried_over": False,
    }  # fmt: skip
    return ObjectiveRow(key, {**values, **changes.pop("values", {})}, **changes)


class TestUpsertObjectives:
    def test_parents_are_set_once_every_objective_exists(self, world):
        batch = batch_of(world)
        items = [objective_row(world, "child", parent="top"), objective_row(world, "top")]
        objectives = actions.upsert_objectives(batch, items, {}, locked=())
        child = Objective.objects.get(key="child")
        assert child.parent == Objective.objects.get(key="top")
        assert set(objectives) == {child.pk, child.parent_id}
        created = saved(batch)[0]
        assert created.changes["parent"] == "top"
        assert created.changes["owner"] == "ada"
        assert (created.objective_id, created.summary) == (child.pk, "Grow")

    def test_in_a_closed_cycle_only_the_review_may_change(self, world, closed):
        old = Objective.objects.get(key="old")
        rows = {"old": old}
        review = [objective_row(world, "old", values={"cycle": closed.pk, "title": old.title,
                                                      "kind": old.kind, "owner": None,
                                                      "retrospective": "Late."})]  # fmt: skip
        actions.upsert_objectives(batch_of(world, closed), review, rows, locked={closed.pk})
        assert Objective.objects.get(key="old").retrospective == "Late."
        renamed = [objective_row(world, "old", values={"cycle": closed.pk, "title": "New"})]
        with pytest.raises(Refused) as refused:
            actions.upsert_objectives(
                batch_of(world, closed), renamed, {"old": Objective.objects.get(key="old")},
                locked={closed.pk},
            )  # fmt: skip
        assert refused.value.problems[0].index == 0
        assert refused.value.problems[0].message.startswith(CLOSED)
        assert Objective.objects.get(key="old").title == old.title

    def test_nothing_moves_into_a_closed_cycle(self, world, closed):
        items = [objective_row(world, "new", values={"cycle": closed.pk})]
        with pytest.raises(Refused):
            actions.upsert_objectives(batch_of(world, closed), items, {}, locked={closed.pk})
        assert not Objective.objects.filter(key="new").exists()


def kr_values(objective, **changes):
    values = {
        "objective": objective.pk, "title": "Ship", "metric": "number", "unit": "",
        "start": 0.0, "target": 10.0, "direction": "auto", "weight": 1.0, "owner": None,
        "kpi": None, "position": 0,
    }  # fmt: skip
    return {**values, **changes}


class TestUpsertKeyResults:
    def test_it_creates_them_in_their_objectives_context(self, world):
        objective = ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, team=world.web)
        batch = batch_of(world, objective)
        key_results = actions.upsert_key_results(
            batch, [("ship", kr_values(objective))], {}, objectives={objective.pk: objective},
            locked=(),
        )  # fmt: skip
        kr = KeyResult.objects.get(key="ship")
        assert list(key_results) == [kr.pk]
        event = saved(batch)[0]
        assert (event.verb, event.objective_id, event.team_id) == (
            "created",
            objective.pk,
            world.web.pk,
        )
        assert event.changes["objective"] == objective.key

    def test_figures_are_checked_like_update_key_result_does(self, world):
        objective = ObjectiveFactory(workspace=world.workspace, cycle=world.cycle)
        bad = kr_values(objective, start=10.0, target=10.0)
        with pytest.raises(Refused) as refused:
            actions.upsert_key_results(
                batch_of(world, objective), [("ship", bad)], {},
                objectives={objective.pk: objective}, locked=(),
            )  # fmt: skip
        assert refused.value.problems[0].index == 0
        assert refused.value.problems[0].field == "target"
        assert not KeyResult.objects.exists()

    def test_nothing_changes_in_a_closed_cycle(self, world, closed):
        kr = KeyResult.objects.get(key="old-kr")
        objective, title = kr.objective, kr.title
        with pytest.raises(Refused) as refused:
            actions.upsert_key_results(
                batch_of(world, closed, objective), [("old-kr", kr_values(objective))],
                {"old-kr": kr}, objectives={objective.pk: objective}, locked={closed.pk},
            )  # fmt: skip
        assert refused.value.problems[0].message.startswith(CLOSED)
        assert KeyResult.objects.get(pk=kr.pk).title == title


class TestUpsertCheckIns:
    def test_one_event_per_key_result_counts_new_and_changed(self, world):
        kr = KeyResultFactory(objective__workspace=world.workspace, objective__cycle=world.cycle)
        CheckInFactory(key_result=kr, at=date(2026, 1, 5), value=1.0)
        batch = batch_of(world, kr.objective, kr)
        author = world.user("member").pk
        items = [
            CheckInRow(kr.pk, date(2026, 1, 5), 2.0, 7, "", "", author),
            CheckInRow(kr.pk, date(2026, 1, 12), 3.0, 8, "good", "", author),
        ]
        objectives = {kr.objective_id: kr.objective}
        actions.upsert_check_ins(
            batch, items, key_results={kr.pk: kr}, objectives=objectives, locked=()
        )
        assert list(CheckIn.objects.order_by("at").values_list("value", flat=True)) == [2.0, 3.0]
        [event] = saved(batch)
        assert (event.verb, event.changes) == ("check_ins_recorded", {"created": 1, "updated": 1})
        assert (batch.created["check_in"], batch.updated["check_in"]) == (1, 1)
        again = batch_of(world, kr.objective, kr)
        actions.upsert_check_ins(
            again, items, key_results={kr.pk: kr}, objectives=objectives, locked=()
        )
        assert again.events == []

    def test_a_check_in_in_a_closed_cycle_is_refused(self, world, closed):
        kr = KeyResult.objects.get(key="old-kr")
        items = [CheckInRow(kr.pk, date(2025, 11, 8), 9.0, 5, "", "", None)]
        with pytest.raises(Refused) as refused:
            actions.upsert_check_ins(
                batch_of(world, closed), items, key_results={kr.pk: kr},
                objectives={kr.objective_id: kr.objective}, locked={closed.pk},
            )  # fmt: skip
        assert refused.value.problems == [RowProblem(0, None, refused.value.problems[0].message)]
        assert CheckIn.objects.filter(key_result=kr).count() == 1


class TestUpsertInitiatives:
    def test_a_due_date_is_checked_like_update_initiative_does(self, world):
        objective = ObjectiveFactory(workspace=world.workspace, cycle=world.cycle)
        values = {"title": "Hire", "owner": None, "status": "planned", "due": date(1999, 1, 1),
                  "objective": objective.pk, "key_result": None}  # fmt: skip
        with pytest.raises(Refused) as refused:
            actions.upsert_initiatives(
                batch_of(world, objective), [("hire", values)], {},
                objectives={objective.pk: objective},
            )  # fmt: skip
        assert refused.value.problems[0].field == "due"
        assert not Initiative.objects.exists()


class TestUpsertDependencies:
    def test_it_adds_new_ones_and_updates_the_note_of_known_ones(self, world):
        a = ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, key="a")
        b = ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, key="b")
        batch = batch_of(world, a, b)
        given = {"objective": "a", "depends_on_objective": "b"}
        objectives = {a.pk: a, b.pk: b}
        row = DependencyRow(a.pk, None, b.pk, None, "", given)
        actions.upsert_dependencies(batch, [row], objectives=objectives, key_results={})
        actions.upsert_dependencies(
            batch, [row._replace(note="soon")], objectives=objectives, key_results={}
        )
        assert Dependency.objects.get().note == "soon"
        created, updated = saved(batch)
        assert (created.verb, created.summary, created.changes) == (
            "created",
            "a depends on b",
            given,
        )
        assert (updated.verb, updated.changes) == ("updated", {"note": ["", "soon"]})
