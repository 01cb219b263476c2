"""KPI pages through the real URL stack: dashboard, KPI page, adding a value, starting an OKR."""

from __future__ import annotations

from datetime import date

import pytest

from headway.core.tests.factories import KeyResultFactory, KPIFactory, KPIValueFactory
from headway.core.tests.fixtures import signed_in
from headway.kpis.models import KPI, KPIValue

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mid_quarter")]
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def uptime(world):
    """Higher is better: green from 90, red below 70; latest value 65 (red)."""
    kpi = KPIFactory(
        workspace=world.workspace, key="uptime", name="Uptime", unit="%", team=world.web,
        owner=world.user("member"), target=100.0, green=90.0, red=70.0,
    )  # fmt: skip
    KPIValueFactory(kpi=kpi, at=date(2026, 2, 1), value=80.0)
    KPIValueFactory(kpi=kpi, at=date(2026, 2, 8), value=65.0)
    return kpi


class TestDashboard:
    def test_it_shows_a_card_per_kpi_with_value_status_trend_and_sparkline(self, world, uptime):
        text = signed_in(world, "viewer").get("/kpis/").content.decode()
        assert "Uptime" in text
        assert "65%" in text
        assert '<span class="chip chip-red">Red</span>' in text
        assert "last move down (bad)" in text
        assert 'class="spark spark-red"' in text

    def test_a_kpi_without_recent_values_is_stale(self, world):
        kpi = KPIFactory(workspace=world.workspace, name="Churn", cadence="weekly")
        KPIValueFactory(kpi=kpi, at=date(2026, 1, 1), value=95.0)
        text = signed_in(world, "member").get("/kpis/", {"status": "stale"}).content.decode()
        assert "Churn" in text
        assert "Stale" in text

    def test_the_status_filter_and_grouping(self, world, uptime):
        KPIFactory(workspace=world.workspace, name="Revenue", category="financial")
        client = signed_in(world, "member")
        text = client.get("/kpis/", {"status": "red"}).content.decode()
        assert "Uptime" in text
        assert "Revenue" not in text
        text = client.get("/kpis/", {"group": "category"}).content.decode()
        assert "Financial" in text
        partial = client.get("/kpis/", {"q": "rev"}, HTTP_HX_TARGET="kpi-cards", **HX)
        assert partial.content.decode().lstrip().startswith('<div id="kpi-cards">')


class TestKPIPage:
    def test_it_shows_the_chart_with_bands_values_and_driven_key_results(self, world, uptime):
        KeyResultFactory(
            objective__workspace=world.workspace, objective__cycle=world.cycle,
            kpi=uptime, title="Uptime at 99%",
        )  # fmt: skip
        text = signed_in(world, "viewer").get("/kpis/uptime/").content.decode()
        assert "<title>Uptime over time</title>" in text
        assert 'class="band band-red"' in text
        assert 'class="band band-green"' in text
        assert "<td>2026-02-08</td><td>65%</td>" in text  # the chart's text alternative
        assert "Uptime at 99%" in text
        assert "Add a value" not in text  # a viewer

    def test_adding_a_value_turns_it_green_without_a_reload(self, world, uptime):
        response = signed_in(world, "member").post(
            "/kpis/uptime/values/", {"at": "2026-02-15", "value": "95"}, **HX
        )
        text = response.content.decode()
        assert "<html" not in text
        assert '<span class="chip chip-green">Green</span>' in text
        assert KPIValue.objects.get(kpi=uptime, at=date(2026, 2, 15)).value == 95.0

    def test_a_bad_value_is_reported_next_to_the_field(self, world, uptime):
        response = signed_in(world, "member").post(
            "/kpis/uptime/values/", {"at": "2026-02-15", "value": "lots"}, **HX
        )
        assert "Enter a number." in response.content.decode()
        assert KPIValue.objects.filter(kpi=uptime).count() == 2

    def test_start_an_okr_prefills_a_key_result_from_the_current_value_to_the_target(
        self, world, uptime
    ):
        text = signed_in(world, "member").get("/okrs/objectives/new/", {"kpi": "uptime"})
        text = text.content.decode()
        assert 'value="Improve Uptime"' in text
        assert 'name="kr-0-start" value="65.0"' in text
        assert 'name="kr-0-target" value="100.0"' in text
        assert 'name="kr-0-kpi" value="uptime"' in text

    def test_create_and_edit_a_kpi(self, world):
        client = signed_in(world, "member")
        data = {
            "name": "Lead time", "team": "web", "owner": "max", "unit": "d",
            "direction": "lower_is_better", "target": "2", "cadence": "weekly",
            "category": "operational", "indicator": "leading",
        }  # fmt: skip
        response = client.post("/kpis/new/", data)
        kpi = KPI.objects.get(name="Lead time")
        assert response["Location"] == f"/kpis/{kpi.key}/"
        response = client.post(f"/kpis/{kpi.key}/edit/", data | {"green": "5", "red": "3"})
        assert "green: must be at most red when lower is better" not in response.content.decode()
        assert "must be at most red when lower is better" in response.content.decode()
        assert KPI.objects.get(pk=kpi.pk).green is None
