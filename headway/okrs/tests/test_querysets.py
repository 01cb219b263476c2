"""The reads on okrs' QuerySets: whose key results and initiatives are whose."""

from __future__ import annotations

from datetime import date

import pytest

from headway.core.tests.factories import (
    InitiativeFactory,
    KeyResultFactory,
    ObjectiveFactory,
    UserFactory,
)
from headway.okrs.models import Initiative, KeyResult

pytestmark = pytest.mark.django_db


class TestCheckedInBy:
    def test_mine_and_unowned_ones_of_my_objectives_but_not_others_on_my_objectives(self):
        me, other = UserFactory(), UserFactory()
        mine = ObjectiveFactory(owner=me)
        theirs = ObjectiveFactory(owner=other, workspace=mine.workspace, cycle=mine.cycle)
        owned = KeyResultFactory(objective=theirs, owner=me)
        unowned_on_mine = KeyResultFactory(objective=mine, owner=None)
        KeyResultFactory(objective=mine, owner=other)  # someone else's on my objective
        KeyResultFactory(objective=theirs, owner=None)  # unowned on someone else's objective
        got = set(KeyResult.objects.checked_in_by(me))
        assert got == {owned, unowned_on_mine}


class TestDueFor:
    def test_open_initiatives_i_answer_for_due_by_the_day(self):
        me, other = UserFactory(), UserFactory()
        mine = ObjectiveFactory(owner=me)
        theirs = ObjectiveFactory(owner=other, workspace=mine.workspace, cycle=mine.cycle)
        until = date(2026, 2, 14)

        def make(objective, owner, due=until, status="todo"):
            return InitiativeFactory(objective=objective, owner=owner, due=due, status=status)

        todo_on_the_day = make(theirs, me)
        doing_unowned_on_mine = make(mine, None, due=date(2026, 2, 1), status="doing")
        make(theirs, me, due=date(2026, 2, 15))  # due after the day
        make(theirs, me, due=None)  # no due date
        make(theirs, me, status="done")
        make(mine, other)  # someone else's on my objective
        make(theirs, None)  # unowned on someone else's objective
        got = set(Initiative.objects.due_for(me, until=until))
        assert got == {todo_on_the_day, doing_unowned_on_mine}
