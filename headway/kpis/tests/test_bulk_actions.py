"""The bulk actions of kpis (the plan import's writes), called directly."""

from datetime import date

import pytest

from headway.core.tests.factories import KPIFactory, KPIValueFactory
from headway.history.actions import Batch, Refused
from headway.history.models import Event
from headway.kpis import actions
from headway.kpis.actions import ValueRow
from headway.kpis.models import KPI, KPIValue


def kpi_values(**changes):
    values = {
        "name": "Revenue", "description": "", "unit": "", "direction": "higher_is_better",
        "target": 100.0, "green": 90.0, "red": 70.0, "low": None, "high": None,
        "tolerance": None, "cadence": "weekly", "category": "", "indicator": "",
        "benchmark": None, "owner": None, "team": None,
    }  # fmt: skip
    return {**values, **changes}


class TestUpsertKPIs:
    def test_it_creates_then_updates_by_key_recording_what_changed(self, world):
        batch = Batch(world.workspace, None, "import")
        batch.remember("team", world.web.pk, "web")
        kpis = actions.upsert_kpis(batch, [("revenue", kpi_values(team=world.web.pk))], {})
        kpi = KPI.objects.get(key="revenue")
        assert list(kpis) == [kpi.pk]
        actions.upsert_kpis(batch, [("revenue", kpi_values(target=120.0))], {"revenue": kpi})
        batch.save_events()
        created, updated = Event.objects.filter(subject_key="revenue").order_by("id")
        assert (created.verb, created.changes["team"], created.team_id) == (
            "created",
            "web",
            world.web.pk,
        )
        assert updated.changes == {"target": [100.0, 120.0], "team": ["web", None]}

    def test_thresholds_are_checked_like_update_kpi_does(self, world):
        with pytest.raises(Refused) as refused:
            actions.upsert_kpis(
                Batch(world.workspace, None, "import"),
                [("ok", kpi_values()), ("bad", kpi_values(green=50.0))],
                {},
            )
        assert [(p.index, p.field) for p in refused.value.problems] == [(1, "green")]
        assert not KPI.objects.exists()


class TestUpsertKPIValues:
    def test_new_and_changed_values_make_one_event_per_kpi(self, world):
        kpi = KPIFactory(workspace=world.workspace, key="revenue", team=world.web)
        KPIValueFactory(kpi=kpi, at=date(2026, 1, 1), value=1.0)
        KPIValueFactory(kpi=kpi, at=date(2026, 1, 2), value=2.0)
        admin = world.user("admin").pk
        batch = Batch(world.workspace, None, "import")
        items = [
            ValueRow(kpi.pk, date(2026, 1, 1), 1.0, "", "", admin),  # unchanged
            ValueRow(kpi.pk, date(2026, 1, 2), 5.0, "fixed", "sheet", admin),
            ValueRow(kpi.pk, date(2026, 1, 3), 3.0, "", "", None),
        ]
        actions.upsert_kpi_values(batch, items, {kpi.pk: kpi})
        stored = KPIValue.objects.order_by("at").values_list("value", "note", "recorded_by")
        assert list(stored) == [(1.0, "", None), (5.0, "fixed", admin), (3.0, "", None)]
        [event] = batch.events
        assert (event.verb, event.changes, event.team_id) == (
            "values_recorded",
            {"created": 1, "updated": 1},
            world.web.pk,
        )
        again = Batch(world.workspace, None, "import")
        actions.upsert_kpi_values(again, items, {kpi.pk: kpi})
        assert again.events == []
        assert not again.created
        assert KPIValue.objects.count() == 3
