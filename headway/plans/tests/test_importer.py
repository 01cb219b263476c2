from unittest import mock

import pytest

from headway.accounts.models import Membership, User
from headway.history.models import Event
from headway.okrs.models import CheckIn, Cycle, KeyResult, Objective
from headway.plans.importer import import_plan
from headway.plans.schema import PlanError
from headway.plans.tests.helpers import SMALL, counts, edit, export, line_of
from headway.teams.models import Team

pytestmark = pytest.mark.django_db


class TestImport:
    def test_it_creates_the_whole_workspace(self):
        result = import_plan(SMALL, filename="small.yaml")
        assert result.created["objective"] == 3
        assert result.created["check_in"] == 5
        assert result.created["kpi_value"] == 2
        web = Team.objects.get(key="web")
        assert web.parent.key == "company"
        assert list(web.members.values_list("username", flat=True)) == ["max"]
        assert Objective.objects.get(key="web-fast").parent.key == "grow"
        assert KeyResult.objects.get(key="web-p95").kpi.key == "latency"
        assert Membership.objects.get(user__username="vic").role == "viewer"
        assert not User.objects.get(username="ada").has_usable_password()

    def test_importing_the_same_file_twice_changes_nothing(self):
        import_plan(SMALL)
        before, exported = counts(), export()
        result = import_plan(SMALL)
        assert not result.changed
        assert result.summary() == "nothing to change"
        assert counts() == before  # no new rows, no new history events
        assert export() == exported

    def test_an_edited_file_changes_only_what_was_edited(self):
        import_plan(SMALL)
        before = counts()
        result = import_plan(edit(SMALL, "title: CDN in production", "title: CDN everywhere"))
        assert dict(result.updated) == {"key_result": 1}
        assert not result.created
        assert counts() == {**before, "Event": before["Event"] + 1}
        event = Event.objects.get(verb="updated")
        assert (event.subject_key, event.via) == ("web-cdn", "import")
        assert event.changes == {"title": ["CDN in production", "CDN everywhere"]}

    def test_a_changed_check_in_is_updated_in_place(self):
        import_plan(SMALL)
        text = edit(SMALL, "value: 1, confidence: 9}", "value: 1, confidence: 4}")
        result = import_plan(text)
        assert dict(result.updated) == {"check_in": 1}
        assert CheckIn.objects.get(key_result__key="web-cdn").confidence == 4

    def test_it_keeps_objects_the_file_no_longer_mentions(self):
        import_plan(SMALL)
        text = edit(
            SMALL,
            "  - {objective: web-fast, depends_on_key_result: grow-revenue, "
            "note: budget for the CDN}\n",
            "",
        )
        import_plan(text.replace("dependencies:\n", "dependencies: []\n"))
        assert counts()["Dependency"] == 1

    def test_it_records_the_actor_and_via_import(self):
        import_plan(SMALL)
        ada = User.objects.get(username="ada")
        import_plan(edit(SMALL, "title: Grow the business", "title: Grow"), actor=ada)
        event = Event.objects.get(verb="updated", subject_key="grow")
        assert (event.actor, event.via) == (ada, "import")

    def test_it_closes_a_closed_cycle_after_importing_what_it_holds(self):
        import_plan(SMALL)
        q4 = Cycle.objects.get(key="2025-q4")
        assert q4.is_closed
        kr = KeyResult.objects.get(key="q4-orders")
        assert q4.frozen_figures["key_results"][str(kr.pk)]["progress"] == 0.8

    def test_it_reopens_a_cycle_the_file_marks_active(self):
        import_plan(SMALL)
        text = edit(SMALL, "end: 2025-12-31, state: closed}", "end: 2025-12-31, state: active}")
        import_plan(text)
        q4 = Cycle.objects.get(key="2025-q4")
        assert (q4.state, q4.frozen_figures) == ("active", None)

    def test_json_is_accepted_too(self):
        import_plan(SMALL)
        as_json = export(fmt="json")
        Objective.objects.filter(key="web-fast").update(title="Changed")
        result = import_plan(as_json, filename="acme.json")
        assert dict(result.updated) == {"objective": 1}
        assert Objective.objects.get(key="web-fast").title == "Make the site fast"


ERRORS = [
    # (old, new, the line to point at, field, message)
    ("parent: company", "parent: nowhere", "parent: nowhere", "teams[1].parent",
     "unknown team 'nowhere'"),
    ("target: 1200000", "target: lots", "target: lots",
     "objectives[0].key_results[0].target", "must be a number, not str 'lots'"),
    ("value: 1, confidence: 9}", "value: 1, confidence: 11}", "confidence: 11",
     "objectives[1].key_results[1].check_ins[0].confidence",
     "must be a whole number from 1 to 10, not 11"),
    ("start: 450", "start: 200", "target: 200", "objectives[1].key_results[0].target",
     "must differ from start when direction is auto"),
    ("visibility: team", "visibilty: team", "visibilty: team", "objectives[1].visibilty",
     "unknown field"),
    ("due: 2026-02-28", "due: 2026-02-30", "due: 2026-02-30",
     "objectives[1].initiatives[0].due", "must be a real date"),
    ("owner: max\n    team: web", "owner: nobody\n    team: web", "owner: nobody",
     "objectives[1].owner", "unknown user (not in users, nor a member of the workspace) 'nobody'"),
    ("key: web-cdn", "key: web-p95", "key: web-p95", "objectives[1].key_results[1].key",
     "duplicate key result key web-p95"),
    ("cadence: monthly", "cadence: hourly", "cadence: hourly", "kpis[0].cadence",
     "must be one of daily, weekly, monthly, quarterly"),
    ("green: 40", "green: 20", "green: 20", "kpis[0].green", "must be at least red"),
    ("kpi: latency", "kpi: 12", "kpi: 12", "objectives[1].key_results[0].kpi",
     "must be text, not int 12"),
]  # fmt: skip


class TestBrokenPlans:
    @pytest.mark.parametrize(("old", "new", "line", "field", "message"), ERRORS)
    def test_it_names_file_line_and_field_and_writes_nothing(self, old, new, line, field, message):
        text = edit(SMALL, old, new)
        with pytest.raises(PlanError) as raised:
            import_plan(text, filename="plan.yaml")
        first = str(raised.value).splitlines()[0]
        assert first.startswith(f"plan.yaml:{line_of(text, line)}: {field}: {message}")
        assert set(counts().values()) == {0}

    def test_it_leaves_an_existing_workspace_as_it_was(self):
        import_plan(SMALL)
        before, exported = counts(), export()
        text = edit(SMALL, "title: Grow the business", "title: Grow")  # a valid change...
        text = edit(text, "parent: company", "parent: nowhere")  # ...and a broken one
        with pytest.raises(PlanError):
            import_plan(text)
        assert (counts(), export()) == (before, exported)

    def test_it_reports_every_problem_at_once(self):
        text = edit(SMALL, "target: 1200000", "target: lots")
        text = edit(text, "cadence: monthly", "cadence: hourly")
        with pytest.raises(PlanError) as raised:
            import_plan(text, filename="plan.yaml")
        assert len(raised.value.problems) == 2

    def test_it_points_at_yaml_syntax_errors(self):
        text = edit(SMALL, "name: Web\n", "name: [Web\n")
        with pytest.raises(PlanError, match=r"^plan\.yaml:\d+: \(plan\): not valid YAML"):
            import_plan(text, filename="plan.yaml")

    def test_it_refuses_new_check_ins_in_a_cycle_closed_before(self):
        import_plan(SMALL)
        before = counts()
        text = edit(
            SMALL,
            "          - {at: 2025-12-20,",
            "          - {at: 2025-12-27, value: 90, confidence: 7}\n          - {at: 2025-12-20,",
        )
        with pytest.raises(PlanError) as raised:
            import_plan(text, filename="plan.yaml")
        line = line_of(text, "at: 2025-12-27")
        assert str(raised.value).startswith(
            f"plan.yaml:{line}: objectives[2].key_results[0].check_ins[1]: "
            "cycle '2025-q4' is closed"
        )
        assert counts() == before

    def test_it_refuses_a_parent_loop(self):
        text = edit(
            SMALL,
            "    cycle: 2026-q1\n    kind: committed",
            "    cycle: 2026-q1\n    parent: web-fast\n    kind: committed",
        )
        with pytest.raises(
            PlanError, match=r"objectives\[0\]\.parent: would make the objective its own ancestor"
        ):
            import_plan(text)


class TestAllOrNothing:
    def test_a_failure_midway_leaves_the_database_unchanged(self):
        with (
            mock.patch.object(CheckIn.objects, "bulk_create", side_effect=RuntimeError("disk")),
            pytest.raises(RuntimeError),
        ):
            import_plan(SMALL)
        assert set(counts().values()) == {0}

    def test_a_failure_midway_through_an_update_keeps_the_old_data(self):
        import_plan(SMALL)
        before, exported = counts(), export()
        text = edit(SMALL, "title: Grow the business", "title: Grow")
        text = edit(text, "value: 1, confidence: 9}", "value: 1, confidence: 4}")
        with (
            mock.patch.object(CheckIn.objects, "bulk_update", side_effect=RuntimeError("disk")),
            pytest.raises(RuntimeError),
        ):
            import_plan(text)
        assert (counts(), export()) == (before, exported)
        assert Objective.objects.get(key="grow").title == "Grow the business"


@pytest.mark.django_db
def test_an_import_leaves_the_query_planner_statistics_of_the_tables_it_filled():
    """Without them SQLite finds one team's key results by reading the workspace's."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL keeps its statistics in pg_statistic, analyzed on its own too")
    import_plan(SMALL)
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        analyzed = {row[0] for row in cursor.fetchall()}
    assert {"okrs_keyresult", "okrs_objective", "okrs_checkin"} <= analyzed
