"""KPI values and thresholds: bounded numbers, no value dated after today (issue 9: 11, 12)."""

from __future__ import annotations

from datetime import date

import pytest

from headway.core.tests.factories import KPIFactory
from headway.core.tests.fixtures import signed_in
from headway.kpis.models import KPI, KPIValue

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mid_quarter")]


@pytest.fixture
def kpi(world):
    return KPIFactory(
        workspace=world.workspace, key="mrr", team=world.web, owner=world.user("member")
    )


class TestValues:
    def test_the_api_refuses_a_value_dated_2030_naming_index_and_field(self, api_as, kpi):
        body = [{"at": "2026-02-01", "value": 1}, {"at": "2030-01-01", "value": 2}]
        response = api_as("member").post("/kpis/mrr/values", body)
        assert response.status == 400
        assert response.json["field"] == "[1].at"
        assert "after today (2026-02-15)" in response.json["detail"]
        assert not KPIValue.objects.exists()

    def test_the_api_takes_a_value_dated_today(self, api_as, kpi):
        response = api_as("member").post("/kpis/mrr/values", [{"at": "2026-02-15", "value": 1}])
        assert response.status == 200
        assert KPIValue.objects.get().at == date(2026, 2, 15)

    def test_the_api_refuses_a_value_dated_before_2000(self, api_as, kpi):
        response = api_as("member").post("/kpis/mrr/values", [{"at": "1999-12-31", "value": 1}])
        assert response.status == 400
        assert response.json["field"] == "[0].at"

    def test_the_api_refuses_1e300(self, api_as, kpi):
        response = api_as("member").post("/kpis/mrr/values", [{"at": "2026-02-01", "value": 1e300}])
        assert response.status == 422
        assert response.json["field"] == "[0].value"

    def test_the_page_refuses_a_future_date_next_to_the_field(self, world, kpi):
        response = signed_in(world, "member").post(
            "/kpis/mrr/values/", {"at": "2030-01-01", "value": "5"}, HTTP_HX_REQUEST="true"
        )
        text = response.content.decode()
        assert "The date must not be after today (2026-02-15)." in text
        assert 'max="2026-02-15"' in text
        assert not KPIValue.objects.exists()


class TestThresholds:
    def test_the_api_refuses_a_target_above_1e15(self, api_as, world):
        response = api_as("member").post(
            "/kpis", {"key": "big", "name": "Big", "team": "web", "target": 1e16}
        )
        assert response.status == 422
        assert response.json["field"] == "target"
        assert not KPI.objects.filter(key="big").exists()

    def test_the_page_refuses_a_target_above_1e15(self, world):
        response = signed_in(world, "member").post(
            "/kpis/new/",
            {"name": "Big", "team": "web", "owner": "max", "direction": "higher_is_better",
             "target": "1e16", "cadence": "weekly", "category": "other", "indicator": "lagging"},
        )  # fmt: skip
        assert "less than or equal to" in response.content.decode()
        assert not KPI.objects.filter(name="Big").exists()
