"""Every main page runs the same number of SQL queries with 10 and with 100 objectives."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from headway.core.tests.sample import populate

PAGES = [
    "/",
    "/okrs/",
    "/okrs/?q=number&status=at_risk",
    "/okrs/objectives/obj-1/",
    "/okrs/check-in/",
    "/okrs/review/",
    "/kpis/",
    "/kpis/kpi-1/",
    "/teams/",
    "/teams/web/",
]
ADMIN_PAGES = ["/settings/", "/okrs/review/"]


def count_queries(client: Client, path: str) -> int:
    """Queries of one GET (the member owns every objective, so every list is full)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


@pytest.mark.django_db
@time_machine.travel(datetime(2026, 2, 15, 12, tzinfo=UTC))
def test_each_page_runs_a_constant_number_of_queries(world):
    member, admin = Client(), Client()
    member.force_login(world.user("member"))
    admin.force_login(world.user("admin"))

    def measure() -> dict[str, int]:
        counts = {path: count_queries(member, path) for path in PAGES}
        counts |= {f"admin {path}": count_queries(admin, path) for path in ADMIN_PAGES}
        return counts

    populate(world, 10)
    small = measure()
    populate(world, 100, first=10)
    large = measure()
    assert large == small
    assert max(small.values()) <= 25, small
