"""The notifications for real: a gunicorn server, a `headway worker` process beside it, an SMTP
server and a webhook receiver that verifies every signature, all on 127.0.0.1.

A check-in that crosses 50 % yields exactly one webhook delivery and one inbox entry for the key
result's owner; a KPI value that turns the KPI red yields one e-mail to its owner; sending the
same check-in or value again yields nothing new. On PostgreSQL the worker's queue is Redis (the
set-up of several workers on several machines); on SQLite it is the default SQLite file.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import date, timedelta

import pytest
import redis

from tests.live.receivers import smtp_server, webhook_receiver, worker
from tests.live.server import Live, live_stack, request

pytestmark = [pytest.mark.live, pytest.mark.slow]

QUEUE_DB = 15  # the Redis database the test's queue uses, emptied first

SETUP = """
from datetime import date, timedelta
from headway.accounts.models import Membership, User, Workspace
from headway.accounts.actions import create_token
from headway.kpis.models import KPI
from headway.okrs.models import Cycle, KeyResult, Objective
today = date.today()
ws = Workspace.objects.create(key="live", name="Live")
admin = User.objects.create(username="admin", email="admin@example.com")
owner = User.objects.create(username="owner", email="owner@example.com")
admin_m = Membership.objects.create(user=admin, workspace=ws, role="admin")
owner_m = Membership.objects.create(user=owner, workspace=ws, role="member")
cycle = Cycle.objects.create(workspace=ws, key="c", name="C", start=today - timedelta(days=30),
                             end=today + timedelta(days=60), state="active")
objective = Objective.objects.create(workspace=ws, key="O", title="Grow", cycle=cycle, owner=owner)
KeyResult.objects.create(workspace=ws, objective=objective, key="KR", title="Customers",
                         start=0, target=100, owner=owner)
KPI.objects.create(workspace=ws, key="uptime", name="Uptime", owner=owner,
                   direction="higher_is_better", target=99.9, green=99.5, red=99.0)
print(create_token(admin_m, actor=None)[1])
print(create_token(owner_m, actor=None)[1])
"""


def eventually(check: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("the worker did not deliver in time")
        time.sleep(0.2)


def queue_env() -> dict[str, str]:
    """Redis beside PostgreSQL, as deployed on several machines; SQLite's default otherwise."""
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return {}
    url = f"redis://127.0.0.1:6379/{QUEUE_DB}"
    redis.Redis.from_url(url).flushdb()
    return {"REDIS_URL": url}


def test_a_check_in_and_a_kpi_value_reach_their_people_once(tmp_path):
    today = date.today()
    with (
        smtp_server() as (smtp_port, mailbox),
        webhook_receiver() as (hook_url, hook),
        live_stack(
            tmp_path,
            SETUP,
            {
                "HEADWAY_EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
                "HEADWAY_EMAIL_FROM": "headway@example.com",
                "HEADWAY_WEBHOOK_ALLOW_PRIVATE": "true",
                **queue_env(),
            },
        ) as live,
        worker(live.env, tmp_path / "worker.log"),
    ):
        admin, owner = live.token, live.printed[1]
        # A first check-in passes 25 %, before the webhook exists (it gets no backlog).
        first = {"at": (today - timedelta(days=1)).isoformat(), "value": 30, "confidence": 7}
        assert call(live, admin, "POST", "/api/v1/key-results/KR/check-ins", first)[0] == 201
        eventually(lambda: milestones(live, owner) == [25])
        status, created = call(
            live,
            admin,
            "POST",
            "/api/v1/webhooks",
            {"url": hook_url, "events": ["key_result.milestone"], "format": "standard"},
        )
        assert status == 201, created
        hook.secret = created["secret"]

        check_in = {"at": today.isoformat(), "value": 55, "confidence": 7}
        assert call(live, admin, "POST", "/api/v1/key-results/KR/check-ins", check_in)[0] == 201
        eventually(lambda: len(hook.payloads) >= 1 and milestones(live, owner) == [50, 25])

        green = {"at": (today - timedelta(days=1)).isoformat(), "value": 99.8}
        red = {"at": today.isoformat(), "value": 90.0}
        assert call(live, admin, "POST", "/api/v1/kpis/uptime/values", [green])[0] == 200
        assert call(live, admin, "POST", "/api/v1/kpis/uptime/values", [red])[0] == 200
        eventually(lambda: len(mailbox.messages) >= 1)

        # The same check-in and value again: nothing new may come of them.
        assert call(live, admin, "POST", "/api/v1/key-results/KR/check-ins", check_in)[0] == 201
        assert call(live, admin, "POST", "/api/v1/kpis/uptime/values", [red])[0] == 200
        time.sleep(5)  # more than the worker needs to deliver anything queued

        assert hook.refused == []
        assert [p["type"] for p in hook.payloads] == ["key_result.milestone"]
        assert hook.payloads[0]["data"]["details"]["milestone"] == 50
        assert milestones(live, owner) == [50, 25]  # newest first, each once
        reds = [m for m in mailbox.messages if m["To"] == "owner@example.com"]
        assert len(reds) == 1, [m["Subject"] for m in mailbox.messages]
        assert "Uptime" in reds[0]["Subject"]
        assert reds[0]["List-Unsubscribe"]


def call(live: Live, token: str, method: str, path: str, body: object = None) -> tuple[int, dict]:
    return request(live.base, token, method, path, body)


def inbox(live: Live, token: str) -> list[dict]:
    status, answer = call(live, token, "GET", "/api/v1/notifications")
    assert status == 200, answer
    return answer["items"]


def milestones(live: Live, token: str) -> list[int]:
    """The key result milestones in the owner's inbox, newest first."""
    return [
        n["data"]["milestone"] for n in inbox(live, token) if n["kind"] == "key_result.milestone"
    ]
