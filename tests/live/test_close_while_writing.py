"""Closing a cycle while people check in (issue 9 item 13), against a real server.

A gunicorn server (3 workers) runs on its own database (a SQLite file, or a dedicated PostgreSQL
database when DATABASE_URL points at PostgreSQL). Each of 8 client processes checks in on its
own key result, one day later each time, until the cycle is closed; meanwhile the cycle is
closed through the API. Every check-in must either be stored and counted in the frozen figures
(201) or be refused and not stored (409): the figures frozen for each key result are its latest
stored check-in. Before the fix, a check-in whose request read the cycle before the close was
stored after it (2 writers in 12 on SQLite, 1 on PostgreSQL).
"""

from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta

import pytest

from tests.live.server import live_server, request

pytestmark = [pytest.mark.live, pytest.mark.slow]

PROCESSES = 8
MAX_CHECK_INS = 300  # per process; each stops soon after the cycle is closed
AFTER_CLOSE = 3  # check-ins each process still tries once it has been refused
START = date.today() - timedelta(days=MAX_CHECK_INS + 10)

SETUP = """
from datetime import date
from headway.accounts.models import Membership, User, Workspace
from headway.accounts.actions import create_token
from headway.okrs.models import Cycle, KeyResult, Objective
ws = Workspace.objects.create(key="live", name="Live")
user = User.objects.create(username="writer")
membership = Membership.objects.create(user=user, workspace=ws, role="admin")
cycle = Cycle.objects.create(
    workspace=ws, key="c", name="C", start=date.fromisoformat("%(start)s"),
    end=date.fromisoformat("%(end)s"), state="active",
)
objective = Objective.objects.create(workspace=ws, key="O", title="O", cycle=cycle)
for n in range(%(krs)d):
    KeyResult.objects.create(workspace=ws, objective=objective, key=f"KR-{n}", title="k",
                             start=0, target=1000)
print(create_token(membership, actor=None)[1])
"""


def writer(base: str, token: str, process: int) -> list[tuple[int, int]]:
    """Check in on KR-<process>, value n on day n, until refused AFTER_CLOSE times."""
    answers: list[tuple[int, int]] = []
    refused = 0
    for n in range(MAX_CHECK_INS):
        day = (START + timedelta(days=n)).isoformat()
        status, _ = request(
            base,
            token,
            "POST",
            f"/api/v1/key-results/KR-{process}/check-ins",
            {"at": day, "value": n, "confidence": 5},
        )
        answers.append((n, status))
        if status != 201:
            refused += 1
            if refused >= AFTER_CLOSE:
                break
    return answers


@pytest.fixture
def server(tmp_path):
    setup = SETUP % {
        "start": START.isoformat(),
        "end": (START + timedelta(days=MAX_CHECK_INS)).isoformat(),
        "krs": PROCESSES,
    }
    with live_server(tmp_path, setup) as running:
        yield running


def test_every_check_in_is_frozen_with_the_cycle_or_refused(server):
    base, token = server
    with ProcessPoolExecutor(max_workers=PROCESSES) as pool:
        writing = [pool.submit(writer, base, token, p) for p in range(PROCESSES)]
        time.sleep(1.5)  # let every writer get going
        status, closed = request(base, token, "POST", "/api/v1/cycles/c/close")
        assert status == 200, closed
        answers = [future.result(timeout=300) for future in writing]

    for process, sent in enumerate(answers):
        statuses = [status for _, status in sent]
        assert set(statuses) <= {201, 409}, sent
        assert statuses == sorted(statuses), "a check-in was accepted after one was refused"
        accepted = [n for n, status in sent if status == 201]
        assert len(accepted) < len(sent), "the close came after every check-in: nothing raced"
        status, page = request(
            base, token, "GET", f"/api/v1/key-results/KR-{process}/check-ins?limit=1000"
        )
        assert status == 200
        assert sorted(item["value"] for item in page["items"]) == accepted
        status, kr = request(base, token, "GET", f"/api/v1/key-results/KR-{process}")
        # the frozen figure is the latest check-in stored: none was stored after the close
        assert kr["current"] == (accepted[-1] if accepted else 0), (process, sent)
