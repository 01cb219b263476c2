"""The API's figures of today come from the stored figures of the rows it answers with: the
same as computed, in queries and rows that do not grow with the cycle (issue 11)."""

from __future__ import annotations

from datetime import date
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from headway.core.tests.factories import (
    CheckInFactory,
    CycleFactory,
    KeyResultFactory,
    KPIFactory,
    KPIValueFactory,
    ObjectiveFactory,
)
from headway.domain.types import Status
from headway.okrs import scoring
from headway.okrs.actions import close_cycle
from headway.okrs.models import KeyResult, Objective

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mid_quarter")]

TODAY = date(2026, 2, 15)  # mid_quarter


def objective_with(world, key: str, *values: float, parent: Objective | None = None) -> Objective:
    """An objective of the world's cycle with a key result (0 to 100) per value checked in."""
    objective = ObjectiveFactory(
        workspace=world.workspace, cycle=world.cycle, key=key, team=world.web, parent=parent
    )
    for n, value in enumerate(values):
        kr = KeyResultFactory(objective=objective, key=f"{key}-kr{n}", weight=1 + n)
        CheckInFactory(key_result=kr, at=date(2026, 2, 1), value=value, confidence=3 + n)
    return objective


@pytest.fixture
def spread(world):
    """Objectives in every status: done, ahead, behind, far behind, one without key results
    (its figure is its children's), one without any figure, and a key result following a KPI."""
    objective_with(world, "done", 100, 120)
    objective_with(world, "ahead", 70)
    objective_with(world, "behind", 35, 40)
    objective_with(world, "far", 5)
    parent = ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, key="parent")
    objective_with(world, "child", 45, parent=parent)
    ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, key="empty")
    kpi = KPIFactory(workspace=world.workspace, key="mrr")
    KPIValueFactory(kpi=kpi, at=date(2026, 2, 10), value=80)
    KeyResultFactory(objective=Objective.objects.get(key="ahead"), key="ahead-kpi", kpi=kpi)
    return world.cycle


def computed(cycle):
    return scoring.scoreboard([cycle], as_of=TODAY)


OBJECTIVE = ("progress", "status", "score", "expected")
KEY_RESULT = ("current", "progress", "attainment", "status", "score", "confidence", "expected")


def picked(source, names):
    """The figures `names` of an answer (a dict) or of a scoreboard's entry."""
    return {n: source[n] if isinstance(source, dict) else getattr(source, n) for n in names}


def objective_figures(source):
    return picked(source, OBJECTIVE)


def kr_figures(source):
    return picked(source, KEY_RESULT)


class TestTodaysFigures:
    def test_objectives_listed_and_one_by_one_answer_the_computed_figures(self, api_as, spread):
        board = computed(spread)
        want = {
            o.key: objective_figures(board.objectives[o.pk])
            for o in Objective.objects.filter(cycle=spread)
        }
        api = api_as("admin")
        listed = {o["key"]: objective_figures(o) for o in api.get("/objectives").json["items"]}
        assert listed == want
        for key in want:
            assert objective_figures(api.get(f"/objectives/{key}").json) == want[key], key

    def test_key_results_listed_and_one_by_one_answer_the_computed_figures(self, api_as, spread):
        board = computed(spread)
        api = api_as("admin")
        for objective in Objective.objects.filter(cycle=spread):
            want = {
                kr.key: kr_figures(board.key_results[kr.pk])
                for kr in KeyResult.objects.filter(objective=objective)
            }
            items = api.get(f"/objectives/{objective.key}/key-results").json["items"]
            assert {kr["key"]: kr_figures(kr) for kr in items} == want, objective.key
            for key in want:
                assert kr_figures(api.get(f"/key-results/{key}").json) == want[key], key

    def test_they_are_read_from_the_stored_figures(self, api_as, spread):
        api = api_as("admin")
        with mock.patch.object(scoring, "compute_into", wraps=scoring.compute_into) as compute:
            api.get("/objectives")
            api.get("/objectives/behind")
            api.get("/objectives/behind/key-results")
            api.get("/key-results/behind-kr0")
        assert not compute.called

    def test_an_earlier_date_is_computed_from_the_readings(self, api_as, spread):
        early = scoring.scoreboard([spread], as_of=date(2026, 1, 20))
        behind = Objective.objects.get(key="behind")
        body = api_as("admin").get("/objectives/behind", as_of="2026-01-20").json
        assert objective_figures(body) == objective_figures(early.objectives[behind.pk])
        assert body["progress"] == 0.0

    def test_the_answer_of_a_change_has_the_changed_figures(self, api_as, spread):
        api = api_as("admin")
        answer = api.patch("/key-results/behind-kr0", {"target": 50}).json
        kr = KeyResult.objects.get(key="behind-kr0")
        assert kr_figures(answer) == kr_figures(computed(spread).key_results[kr.pk])
        assert answer["progress"] == 0.7
        objective = api.get("/objectives/behind").json
        assert objective_figures(objective) == objective_figures(
            computed(spread).objectives[kr.objective_id]
        )


class TestStatusFilter:
    @pytest.mark.parametrize("status", list(Status))
    def test_it_answers_the_objectives_whose_computed_status_it_is(self, api_as, spread, status):
        board = computed(spread)
        want = sorted(
            o.key
            for o in Objective.objects.filter(cycle=spread)
            if board.objectives[o.pk].status == status
        )
        items = api_as("admin").get("/objectives", status=status).json["items"]
        assert sorted(o["key"] for o in items) == want

    def test_every_status_is_found_in_the_spread(self, spread):
        statuses = {f.status for f in computed(spread).objectives.values()}
        assert statuses == {*Status, None}

    def test_it_filters_a_closed_cycle_by_its_frozen_figures(self, api_as, world, spread):
        past = CycleFactory(
            workspace=world.workspace,
            key="2025-q4",
            start=date(2025, 10, 1),
            end=date(2025, 12, 31),
        )
        old = ObjectiveFactory(workspace=world.workspace, cycle=past, key="old")
        kr = KeyResultFactory(objective=old, key="old-kr")
        CheckInFactory(key_result=kr, at=date(2025, 12, 1), value=100)
        close_cycle(past, actor=None)
        with mock.patch.object(scoring, "compute_into", wraps=scoring.compute_into) as compute:
            done = api_as("admin").get("/objectives", status="done").json["items"]
        assert sorted(o["key"] for o in done) == ["done", "old"]
        assert not compute.called  # the frozen figures answer, today's are stored


def build(world, first: int, n: int) -> None:
    for i in range(first, n):
        objective_with(world, f"Q-{i:03}", 10 * (i % 10))


class TestCost:
    PATHS = ("/objectives?limit=50", "/objectives/Q-000", "/key-results/Q-000-kr0")

    def measure(self, api) -> dict[str, list[str]]:
        """The SQL of each path; figures are never computed (which reads the whole cycle)."""
        read = {}
        with mock.patch.object(scoring, "compute_into") as compute:
            for path in self.PATHS:
                with CaptureQueriesContext(connection) as queries:
                    assert api.get(path).status == 200
                read[path] = [q["sql"] for q in queries]
        assert not compute.called
        return read

    def test_queries_do_not_grow_with_the_cycle_and_no_readings_are_read(self, api_as, world):
        api = api_as("member")
        api.get("/me")  # a token's first use is written down
        build(world, 0, 6)
        small = self.measure(api)
        build(world, 6, 60)
        large = self.measure(api)
        assert {p: len(q) for p, q in small.items()} == {p: len(q) for p, q in large.items()}
        assert not [sql for queries in large.values() for sql in queries if "okrs_checkin" in sql]
