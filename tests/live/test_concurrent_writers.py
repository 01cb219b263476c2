"""Concurrent writers against a real server: no request fails and no write is lost.

A gunicorn server (3 worker processes) is started on 127.0.0.1 against its own database (a
SQLite file, or a dedicated PostgreSQL database when DATABASE_URL points at PostgreSQL), and
8 client processes post check-ins and single KPI values at the same time. Afterwards every
write must be there. SQLite stays correct thanks to BEGIN IMMEDIATE + busy timeout
(NOTES.md, "SQLite under concurrent writers"); PostgreSQL thanks to row locks and constraints.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta

import pytest

from tests.live.server import live_server, request

pytestmark = [pytest.mark.live, pytest.mark.slow]

PROCESSES = 8
REQUESTS = 30  # per process: half check-ins, half KPI values
KEY_RESULTS = 4  # two processes share each key result, on different days
START = date(2026, 1, 1)

SETUP = """
from datetime import date
from headway.accounts.models import Membership, User, Workspace
from headway.accounts.actions import create_token
from headway.kpis.models import KPI
from headway.okrs.models import Cycle, KeyResult, Objective
ws = Workspace.objects.create(key="live", name="Live")
user = User.objects.create(username="writer")
membership = Membership.objects.create(user=user, workspace=ws, role="admin")
cycle = Cycle.objects.create(
    workspace=ws, key="c", name="C", start=date(2026, 1, 1), end=date(2026, 12, 31), state="active"
)
objective = Objective.objects.create(workspace=ws, key="O", title="O", cycle=cycle)
for n in range(%(krs)d):
    KeyResult.objects.create(workspace=ws, objective=objective, key=f"KR-{n}", title="k",
                             start=0, target=100)
KPI.objects.create(workspace=ws, key="load", name="Load", target=1)
print(create_token(membership, actor=None)[1])
"""


def writer(base: str, token: str, process: int) -> list[tuple[str, int, str]]:
    """One client process: alternately a check-in and a single KPI value, on its own days."""
    failures = []
    for n in range(REQUESTS):
        day = (START + timedelta(days=process * REQUESTS + n)).isoformat()
        if n % 2 == 0:
            path = f"/api/v1/key-results/KR-{process % KEY_RESULTS}/check-ins"
            body: object = {"at": day, "value": n, "confidence": 5}
            expected = 201
        else:
            path = "/api/v1/kpis/load/values"
            body = [{"at": day, "value": process * 1000 + n}]
            expected = 200
        status, answer = request(base, token, "POST", path, body)
        if status != expected:
            failures.append((path, status, str(answer)))
    return failures


@pytest.fixture
def live_server_url(tmp_path):
    with live_server(tmp_path, SETUP % {"krs": KEY_RESULTS}) as running:
        yield running


def test_concurrent_check_ins_and_values_are_all_stored(live_server_url):
    base, token = live_server_url
    with ProcessPoolExecutor(max_workers=PROCESSES) as pool:
        results = list(pool.map(writer, [base] * PROCESSES, [token] * PROCESSES, range(PROCESSES)))
    failures = [failure for result in results for failure in result]
    assert failures == []

    check_ins = 0
    for n in range(KEY_RESULTS):
        status, page = request(
            base, token, "GET", f"/api/v1/key-results/KR-{n}/check-ins?limit=1000"
        )
        assert status == 200
        check_ins += page["count"]
    assert check_ins == PROCESSES * REQUESTS // 2
    status, page = request(base, token, "GET", "/api/v1/kpis/load/values?limit=1000")
    assert page["count"] == PROCESSES * REQUESTS // 2
    stored = {(item["at"], item["value"]) for item in page["items"]}
    sent = {
        ((START + timedelta(days=p * REQUESTS + n)).isoformat(), float(p * 1000 + n))
        for p in range(PROCESSES)
        for n in range(1, REQUESTS, 2)
    }
    assert stored == sent
