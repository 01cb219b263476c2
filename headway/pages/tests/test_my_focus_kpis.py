"""My focus lists the KPIs needing attention at the cost of the ten it shows: the same queries
and the figures of ten KPIs only, whether 10 KPIs of 30 need attention or 100 of 300."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from headway import focus
from headway.core.tests.factories import KPIFactory, KPIValueFactory
from headway.core.tests.fixtures import signed_in
from headway.kpis import scoring
from headway.kpis.models import KPI
from headway.kpis.scoring import KPIFigures

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mid_quarter")]


def add_kpis(world: Any, first: int, n: int) -> None:
    """KPIs owned by the member: every third one red, the others green."""
    for i in range(first, n):
        owner = world.user("member")
        kpi = KPIFactory(workspace=world.workspace, team=world.web, owner=owner, name=f"KPI {i:03}")
        KPIValueFactory(kpi=kpi, at=date(2026, 2, 12), value=50 if i % 3 == 0 else 95)


def measure(world: Any, persona: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, list[int]]:
    """Queries of My focus and the number of KPIs it computes figures for."""
    figured: list[int] = []

    def spy(kpi: KPI, at: date | None, value: float | None, *, as_of: date) -> KPIFigures:
        figured.append(kpi.pk)
        return scoring.latest_figures(kpi, at, value, as_of=as_of)

    client = signed_in(world, persona)
    client.get("/")
    with monkeypatch.context() as patch:
        patch.setattr(focus, "latest_figures", spy)
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/").content.decode()
    assert "KPI 000" in page
    return len(queries), figured


@pytest.mark.parametrize("persona", ["viewer", "member"])
def test_my_focus_costs_the_same_with_ten_times_more_kpis(world, persona, monkeypatch):
    add_kpis(world, 0, 30)
    small = measure(world, persona, monkeypatch)
    add_kpis(world, 30, 300)
    large = measure(world, persona, monkeypatch)
    assert large == small
    assert len(small[1]) == focus.LIST_SIZE


@pytest.mark.parametrize("persona", ["viewer", "member"])
def test_my_focus_counts_every_kpi_needing_attention_and_shows_the_first_ten(world, persona):
    add_kpis(world, 0, 40)
    page = signed_in(world, persona).get("/")
    rows = page.context["kpis"]
    assert [row["kpi"].name for row in rows["rows"]] == [f"KPI {i:03}" for i in range(0, 30, 3)]
    assert all(row["f"].status == "red" for row in rows["rows"])
    assert (rows["total"], rows["more"]) == (14, 4)
