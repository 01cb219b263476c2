"""Query counts of pages and API endpoints: the same at n and at 10 x n rows, and as recorded.

`query_counts.json` (beside this file) maps every entry below to its number of SQL queries. A
change in any count fails with a diff (entry: expected -> measured). To record a change on
purpose: `HEADWAY_UPDATE_QUERY_COUNTS=1 pytest -k query_counts` rewrites the file (see
docs/performance.md); review the diff of the file before committing it.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from headway.core.tests.api_fixtures import API, token_for
from headway.core.tests.factories import (
    CheckInFactory,
    DependencyFactory,
    InitiativeFactory,
    KeyResultFactory,
    KPIFactory,
    KPIValueFactory,
    ObjectiveFactory,
    TeamFactory,
)
from headway.core.tests.sample import populate
from headway.events.models import DomainEvent
from headway.kpis.models import KPI
from headway.notifications.models import Follow, Notification
from headway.okrs.models import KeyResult, Objective
from headway.webhooks.models import Webhook

BASELINE = Path(__file__).with_name("query_counts.json")
UPDATE = os.environ.get("HEADWAY_UPDATE_QUERY_COUNTS") == "1"


@dataclass(frozen=True)
class Entry:
    """One GET: a page (`/okrs/`) or an API path (`api /objectives?limit=100`), as a persona."""

    path: str
    persona: str = "member"
    rows: int | None = None  # for API lists: the answer's count is the data's rows plus this

    @property
    def name(self) -> str:
        return f"{self.path} as {self.persona}"


@dataclass(frozen=True)
class DataSet:
    """Rows `first..n-1` are added by `build(world, n, first)`; measured at n and at 10 x n."""

    name: str
    n: int
    build: Callable[[Any, int, int], None]
    entries: tuple[Entry, ...]


def objectives(world: Any, n: int, first: int) -> None:
    for i in range(first, n):
        objective = ObjectiveFactory(
            workspace=world.workspace,
            cycle=world.cycle,
            team=world.web,
            key=f"Q-{i:03}",
            owner=world.user("member"),
        )
        CheckInFactory(key_result=KeyResultFactory(objective=objective))


def key_results(world: Any, n: int, first: int) -> None:
    if first == 0:
        ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, key="O-1")
    objective = Objective.objects.get(workspace=world.workspace, key="O-1")
    for _ in range(first, n):
        CheckInFactory(key_result=KeyResultFactory(objective=objective))


def lists_without_figures(world: Any, n: int, first: int) -> None:
    if first == 0:
        objective = ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, key="O-1")
        KeyResultFactory(objective=objective, key="KR-1")
    objective = Objective.objects.get(workspace=world.workspace, key="O-1")
    kr = KeyResult.objects.get(objective=objective, key="KR-1")
    for i in range(first, n):
        CheckInFactory(
            key_result=kr, at=date(2026, 1, 1).replace(day=1 + i % 28, month=1 + i // 28)
        )
        other = ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, key=f"D-{i:03}")
        InitiativeFactory(objective=other, key_result=None)
        DependencyFactory(objective=objective, depends_on_objective=other)


def teams(world: Any, n: int, first: int) -> None:
    for _ in range(first, n):
        team = TeamFactory(workspace=world.workspace, parent=world.web, lead=world.user("lead"))
        team.members.add(world.user("member"), world.user("viewer"))


def kpis(world: Any, n: int, first: int) -> None:
    for i in range(first, n):
        KPIValueFactory(kpi=KPIFactory(workspace=world.workspace, team=world.web, key=f"k{i}"))


def webhooks(world: Any, n: int, first: int) -> None:
    for i in range(first, n):
        Webhook.objects.create(
            workspace=world.workspace,
            url=f"https://hooks.example.com/{i}",
            events=["*"],
            created_by=world.admin.user,
        )


def kpi_values(world: Any, n: int, first: int) -> None:
    if first == 0:
        KPIFactory(workspace=world.workspace, key="mrr", name="MRR", team=world.web)
    kpi = KPI.objects.get(workspace=world.workspace, key="mrr")
    for i in range(first, n):
        KPIValueFactory(kpi=kpi, at=date(2026, 1, 1) + timedelta(days=i))


def notifications(world: Any, n: int, first: int) -> None:
    """n events of n objectives the member hears of (half of them read) and follows."""
    for i in range(first, n):
        objective = ObjectiveFactory(
            workspace=world.workspace, cycle=world.cycle, team=world.web, key=f"N-{i:03}"
        )
        event = DomainEvent.objects.create(
            workspace=world.workspace, kind="objective.milestone", at=datetime.now(UTC),
            subject_type="objective", subject_id=objective.pk, subject_key=objective.key,
            title=objective.title, objective=objective, data={"milestone": 25}, fanned_out=True,
        )  # fmt: skip
        Notification.objects.create(
            workspace=world.workspace, recipient=world.user("member"), event=event,
            reason="follower", created=event.at, read_at=event.at if i % 2 else None,
        )  # fmt: skip
        Follow.objects.create(
            workspace=world.workspace, user=world.user("member"), objective=objective
        )


DATA_SETS = [
    # core/tests/sample.py: n objectives with key results, check-ins, initiatives,
    # dependencies, KPIs and events (the member owns them all, so every list is full)
    DataSet(
        "sample",
        10,
        lambda world, n, first: populate(world, n, first=first),
        (
            Entry("/"),
            Entry("/okrs/"),
            Entry("/okrs/?q=number&status=at_risk"),
            Entry("/okrs/tree/obj-1/"),
            Entry("/okrs/objectives/obj-1/"),
            Entry("/okrs/check-in/"),
            Entry("/okrs/review/"),
            Entry("/kpis/"),
            Entry("/kpis/?status=green&page=2"),
            Entry("/kpis/kpi-1/"),
            Entry("/teams/"),
            Entry("/teams/?open=web"),
            Entry("/teams/?q=we&page=2"),
            Entry("/teams/web/"),
            Entry("/settings/", "admin"),
            Entry("/settings/?q=a&page=2", "admin"),
            Entry("/okrs/review/", "admin"),
            Entry("/okrs/review/?page=2", "admin"),
            Entry("/okrs/review/?team=web"),
            Entry("/okrs/objectives/new/"),
            Entry("/okrs/objectives/obj-1/edit/"),
            Entry("/okrs/key-results/obj-1-kr0/edit/"),
            Entry("/kpis/new/"),
            Entry("/kpis/kpi-1/edit/"),
            Entry("/teams/web/edit/", "admin"),
            Entry("/okrs/pick/objectives/?q=o"),
            Entry("/okrs/pick/dependencies/?q=o&for=obj-1"),
            Entry("/teams/pick/people/?q=a"),
            Entry("/teams/pick/teams/?q=e"),
            Entry("/kpis/pick/kpis/?q=k"),
            Entry("/digests/"),
            Entry("/digests/", "lead"),
            Entry("api /me"),
            Entry("api /cycles?limit=100"),
            Entry("api /cycles/2026-q1"),
            Entry("api /objectives?limit=100&as_of=2026-02-15", rows=0),
            Entry("api /objectives/obj-1"),
            Entry("api /objectives/obj-1/key-results?limit=100"),
            Entry("api /key-results/obj-1-kr0"),
            Entry("api /key-results/obj-1-kr0/check-ins?limit=100"),
            Entry("api /initiatives?limit=100", rows=0),
            Entry("api /initiatives/init-1"),
            Entry("api /dependencies?limit=100"),
            Entry("api /teams?limit=100"),
            Entry("api /teams/web"),
            Entry("api /kpis?limit=100", rows=0),
            Entry("api /kpis/kpi-1"),
            Entry("api /kpis/kpi-1/values?limit=100"),
        ),
    ),
    # each API list with many rows of its own kind (these replace the hand-written counts of
    # okrs, teams and kpis tests/test_api.py)
    DataSet("objectives", 5, objectives, (Entry("api /objectives?limit=100", rows=0),)),
    DataSet(
        "key results", 5, key_results, (Entry("api /objectives/O-1/key-results?limit=100", rows=0),)
    ),
    DataSet(
        "check-ins, initiatives, dependencies",
        5,
        lists_without_figures,
        (
            Entry("api /cycles?limit=100"),
            Entry("api /key-results/KR-1/check-ins?limit=100", rows=0),
            Entry("api /initiatives?limit=100", rows=0),
            Entry("api /dependencies?limit=100", rows=0),
        ),
    ),
    DataSet(
        "notifications",
        5,
        notifications,
        (
            Entry("/notifications/"),
            Entry("/notifications/?unread=1&page=2"),
            Entry("/notifications/preferences/"),
            Entry("api /notifications?limit=100", rows=0),
            Entry("api /notifications/preferences"),
            Entry("api /follows?limit=100", rows=0),
        ),
    ),
    DataSet("teams", 5, teams, (Entry("api /teams?limit=100", "viewer", rows=3),)),
    DataSet("kpis", 5, kpis, (Entry("api /kpis?limit=100", "viewer", rows=0),)),
    DataSet(
        "kpi values", 5, kpi_values, (Entry("api /kpis/mrr/values?limit=100", "viewer", rows=0),)
    ),
    DataSet(
        "webhooks",
        5,
        webhooks,
        (Entry("/settings/webhooks/", "admin"), Entry("api /webhooks?limit=100", "admin", rows=0)),
    ),
]


def key(data: DataSet, entry: Entry) -> str:
    return f"{data.name}: {entry.name}"


class Measure:
    """One logged-in client per persona (API: with a token, used once before measuring)."""

    def __init__(self, world: Any) -> None:
        self.world = world
        self.clients: dict[tuple[bool, str], tuple[Client, dict[str, str]]] = {}

    def client(self, api: bool, persona: str) -> tuple[Client, dict[str, str]]:
        if (api, persona) not in self.clients:
            client, headers = Client(), {}
            if api:
                headers = {"Authorization": f"Bearer {token_for(getattr(self.world, persona))}"}
                client.get(f"{API}/me", headers=headers)  # last_used_at is written on first use
            else:
                client.force_login(self.world.user(persona))
            self.clients[api, persona] = client, headers
        return self.clients[api, persona]

    def __call__(self, entry: Entry, rows: int) -> int:
        api = entry.path.startswith("api ")
        client, headers = self.client(api, entry.persona)
        url = API + entry.path.removeprefix("api ") if api else entry.path
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, headers=headers)
        assert response.status_code == 200, (entry.name, response.status_code)
        if entry.rows is not None:
            assert response.json()["count"] == rows + entry.rows, entry.name
        return len(queries)


def read_baseline() -> dict[str, int]:
    return json.loads(BASELINE.read_text()) if BASELINE.exists() else {}


def rewrite(change: Callable[[dict[str, int]], dict[str, int]]) -> None:
    """Rewrite the file with `change(counts)` (locked: test processes may run in parallel)."""
    BASELINE.touch()
    with BASELINE.open("r+") as file:
        fcntl.flock(file, fcntl.LOCK_EX)
        text = file.read()
        counts = change(json.loads(text) if text else {})
        file.seek(0)
        file.truncate()
        file.write(json.dumps(dict(sorted(counts.items())), indent=2) + "\n")


def record(data: DataSet, measured: dict[str, int]) -> None:
    """Replace this data set's entries in the file."""
    rewrite(
        lambda counts: {k: v for k, v in counts.items() if k.split(": ")[0] != data.name} | measured
    )


@pytest.mark.django_db
# Frozen: a token is stamped at most once a minute (accounts.tokens.note_use), and under load
# a run could pass that minute and count the stamp.
@time_machine.travel(datetime(2026, 2, 15, 12, tzinfo=UTC), tick=False)
@pytest.mark.parametrize("data", DATA_SETS, ids=[data.name for data in DATA_SETS])
def test_query_counts_are_constant_and_as_recorded(world, data):
    measure = Measure(world)
    data.build(world, data.n, 0)
    small = {key(data, entry): measure(entry, data.n) for entry in data.entries}
    data.build(world, 10 * data.n, data.n)
    large = {key(data, entry): measure(entry, 10 * data.n) for entry in data.entries}
    grew = [f"  {k}: {small[k]} -> {large[k]}" for k in small if small[k] != large[k]]
    assert not grew, f"queries grow with the rows ({data.n} -> {10 * data.n}):\n" + "\n".join(grew)

    if UPDATE:
        record(data, small)
        return
    expected = read_baseline()
    changed = [
        f"  {k}: {expected.get(k, 'missing')} -> {small[k]}"
        for k in small
        if expected.get(k) != small[k]
    ]
    assert not changed, (
        f"query counts changed ({BASELINE.name}: expected -> measured):\n"
        + "\n".join(changed)
        + "\nIf intended: HEADWAY_UPDATE_QUERY_COUNTS=1 pytest -k query_counts"
    )


def test_query_counts_file_lists_exactly_the_measured_entries():
    known = {key(data, entry) for data in DATA_SETS for entry in data.entries}
    recorded = read_baseline()
    if UPDATE:
        rewrite(lambda counts: {k: v for k, v in counts.items() if k in known})
        return
    assert sorted(set(recorded) - known) == [], "stale entries in query_counts.json"
    assert sorted(known - set(recorded)) == [], "entries missing from query_counts.json"
