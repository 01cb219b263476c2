"""`headway export` without --as-of is a complete logical backup (issue 9, item 10)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command

from headway.accounts.models import Membership, User, Workspace
from headway.core.timeutil import today_in
from headway.history.actions import record
from headway.history.models import Event
from headway.kpis.models import KPI, KPIValue
from headway.okrs import actions as okr_actions
from headway.okrs.models import CheckIn, KeyResult, Objective
from headway.plans import demo
from headway.plans.importer import import_plan
from headway.plans.schema import PlanError
from headway.plans.tests.helpers import SMALL, counts, edit


def export_command(key: str, *args: str) -> str:
    out = StringIO()
    call_command("export", "--workspace", key, *args, stdout=out)
    return out.getvalue()


def import_command(tmp_path, text: str, *args: str) -> None:
    path = tmp_path / "backup.yaml"
    path.write_text(text, encoding="utf-8")
    call_command("import", str(path), *args, stdout=StringIO())


def flush() -> None:
    call_command("flush", interactive=False, verbosity=0)
    assert set(counts().values()) == {0}


def add_what_an_export_used_to_lose() -> None:
    """Retrospectives, readings dated after today, and history beyond the import's own."""
    workspace = Workspace.objects.get(key=demo.WORKSPACE)
    olivia = User.objects.get(username="olivia")
    later = today_in(workspace.timezone) + timedelta(days=20)
    closed = Objective.objects.filter(workspace=workspace, cycle__state="closed").first()
    assert closed is not None
    okr_actions.update_objective(
        closed, actor=olivia, via="web", retrospective="We shipped late: start hiring earlier."
    )
    kr = KeyResult.objects.filter(workspace=workspace).order_by("key").first()
    assert kr is not None
    template = CheckIn.objects.filter(key_result=kr).first()
    CheckIn.objects.create(
        key_result=kr, at=later, value=template.value if template else 1, confidence=6
    )
    kpi = KPI.objects.filter(workspace=workspace).order_by("key").first()
    assert kpi is not None
    KPIValue.objects.create(
        kpi=kpi, at=later, value=42.5, note="forecast", recorded_at=kr.created_at
    )
    record(
        workspace,
        actor=olivia,
        verb="updated",
        subject=kr,
        changes={"title": ["Old", "New"], "target": [1, 2.5], "a": None},
        summary="renamed",
        via="api",
        objective_id=kr.objective_id,
    )


# Flushing inside a test's transaction fails on PostgreSQL (see test_exporter.TestRoundTrip).
@pytest.mark.django_db(transaction=True)
class TestCompleteExport:
    @pytest.mark.slow  # the whole demo, exported, flushed, restored and exported again
    def test_it_restores_into_an_empty_database_byte_for_byte(self, tmp_path):
        import_plan(demo.PLAN.read_text(encoding="utf-8"), filename="plan.yaml")
        add_what_an_export_used_to_lose()
        events = Event.objects.count()
        first = export_command(demo.WORKSPACE)

        data = yaml.safe_load(first)
        assert "as_of" in data
        retrospectives = [o["retrospective"] for o in data["objectives"] if "retrospective" in o]
        assert retrospectives == ["We shipped late: start hiring earlier."]
        today = data["as_of"]
        assert any(c["at"] > today for o in data["objectives"] for kr in o["key_results"]
                   for c in kr["check_ins"])  # fmt: skip
        assert any(v["at"] > today for k in data["kpis"] for v in k["values"])
        assert len(data["history"]) == events
        assert data["history"][-1]["changes"] == {
            "a": None,
            "target": [1, 2.5],
            "title": ["Old", "New"],
        }

        flush()
        with pytest.raises(CommandError, match="import --restore"):
            import_command(tmp_path, first)  # readings after today: only a restore keeps them
        assert set(counts().values()) == {0}
        import_command(tmp_path, first, "--restore")
        assert Event.objects.count() == events  # the file's history, not the import's own
        assert export_command(demo.WORKSPACE) == first

    def test_someone_who_left_but_owns_things_is_restored_as_a_non_member(self, tmp_path):
        import_plan(SMALL)
        Membership.objects.get(user__username="max").delete()  # max still leads web, owns OKRs
        first = export_command("acme")
        users = yaml.safe_load(first)["users"]
        assert users[1] == {"username": "max", "name": "Max Member", "member": False}
        flush()
        import_command(tmp_path, first)
        assert export_command("acme") == first
        assert User.objects.filter(username="max").exists()
        assert not Membership.objects.filter(user__username="max").exists()

    def test_json_restores_byte_for_byte_too(self, tmp_path):
        import_plan(SMALL)
        first = export_command("acme", "--format", "json")
        assert '"history": [' in first
        flush()
        import_command(tmp_path, first)
        assert export_command("acme", "--format", "json") == first

    def test_importing_it_into_the_same_workspace_changes_nothing(self, tmp_path):
        import_plan(SMALL)
        before = counts()
        result = import_plan(export_command("acme"))
        assert not result.changed
        assert counts() == before

    def test_as_of_still_gives_the_workspace_as_it_stood_without_history(self):
        import_plan(SMALL)
        data = yaml.safe_load(export_command("acme", "--as-of", "2026-01-20"))
        assert "history" not in data
        assert data["kpis"][1]["values"] == []


@pytest.mark.django_db
class TestHistorySection:
    def test_an_event_needs_a_time_with_its_offset(self):
        event = "{at: '2026-01-05 10:00', verb: updated, subject_type: kpi, subject_key: nps}"
        text = f"{SMALL}history:\n  - {event}\n"
        with pytest.raises(PlanError, match=r"history\[0\]\.at: must be a date and time"):
            import_plan(text)

    def test_events_are_added_once_to_an_existing_workspace(self):
        import_plan(SMALL)
        event = (
            "history:\n  - {at: '2026-01-05T10:00:00+00:00', actor: ada, verb: updated, "
            "subject_type: kpi, subject_key: nps, changes: {name: [a, b]}}\n"
        )
        import_plan(SMALL + event)
        import_plan(SMALL + event)
        (added,) = Event.objects.filter(subject_key="nps", verb="updated")
        assert added.actor.username == "ada"
        assert added.changes == {"name": ["a", "b"]}

    def test_a_retrospective_may_change_in_a_closed_cycle(self):
        import_plan(SMALL)
        text = edit(
            SMALL, "    cycle: 2025-q4\n", "    cycle: 2025-q4\n    retrospective: Learned\n"
        )
        import_plan(text)
        assert Objective.objects.get(key="q4-launch").retrospective == "Learned"
