"""The reads on okrs' QuerySets: whose key results and initiatives are whose."""

from __future__ import annotations

import pytest

from headway.core.tests.factories import KeyResultFactory, ObjectiveFactory, UserFactory
from headway.okrs.models import KeyResult

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
