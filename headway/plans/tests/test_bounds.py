"""Plan files: bounded numbers and dates, readings not in the future, done/not-done check-ins
written true / false (issue 9, items 11, 12 and 17)."""

from datetime import UTC, datetime

import pytest
import yaml

from headway.okrs.models import CheckIn
from headway.plans.importer import import_plan
from headway.plans.schema import PlanError
from headway.plans.tests.helpers import SMALL, counts, edit, export, line_of

pytestmark = pytest.mark.django_db

CDN = "value: 1, confidence: 9}"

ERRORS = [
    # (old, new, the line to point at, field, message)
    ("target: 1200000", "target: 1.0e+300", "target: 1.0e+300",
     "objectives[0].key_results[0].target", "must be between -1e15 and 1e15"),
    ("start: 800000\n        target: 1200000", "start: 1.0e-300\n        target: 2.0e-300",
     "target: 2.0e-300", "objectives[0].key_results[0].target",
     "must differ from start by at least 0.000001"),
    ("value: 900000,", "value: 1.0e+300,", "value: 1.0e+300",
     "objectives[0].key_results[0].check_ins[0].value", "must be between -1e15 and 1e15"),
    ("end: 2026-03-31", "end: 9999-12-31", "end: 9999-12-31",
     "cycles[1].end", "must be between 2000-01-01 and 2100-12-31"),
    ("{at: 2026-02-28, value: 41", "{at: 2030-02-28, value: 41", "at: 2030-02-28",
     "kpis[0].values[1].at", "must not be after today (2026-03-10)"),
    ("{at: 2026-01-15, value: 900000", "{at: 2025-12-15, value: 900000", "at: 2025-12-15",
     "objectives[0].key_results[0].check_ins[0].at", "must not be before the cycle's start"),
    (CDN, "value: 5, confidence: 9}", "value: 5, confidence",
     "objectives[1].key_results[1].check_ins[0].value", "must be true or false (or 1 or 0)"),
    ("value: 900000,", "value: true,", "value: true,",
     "objectives[0].key_results[0].check_ins[0].value", "must be a number, not true or false"),
]  # fmt: skip


@pytest.fixture(autouse=True)
def _early_march(time_machine):
    """Today is 2026-03-10 in the plan's workspace (Europe/Paris)."""
    time_machine.move_to(datetime(2026, 3, 10, 12, tzinfo=UTC), tick=False)


class TestBounds:
    @pytest.mark.parametrize(("old", "new", "line", "field", "message"), ERRORS)
    def test_it_names_file_line_and_field_and_writes_nothing(self, old, new, line, field, message):
        text = edit(SMALL, old, new)
        with pytest.raises(PlanError) as raised:
            import_plan(text, filename="plan.yaml")
        first = str(raised.value).splitlines()[0]
        assert first.startswith(f"plan.yaml:{line_of(text, line)}: {field}: ")
        assert message in first
        assert set(counts().values()) == {0}


class TestDoneOrNotDone:
    def test_value_true_is_taken_and_exported_as_true(self):
        import_plan(edit(SMALL, CDN, "value: true, confidence: 9}"))
        assert CheckIn.objects.get(key_result__key="web-cdn").value == 1.0
        exported = yaml.safe_load(export())
        krs = {kr["key"]: kr for o in exported["objectives"] for kr in o["key_results"]}
        assert krs["web-cdn"]["check_ins"][0]["value"] is True
        assert krs["grow-revenue"]["check_ins"][0]["value"] == 900000

    def test_value_false_and_0_are_taken(self):
        import_plan(edit(SMALL, CDN, "value: false, confidence: 9}"))
        assert CheckIn.objects.get(key_result__key="web-cdn").value == 0.0
        import_plan(SMALL)  # 1 still works
        assert CheckIn.objects.get(key_result__key="web-cdn").value == 1.0
