"""The KPI page and board show what the API holds: benchmark and leading/lagging (item 26)."""

from __future__ import annotations

from datetime import date

import pytest

from headway.core import charts
from headway.core.tests.factories import KPIFactory, KPIValueFactory
from headway.core.tests.fixtures import signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mid_quarter")]


@pytest.fixture
def nps(world):
    kpi = KPIFactory(
        workspace=world.workspace,
        key="nps",
        name="NPS",
        team=world.web,
        target=50.0,
        benchmark=32.0,
        indicator="leading",
    )
    KPIValueFactory(kpi=kpi, at=date(2026, 2, 1), value=40.0)
    return kpi


def test_the_kpi_page_shows_the_benchmark_and_draws_it(world, nps):
    page = signed_in(world, "viewer").get("/kpis/nps/").content.decode()
    assert '<strong id="kpi-benchmark">32</strong>' in page
    assert 'class="benchmark-line"' in page
    assert "benchmark 32</text>" in page
    assert "; benchmark 32" in page  # in the chart's text alternative


def test_a_kpi_without_benchmark_has_no_benchmark_line(world, nps):
    nps.benchmark = None
    nps.save()
    page = signed_in(world, "viewer").get("/kpis/nps/").content.decode()
    assert "benchmark-line" not in page
    assert "kpi-benchmark" not in page


def test_the_kpi_page_and_board_say_leading_or_lagging(world, nps):
    KPIFactory(workspace=world.workspace, key="rev", name="Revenue", indicator="lagging")
    client = signed_in(world, "viewer")
    assert "Leading indicator" in client.get("/kpis/nps/").content.decode()
    assert "Lagging indicator" in client.get("/kpis/rev/").content.decode()
    board = client.get("/kpis/").content.decode()
    assert '<span class="indicator">Leading</span>' in board
    assert '<span class="indicator">Lagging</span>' in board


def test_the_chart_scale_takes_in_a_benchmark_outside_the_values():
    chart = charts.line_chart(
        title="NPS",
        points=[(date(2026, 1, 1), 10.0), (date(2026, 2, 1), 12.0)],
        start=date(2026, 1, 1),
        end=date(2026, 3, 31),
        benchmark=100.0,
    )
    line = chart.split('class="benchmark-line"')[1]
    y = float(line.split('y1="')[1].split('"')[0])
    assert 12 <= y < 30  # near the top of the plot, not off the chart
