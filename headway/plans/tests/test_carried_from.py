"""`carried_from: KEY` on an objective in the plan file (issue 9, item 24)."""

from __future__ import annotations

import pytest

from headway.okrs.models import Objective
from headway.plans.importer import import_plan
from headway.plans.schema import PlanError
from headway.plans.tests.helpers import SMALL, edit, export

pytestmark = pytest.mark.django_db

CARRIED = edit(SMALL, "    parent: grow\n", "    parent: grow\n    carried_from: q4-launch\n")


def test_an_imported_objective_is_linked_to_the_one_it_continues():
    import_plan(CARRIED)
    assert Objective.objects.get(key="web-fast").carried_from.key == "q4-launch"


def test_the_export_writes_it_and_imports_again_unchanged():
    import_plan(CARRIED)
    exported = export()
    assert "carried_from: q4-launch" in exported
    assert not import_plan(exported).changed


def test_an_unknown_objective_is_refused_by_field():
    with pytest.raises(PlanError, match=r"carried_from.*unknown objective 'nope'"):
        import_plan(edit(SMALL, "    parent: grow\n", "    parent: grow\n    carried_from: nope\n"))
    assert not Objective.objects.exists()


def test_an_objective_cannot_continue_itself():
    with pytest.raises(PlanError, match=r"carried_from.*itself"):
        import_plan(
            edit(SMALL, "    parent: grow\n", "    parent: grow\n    carried_from: web-fast\n")
        )
