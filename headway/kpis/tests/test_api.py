"""The KPI endpoints and batch ingestion through the URL stack."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from headway.core.tests.factories import KPIFactory, KPIValueFactory
from headway.kpis.models import KPIValue

pytestmark = pytest.mark.django_db


@pytest.fixture
def kpi(world):
    return KPIFactory(workspace=world.workspace, key="mrr", name="MRR", team=world.web)


def days(count, start=date(2026, 1, 1), value=1.0):
    return [
        {"at": (start + timedelta(days=n)).isoformat(), "value": value + n} for n in range(count)
    ]


class TestIngestion:
    def test_it_upserts_by_date_and_counts(self, api_as, kpi):
        api = api_as("member")
        first = api.post("/kpis/mrr/values", days(3))
        assert (first.status, first.json) == (200, {"created": 3, "updated": 0})
        again = api.post("/kpis/mrr/values", days(3))
        assert again.json == {"created": 0, "updated": 0}
        changed = api.post("/kpis/mrr/values", [*days(2), {"at": "2026-01-03", "value": 99}])
        assert changed.json == {"created": 0, "updated": 1}
        assert KPIValue.objects.get(kpi=kpi, at=date(2026, 1, 3)).value == 99
        assert KPIValue.objects.filter(kpi=kpi).count() == 3

    @pytest.mark.parametrize(
        ("item", "field"),
        [
            ('{"at": "2026-02-01", "value": "3"}', "[2].value"),
            ('{"at": "2026-02-01", "value": NaN}', "[2].value"),
            ('{"at": "2026-02-01", "value": -Infinity}', "[2].value"),
            ('{"at": "2026-13-01", "value": 3}', "[2].at"),
            ('{"at": "2026-02-01"}', "[2].value"),
            ('{"at": "2026-02-01", "value": 3, "extra": 1}', "[2].extra"),
        ],
    )
    def test_one_bad_item_rejects_the_batch_naming_index_and_field(self, api_as, kpi, item, field):
        body = "[" + ", ".join([json.dumps(v) for v in days(2)] + [item]) + "]"
        response = api_as("member").post("/kpis/mrr/values", body)
        assert response.status == 422
        assert response.json["field"] == field
        assert not KPIValue.objects.exists()

    def test_it_takes_10000_values_and_refuses_more(self, api_as, kpi, time_machine):
        # 10,000 daily values from 2026-01-01 reach 2053: none may lie after today.
        time_machine.move_to(datetime(2060, 1, 1, 12, tzinfo=UTC), tick=False)
        api = api_as("member")
        assert api.post("/kpis/mrr/values", days(10_001)).status == 422
        assert not KPIValue.objects.exists()
        response = api.post("/kpis/mrr/values", days(10_000))
        assert response.json == {"created": 10_000, "updated": 0}

    def test_it_rejects_an_empty_batch_and_a_non_list(self, api_as, kpi):
        api = api_as("member")
        assert api.post("/kpis/mrr/values", []).status == 422
        assert api.post("/kpis/mrr/values", {"at": "2026-01-01", "value": 1}).status == 422
        assert api.post("/kpis/mrr/values", "[{").status == 400

    def test_values_are_listed_oldest_first_within_dates(self, api_as, kpi):
        api = api_as("viewer")
        for n in range(5):
            KPIValueFactory(kpi=kpi, at=date(2026, 1, 5 - n), value=n)
        page = api.get("/kpis/mrr/values", since="2026-01-02", until="2026-01-04").json
        assert page["count"] == 3
        assert [v["at"] for v in page["items"]] == ["2026-01-02", "2026-01-03", "2026-01-04"]


class TestKPIs:
    def test_it_answers_figures_as_of_a_date(self, api_as, kpi):
        KPIValueFactory(kpi=kpi, at=date(2026, 1, 5), value=95)
        KPIValueFactory(kpi=kpi, at=date(2026, 2, 5), value=60)
        api = api_as("viewer")
        january = api.get("/kpis/mrr", as_of="2026-01-10").json
        assert january["latest"] == {"at": "2026-01-05", "value": 95.0}
        assert january["status"] == "green"
        february = api.get("/kpis/mrr", as_of="2026-02-06").json
        assert (february["latest"]["value"], february["status"]) == (60.0, "red")

    def test_it_creates_and_validates_thresholds(self, api_as, world):
        api = api_as("member")
        bad = api.post("/kpis", {"key": "nps", "name": "NPS", "team": "web"})
        assert bad.status == 400
        assert bad.json["field"] == "target"
        good = api.post("/kpis", {"key": "nps", "name": "NPS", "team": "web", "target": 40})
        assert good.status == 201
        assert (good.json["owner"], good.json["status"]) == ("max", "no_data")
