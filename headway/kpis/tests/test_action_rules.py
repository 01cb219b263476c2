"""Every rule of the KPI actions, called directly: what a success stores and records in the
history, and that a refusal names its field and changes nothing (no row, no event)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from headway.core.errors import Invalid
from headway.core.tests.factories import KPIFactory, KPIValueFactory, TeamFactory
from headway.core.tests.fixtures import nothing_changes, refused, the_event
from headway.history.models import Event
from headway.kpis import actions
from headway.kpis.actions import ValueIn
from headway.kpis.models import KPI, KPIValue

pytestmark = pytest.mark.usefixtures("mid_quarter")


@pytest.fixture
def visits(world):
    return KPIFactory(workspace=world.workspace, key="visits", name="Visits", team=world.web)


class TestCreateKPI:
    def test_it_stores_it_and_records_every_field_in_the_teams_history(self, world):
        kpi = actions.create_kpi(
            world.workspace, actor=world.user("admin"), via="api", key="visits", name="Visits",
            team=world.web, target=1000, green=900, red=700, cadence="daily",
        )  # fmt: skip
        assert KPI.objects.get(key="visits") == kpi
        event = the_event(
            verb="created", subject_type="kpi", subject_key="visits", summary="Visits"
        )
        assert (event.team_id, event.objective_id) == (world.web.pk, None)
        assert (event.actor, event.via) == (world.user("admin"), "api")
        assert {k: event.changes[k] for k in ("team", "target", "green", "red", "cadence")} == {
            "team": "web",
            "target": 1000,
            "green": 900,
            "red": 700,
            "cadence": "daily",
        }

    @pytest.mark.parametrize(
        ("fields", "field", "message"),
        [
            ({"direction": "within_range", "high": 5}, "low", "required when direction"),
            ({"direction": "within_range", "low": 5}, "high", "required when direction"),
            ({"direction": "within_range", "low": 5, "high": 4}, "high", "greater than or equal"),
            ({"direction": "within_range", "low": 1, "high": 4, "tolerance": -1}, "tolerance",
             "0 or more"),
            ({"target": None, "green": 5, "red": None}, "target", "required unless"),
            ({"green": 1, "red": 5}, "green", "at least red"),
            ({"direction": "lower_is_better", "green": 5, "red": 1}, "green", "at most red"),
            ({"target": float("inf")}, "target", "finite"),
            ({"benchmark": 2e15}, "benchmark", "between -1e15 and 1e15"),
        ],
    )  # fmt: skip
    def test_thresholds_that_cannot_be_evaluated_are_refused(self, world, fields, field, message):
        fields = {"target": 100, "green": None, "red": None} | fields
        with refused(Invalid, message, field=field):
            actions.create_kpi(world.workspace, actor=None, key="k", name="K", **fields)

    def test_a_team_of_another_workspace_is_refused(self, world):
        theirs = TeamFactory(workspace=world.other, key="web")
        with refused(Invalid, "unknown team", field="team"):
            actions.create_kpi(world.workspace, actor=None, key="k", name="K", target=1,
                               team=theirs)  # fmt: skip


class TestUpdateKPI:
    def test_it_records_what_changed(self, world, visits):
        actions.update_kpi(visits, actor=world.user("admin"), via="web", target=120)
        assert KPI.objects.get(key="visits").target == 120
        event = the_event(
            verb="updated",
            subject_key="visits",
            changes={"target": [100.0, 120]},
            team_id=world.web.pk,
        )
        assert (event.actor, event.via) == (world.user("admin"), "web")

    def test_bad_thresholds_are_refused(self, world, visits):
        with refused(Invalid, "at least red", field="green"):
            actions.update_kpi(visits, actor=None, green=10, red=50)


class TestDeleteKPI:
    def test_it_deletes_it_with_its_values_and_records_it(self, world, visits):
        KPIValueFactory(kpi=visits)
        actions.delete_kpi(visits, actor=world.user("admin"), via="web")
        assert not KPI.objects.exists()
        assert not KPIValue.objects.exists()
        the_event(verb="deleted", subject_key="visits", summary="Visits", team_id=world.web.pk)


class TestRecordKPIValues:
    def test_it_stores_new_values_and_records_one_event_for_the_batch(self, world, visits):
        result = actions.record_kpi_values(
            visits,
            [ValueIn(date(2026, 2, 1), 10.0, "first"), ValueIn(date(2026, 2, 2), 11.0)],
            actor=world.user("member"),
            source="ci",
            via="api",
        )
        assert (result.created, result.updated) == (2, 0)
        rows = KPIValue.objects.order_by("at").values_list(
            "at", "value", "note", "source", "recorded_by__username"
        )
        assert list(rows) == [
            (date(2026, 2, 1), 10.0, "first", "ci", "max"),
            (date(2026, 2, 2), 11.0, "", "ci", "max"),
        ]
        event = the_event(verb="values_recorded", subject_type="kpi", subject_key="visits")
        assert event.changes == {"created": 2, "updated": 0, "replaced": {}}
        assert event.summary == "Visits: 2 new, 0 changed values"
        assert (event.team_id, event.actor, event.via) == (
            world.web.pk,
            world.user("member"),
            "api",
        )

    def test_within_a_batch_the_last_value_for_a_date_wins(self, world, visits):
        result = actions.record_kpi_values(
            visits, [ValueIn(date(2026, 2, 1), 1.0), ValueIn(date(2026, 2, 1), 2.0)], actor=None
        )
        assert (result.created, result.updated) == (1, 0)
        assert list(KPIValue.objects.values_list("value", flat=True)) == [2.0]

    def test_a_changed_note_alone_is_an_update(self, world, visits):
        KPIValueFactory(kpi=visits, at=date(2026, 2, 1), value=5.0)
        result = actions.record_kpi_values(
            visits, [ValueIn(date(2026, 2, 1), 5.0, "checked")], actor=None
        )
        assert (result.created, result.updated) == (0, 1)
        assert KPIValue.objects.get().note == "checked"
        assert Event.objects.get().changes == {
            "created": 0,
            "updated": 1,
            "replaced": {"2026-02-01": [5.0, 5.0]},
        }

    def test_an_empty_batch_records_nothing(self, world, visits):
        with nothing_changes():
            result = actions.record_kpi_values(visits, [], actor=None)
        assert (result.created, result.updated) == (0, 0)

    @pytest.mark.parametrize(
        ("item", "field", "message"),
        [
            (ValueIn(date(2026, 2, 16), 1.0), "[1].at", "must not be after today"),
            (ValueIn(date(1999, 12, 31), 1.0), "[1].at", "between 2000-01-01"),
            (ValueIn(date(2026, 2, 1), float("nan")), "[1].value", "finite"),
            (ValueIn(date(2026, 2, 1), True), "[1].value", "finite"),  # type: ignore[arg-type]
            (ValueIn(date(2026, 2, 1), -2e15), "[1].value", "between -1e15 and 1e15"),
        ],
    )
    def test_one_bad_item_refuses_the_whole_batch_by_index(
        self, world, visits, item, field, message
    ):
        KPIValueFactory(kpi=visits, at=date(2026, 2, 1), value=5.0)
        batch = [ValueIn(date(2026, 2, 2), 6.0), item]
        with refused(Invalid, message, field=field):
            actions.record_kpi_values(visits, batch, actor=None)

    def test_today_is_the_workspaces_today(self, world, visits, time_machine):
        """At 23:00 UTC on 15 February it is already the 16th in Auckland."""
        time_machine.move_to(datetime(2026, 2, 15, 23, tzinfo=UTC), tick=False)
        world.workspace.timezone = "Pacific/Auckland"
        world.workspace.save()
        visits.refresh_from_db()
        actions.record_kpi_values(visits, [ValueIn(date(2026, 2, 16), 1.0)], actor=None)
        with refused(Invalid, r"after today \(2026-02-16\)", field="[0].at"):
            actions.record_kpi_values(visits, [ValueIn(date(2026, 2, 17), 1.0)], actor=None)
