"""The scoring adapter: figures from rows follow the rules, in a constant number of queries."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from headway.core.errors import Conflict
from headway.core.tests.factories import (
    CheckInFactory,
    CycleFactory,
    KeyResultFactory,
    KPIFactory,
    KPIValueFactory,
    ObjectiveFactory,
)
from headway.okrs import actions
from headway.okrs.scoring import scoreboard

MID_Q1 = date(2026, 2, 14)


class TestScoreboard:
    def test_it_ignores_check_ins_after_the_as_of_date(self, world):
        kr = KeyResultFactory(objective__workspace=world.workspace, objective__cycle=world.cycle)
        CheckInFactory(key_result=kr, at=date(2026, 2, 1), value=30)
        CheckInFactory(key_result=kr, at=date(2026, 3, 1), value=90)
        assert scoreboard([world.cycle], as_of=MID_Q1).key_results[kr.id].current == 30
        assert scoreboard([world.cycle], as_of=date(2026, 3, 2)).key_results[kr.id].current == 90

    def test_a_kpi_linked_key_result_takes_the_kpis_latest_value(self, world):
        kpi = KPIFactory(workspace=world.workspace)
        kr = KeyResultFactory(
            objective__workspace=world.workspace,
            objective__cycle=world.cycle,
            kpi=kpi,
            start=100,
            target=200,
        )
        KPIValueFactory(kpi=kpi, at=date(2026, 2, 1), value=150)
        CheckInFactory(key_result=kr, at=date(2026, 2, 2), value=999, confidence=2)
        figures = scoreboard([world.cycle], as_of=MID_Q1).key_results[kr.id]
        assert figures.current == 150
        assert figures.progress == 0.5
        assert figures.confidence == 2  # the owner's doubt still counts
        assert figures.status == "at_risk"

    def test_an_objective_without_key_results_takes_its_childrens_mean(self, world):
        parent = ObjectiveFactory(workspace=world.workspace, cycle=world.cycle)
        for value in (20, 60):
            kr = KeyResultFactory(
                objective__workspace=world.workspace,
                objective__cycle=world.cycle,
                objective__parent=parent,
            )
            CheckInFactory(key_result=kr, at=date(2026, 2, 1), value=value)
        board = scoreboard([world.cycle], as_of=MID_Q1)
        assert board.objectives[parent.id].progress == 0.4
        assert board.objectives[parent.id].score == 0.4

    def test_team_progress_rolls_up_the_tree(self, world):
        for team, value in ((world.web, 80), (world.product, 40)):
            kr = KeyResultFactory(
                objective__workspace=world.workspace,
                objective__cycle=world.cycle,
                objective__team=team,
            )
            CheckInFactory(key_result=kr, at=date(2026, 2, 1), value=value)
        parents = {
            world.company.id: None,
            world.product.id: world.company.id,
            world.web.id: world.product.id,
        }
        rollup = scoreboard([world.cycle], as_of=MID_Q1).team_progress(parents)
        assert rollup == {world.company.id: 0.6, world.product.id: 0.6, world.web.id: 0.8}

    def test_it_uses_the_same_number_of_queries_for_10_and_100_objectives(self, world):
        def count_for(n):
            for _ in range(n):
                kr = KeyResultFactory(
                    objective__workspace=world.workspace, objective__cycle=world.cycle
                )
                CheckInFactory(key_result=kr)
            with CaptureQueriesContext(connection) as queries:
                scoreboard([world.cycle], as_of=MID_Q1)
            return len(queries)

        assert count_for(10) == count_for(90)


class TestClosedCycles:
    def test_closing_freezes_scores_against_later_writes(self, world):
        kpi = KPIFactory(workspace=world.workspace)
        kr = KeyResultFactory(
            objective__workspace=world.workspace,
            objective__cycle=world.cycle,
            kpi=kpi,
            start=0,
            target=100,
        )
        KPIValueFactory(kpi=kpi, at=date(2026, 3, 1), value=65)
        actions.close_cycle(world.cycle, actor=world.user("admin"))
        # A value back-filled into the closed quarter must not change its grade.
        KPIValueFactory(kpi=kpi, at=date(2026, 3, 30), value=100)
        world.cycle.refresh_from_db()
        figures = scoreboard([world.cycle], as_of=date(2026, 6, 1)).key_results[kr.id]
        assert figures.progress == 0.65
        assert figures.score == 0.7

    def test_reopening_thaws_the_figures(self, world):
        kr = KeyResultFactory(objective__workspace=world.workspace, objective__cycle=world.cycle)
        CheckInFactory(key_result=kr, at=date(2026, 3, 1), value=10)
        actions.close_cycle(world.cycle, actor=None)
        actions.reopen_cycle(world.cycle, actor=None)
        world.cycle.refresh_from_db()
        assert world.cycle.frozen_figures is None
        assert world.cycle.state == "active"
        actions.record_check_in(kr, actor=None, value=50, confidence=7, at=date(2026, 3, 20))
        figures = scoreboard([world.cycle], as_of=date(2026, 3, 31)).key_results[kr.id]
        assert figures.current == 50

    def test_a_closed_cycle_cannot_be_closed_twice(self, world):
        actions.close_cycle(world.cycle, actor=None)
        with pytest.raises(Conflict, match="already closed"):
            actions.close_cycle(world.cycle, actor=None)


class TestChildrenAcrossCycles:
    def test_only_children_of_the_same_cycle_count(self, world):
        later = CycleFactory(workspace=world.workspace, key="2026-q2", start=date(2026, 4, 1),
                             end=date(2026, 6, 30))  # fmt: skip
        parent = ObjectiveFactory(workspace=world.workspace, cycle=world.cycle)
        kr = KeyResultFactory(
            objective__workspace=world.workspace, objective__cycle=later, objective__parent=parent
        )
        CheckInFactory(key_result=kr, at=date(2026, 2, 1), value=80)
        together = scoreboard([world.cycle, later], as_of=MID_Q1)
        alone = scoreboard([world.cycle], as_of=MID_Q1)
        assert together.objectives[parent.id].progress is None
        assert alone.objectives[parent.id].progress is None
