"""The KPIs needing attention selected in SQL are exactly those the rules say need attention."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from headway.core.tests.factories import KPIFactory, KPIValueFactory, WorkspaceFactory
from headway.domain.kpi import evaluate_kpi, needs_attention, validate_kpi
from headway.domain.numbers import num
from headway.domain.types import Cadence, KPIDirection, KPIResult, Point, RuleViolation
from headway.kpis.models import KPI
from headway.kpis.scoring import KPIFigures, kpi_figures, kpi_input, needing_attention

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 2, 15)
# Few distinct numbers, so that values often sit exactly on a threshold.
numbers = st.sampled_from([-1.5, 0.0, 0.1, 0.3, 1.0, 2.0, 2.5, 3.0, 10.0])
maybe = st.none() | numbers
# From a value a day old to one older than two quarters, and one after `AS_OF` (ignored).
ages = st.sets(st.integers(-3, 200), max_size=3)
LOWER = {"direction": "lower_is_better", "green": 3, "red": 5, "target": 2}
WITHIN = {"direction": "within_range", "low": 1, "high": 2, "tolerance": 1}


@st.composite
def kpi_rows(draw: st.DrawFn) -> dict[str, Any]:
    row: dict[str, Any] = {
        "direction": draw(st.sampled_from(KPIDirection)).value,
        "cadence": draw(st.sampled_from(Cadence)).value,
        **{f: draw(maybe) for f in ("target", "green", "red", "low", "high")},
        "tolerance": draw(st.none() | numbers.map(abs)),
        "values": [(age, draw(numbers)) for age in draw(ages)],
    }
    try:
        validate_kpi(kpi_input(KPI(**{k: v for k, v in row.items() if k != "values"})))
    except RuleViolation:
        row.update(direction=KPIDirection.HIGHER_IS_BETTER.value, target=1.0, green=None, red=None)
    return row


def build(rows: list[dict[str, Any]]) -> list[KPI]:
    """KPIs with these fields, and values given as (days before AS_OF, value)."""
    workspace = WorkspaceFactory()
    kpis = []
    for row in rows:
        values = row.pop("values")
        kpi = KPIFactory(workspace=workspace, **row)
        for age, value in values:
            KPIValueFactory(kpi=kpi, at=AS_OF - timedelta(days=age), value=value)
        kpis.append(kpi)
    return kpis


def evaluated(kpi: KPI) -> KPIResult:
    """The domain's verdict on `kpi` from its whole history, read plainly."""
    points = [Point(at=v.at, value=Decimal(str(v.value))) for v in kpi.values.all()]
    return evaluate_kpi(kpi_input(kpi), points, as_of=AS_OF)


def by_the_rules(kpis: list[KPI]) -> set[int]:
    results = {kpi.pk: evaluated(kpi) for kpi in kpis}
    return {pk for pk, r in results.items() if needs_attention(r.status, stale=r.stale)}


def in_sql(kpis: list[KPI]) -> set[int]:
    selected = needing_attention(KPI.objects.filter(pk__in=[k.pk for k in kpis]), as_of=AS_OF)
    return set(selected.values_list("pk", flat=True))


class TestNeedingAttention:
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(kpi_rows(), min_size=1, max_size=8))
    def test_it_selects_exactly_the_kpis_the_rules_say_need_attention(
        self, rows: list[dict[str, Any]]
    ) -> None:
        with transaction.atomic():
            kpis = build(rows)
            assert in_sql(kpis) == by_the_rules(kpis)
            transaction.set_rollback(True)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(kpi_rows(), min_size=1, max_size=6))
    def test_figures_read_from_the_latest_value_are_those_of_the_whole_history(
        self, rows: list[dict[str, Any]]
    ) -> None:
        """kpi_figures reads one latest value per KPI in SQL; the domain reads every value."""
        with transaction.atomic():
            kpis = build(rows)
            figures = kpi_figures(kpis, as_of=AS_OF)
            for kpi in kpis:
                result = evaluated(kpi)
                latest = result.latest
                assert figures[kpi.pk] == KPIFigures(
                    latest_at=latest.at if latest else None,
                    latest_value=num(latest.value, 6) if latest else None,
                    status=result.status.value,
                    stale=result.stale,
                )
            transaction.set_rollback(True)

    def test_figures_cost_one_query_however_long_the_histories(
        self, django_assert_num_queries: Any
    ) -> None:
        kpis = build([{"values": [(age, 95.0) for age in range(n)]} for n in (1, 3, 400)])
        with django_assert_num_queries(1):
            figures = kpi_figures(kpis, as_of=AS_OF)
        assert [figures[k.pk].latest_at for k in kpis] == [AS_OF] * 3

    @pytest.mark.parametrize(
        ("kpi", "values", "expected"),
        [
            ({}, [], False),  # no data is not stale
            ({}, [(1, 90.0)], False),  # the factory's green (90), red (70) and target (100)
            ({}, [(1, 89.9)], True),  # amber
            ({}, [(1, 60.0)], True),  # red
            ({"green": None}, [(1, 99.0)], True),  # green defaults to the target (100)
            ({"green": None}, [(1, 100.0)], False),
            ({}, [(1, 60.0), (0, 95.0)], False),  # the latest value counts
            ({}, [(1, 95.0), (-1, 60.0)], False),  # values after as_of are not read
            ({}, [(14, 95.0)], False),  # weekly: two weeks old is fresh
            ({}, [(15, 95.0)], True),  # and stale a day later, whatever its colour
            ({"cadence": "daily"}, [(3, 95.0)], True),
            (LOWER, [(1, 3.0)], False),
            (LOWER, [(1, 3.1)], True),
            (WITHIN, [(1, 2.0)], False),
            (WITHIN, [(1, 2.5)], True),  # amber within the tolerance
            (WITHIN, [(1, 3.5)], True),  # red
        ],
    )
    def test_it_follows_the_rules_at_their_edges(
        self, kpi: dict[str, Any], values: list[tuple[int, float]], expected: bool
    ) -> None:
        kpis = build([{"cadence": "weekly", **kpi, "values": values}])
        assert in_sql(kpis) == by_the_rules(kpis) == ({kpis[0].pk} if expected else set())

    def test_it_keeps_the_order_and_filters_of_the_queryset(self) -> None:
        kpis = build(
            [{"name": name, "values": [(1, 10.0)]} for name in ("b", "a", "c")]
            + [{"name": "d", "values": [(1, 95.0)]}]
        )
        selected = needing_attention(KPI.objects.exclude(name="c").order_by("name"), as_of=AS_OF)
        assert [k.name for k in selected] == ["a", "b"]
        assert selected.count() == 2
        assert {k.pk for k in kpis} >= set(selected.values_list("pk", flat=True))
