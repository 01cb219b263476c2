from datetime import date

import pytest

from headway.core.errors import Conflict, Invalid
from headway.history.models import Event
from headway.okrs import actions
from headway.okrs.models import CheckIn
from headway.okrs.scoring import scoreboard


class TestRecordCheckIn:
    def test_it_moves_progress_and_records_history(self, world):
        actor = world.user("member")
        objective = actions.create_objective(
            world.workspace, actor=actor, key="O-1", title="Grow", cycle=world.cycle, team=world.web
        )
        kr = actions.create_key_result(
            objective, actor=actor, key="KR-1", title="Signups", start=0, target=200
        )
        actions.record_check_in(kr, actor=actor, value=100, confidence=8, at=date(2026, 2, 15))
        board = scoreboard([world.cycle], as_of=date(2026, 2, 15))
        assert board.key_results[kr.id].progress == 0.5
        assert board.objectives[objective.id].score == 0.5
        assert Event.objects.filter(verb="checked_in", subject_key="KR-1").count() == 1

    def test_it_replaces_the_check_in_of_the_same_day(self, world):
        objective = actions.create_objective(
            world.workspace, actor=None, key="O-1", title="Grow", cycle=world.cycle
        )
        kr = actions.create_key_result(
            objective, actor=None, key="KR-1", title="x", start=0, target=10
        )
        actions.record_check_in(kr, actor=None, value=3, confidence=8, at=date(2026, 2, 1))
        actions.record_check_in(kr, actor=None, value=4, confidence=6, at=date(2026, 2, 1))
        assert list(CheckIn.objects.values_list("value", "confidence")) == [(4.0, 6)]

    def test_it_refuses_check_ins_in_a_closed_cycle(self, world):
        objective = actions.create_objective(
            world.workspace, actor=None, key="O-1", title="Grow", cycle=world.cycle
        )
        kr = actions.create_key_result(
            objective, actor=None, key="KR-1", title="x", start=0, target=10
        )
        actions.close_cycle(world.cycle, actor=None)
        kr.refresh_from_db()
        with pytest.raises(Conflict, match="closed"):
            actions.record_check_in(kr, actor=None, value=3, confidence=8, at=date(2026, 2, 1))

    def test_it_rejects_confidence_outside_1_to_10(self, world):
        objective = actions.create_objective(
            world.workspace, actor=None, key="O-1", title="Grow", cycle=world.cycle
        )
        kr = actions.create_key_result(
            objective, actor=None, key="KR-1", title="x", start=0, target=10
        )
        with pytest.raises(Invalid, match="confidence"):
            actions.record_check_in(kr, actor=None, value=3, confidence=11, at=date(2026, 2, 1))
        assert not CheckIn.objects.exists()


class TestCreateKeyResult:
    def test_it_rejects_start_equal_to_target_with_direction_auto(self, world):
        objective = actions.create_objective(
            world.workspace, actor=None, key="O-1", title="Grow", cycle=world.cycle
        )
        with pytest.raises(Invalid, match="target"):
            actions.create_key_result(
                objective, actor=None, key="KR-1", title="x", start=5, target=5
            )

    def test_it_refuses_a_taken_key(self, world):
        objective = actions.create_objective(
            world.workspace, actor=None, key="O-1", title="Grow", cycle=world.cycle
        )
        actions.create_key_result(objective, actor=None, key="KR-1", title="x", start=0, target=5)
        with pytest.raises(Conflict, match="KR-1"):
            actions.create_key_result(
                objective, actor=None, key="KR-1", title="y", start=0, target=5
            )
