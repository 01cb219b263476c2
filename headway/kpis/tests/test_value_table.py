"""The KPI value table carries only what serves its bulk writes (docs/performance.md)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from headway.core.tests.factories import KPIFactory
from headway.kpis.models import KPIValue

pytestmark = pytest.mark.django_db

TABLE = KPIValue._meta.db_table


def indexes() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, TABLE)
    return {name: c["columns"] for name, c in found.items() if c["index"] or c["unique"]}


def test_the_kpi_column_is_indexed_once_by_the_one_value_a_day_rule():
    columns = list(indexes().values())
    assert ["kpi_id", "at"] in columns
    assert ["kpi_id"] not in columns


@pytest.mark.skipif(connection.vendor != "sqlite", reason="AUTOINCREMENT is SQLite's")
def test_sqlite_keeps_no_autoincrement_sequence_for_values():
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [TABLE])
        (sql,) = cursor.fetchone()
    assert "AUTOINCREMENT" not in sql.upper()


def test_values_still_get_their_own_ids_and_a_kpi_delete_takes_its_values():
    kpi, other = KPIFactory(), KPIFactory()
    rows = [
        KPIValue.objects.create(
            kpi=k, at=date(2026, 1, d), value=d, recorded_at="2026-01-31T00:00Z"
        )
        for k in (kpi, other)
        for d in (1, 2)
    ]
    assert len({row.pk for row in rows}) == 4
    kpi.delete()
    assert list(KPIValue.objects.values_list("kpi_id", flat=True)) == [other.pk, other.pk]
