"""Plan files follow the one rule for the number of key results (issue 9, item 21)."""

from datetime import UTC, datetime

import pytest

from headway.okrs.models import Objective
from headway.plans.importer import import_plan
from headway.plans.schema import PlanError
from headway.plans.tests.helpers import SMALL, counts, edit

pytestmark = pytest.mark.django_db

LAST_KR = "        kpi: latency\n"


def with_extra_key_results(n: int, prefix: str = "web-extra") -> str:
    extra = "".join(
        f"      - key: {prefix}-{i}\n        title: Extra {i}\n        start: 0\n"
        f"        target: 10\n"
        for i in range(n)
    )
    return edit(SMALL, LAST_KR, LAST_KR + extra)


@pytest.fixture(autouse=True)
def _early_march(time_machine):
    time_machine.move_to(datetime(2026, 3, 10, 12, tzinfo=UTC), tick=False)


def test_an_objective_with_six_key_results_is_refused_and_nothing_written():
    text = with_extra_key_results(4)  # web-fast: web-p95, web-cdn and 4 more
    with pytest.raises(PlanError) as raised:
        import_plan(text, filename="plan.yaml")
    assert "objectives[1].key_results" in str(raised.value)
    assert "at most 5 key results" in str(raised.value)
    assert set(counts().values()) == {0}


def test_five_are_taken_and_one_is_a_flagged_draft():
    import_plan(with_extra_key_results(3))
    assert Objective.objects.get(key="web-fast").key_results.count() == 5


def test_a_backup_restores_an_objective_stored_with_six_before_the_rule():
    import_plan(with_extra_key_results(4), restore=True)
    assert Objective.objects.get(key="web-fast").key_results.count() == 6


def test_key_results_already_stored_that_the_file_leaves_out_count_too():
    import_plan(with_extra_key_results(3))  # web-fast: 5, kept by any later import
    before = counts()
    with pytest.raises(PlanError) as raised:
        import_plan(with_extra_key_results(1, prefix="web-more"), filename="plan.yaml")
    assert "at most 5 key results: with 3 already stored" in str(raised.value)
    assert "objectives[1].key_results" in str(raised.value)
    assert counts() == before


def test_a_file_that_lists_the_stored_ones_again_is_taken():
    import_plan(with_extra_key_results(3))
    import_plan(with_extra_key_results(3))
    assert Objective.objects.get(key="web-fast").key_results.count() == 5
