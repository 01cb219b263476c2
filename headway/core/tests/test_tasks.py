import pytest
from django.db import connection

from headway.core.tasks import nightly_statistics
from headway.core.tests.factories import ObjectiveFactory

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL analyzes on its own")
def test_the_nightly_job_gives_the_planner_the_tables_sizes():
    ObjectiveFactory.create_batch(3)
    nightly_statistics.call_local()
    with connection.cursor() as cursor:
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'okrs_objective' LIMIT 1")
        row = cursor.fetchone()
    assert row is not None
    assert int(row[0].split()[0]) >= 3  # the first number is the table's row count
