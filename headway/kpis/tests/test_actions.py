from datetime import date

import pytest

from headway.core.errors import Invalid
from headway.history.models import Event
from headway.kpis import actions
from headway.kpis.actions import ValueIn
from headway.kpis.models import KPI, KPIValue


def revenue(world):
    return actions.create_kpi(
        world.workspace, actor=world.user("admin"), key="revenue", name="Revenue", target=100
    )


class TestCreateKPI:
    def test_it_requires_low_and_high_for_a_range(self, world):
        with pytest.raises(Invalid, match="low"):
            actions.create_kpi(
                world.workspace, actor=None, key="temp", name="T", direction="within_range"
            )
        assert not KPI.objects.exists()

    def test_it_rejects_green_below_red_when_higher_is_better(self, world):
        with pytest.raises(Invalid, match="green"):
            actions.create_kpi(world.workspace, actor=None, key="k", name="K", green=1, red=5)


class TestRecordKPIValues:
    def test_sending_the_same_batch_twice_stores_nothing_new(self, world):
        kpi = revenue(world)
        batch = [ValueIn(at=date(2026, 1, d), value=float(d)) for d in range(1, 11)]
        first = actions.record_kpi_values(kpi, batch, actor=None, source="test")
        second = actions.record_kpi_values(kpi, batch, actor=None, source="test")
        assert (first.created, first.updated) == (10, 0)
        assert (second.created, second.updated) == (0, 0)
        assert KPIValue.objects.count() == 10
        assert Event.objects.filter(verb="values_recorded").count() == 1

    def test_a_changed_value_replaces_the_old_one_and_the_history_keeps_it(self, world):
        kpi = revenue(world)
        actions.record_kpi_values(kpi, [ValueIn(date(2026, 1, 1), 10.0)], actor=None)
        result = actions.record_kpi_values(
            kpi, [ValueIn(date(2026, 1, 1), 12.0), ValueIn(date(2026, 1, 2), 13.0)], actor=None
        )
        assert (result.created, result.updated) == (1, 1)
        assert KPIValue.objects.get(at=date(2026, 1, 1)).value == 12.0
        latest = Event.objects.filter(verb="values_recorded").first()
        assert latest.changes["replaced"] == {"2026-01-01": [10.0, 12.0]}

    def test_a_bad_item_rejects_the_whole_batch_naming_its_index(self, world):
        kpi = revenue(world)
        batch = [ValueIn(date(2026, 1, 1), 1.0), ValueIn(date(2026, 1, 2), float("nan"))]
        with pytest.raises(Invalid, match=r"\[1\]\.value"):
            actions.record_kpi_values(kpi, batch, actor=None)
        assert not KPIValue.objects.exists()
