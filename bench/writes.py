"""API writes benchmark: objectives and key results created one request at a time, then check-ins.

    python -m bench writes [--objectives 1000]

The write half of issue 11's comparison with a peer OKR app (whose figures are the yardstick:
it cannot be installed from the package registries). In a child process on a fresh SQLite
database, signed in with an admin's API token, it creates `--objectives` objectives with 3 key
results each (POST /objectives, then 3 x POST /objectives/{key}/key-results), then one check-in
per key result (POST /key-results/{key}/check-ins), through Django's whole request stack in
process. It prints the total time of each phase and the mean time of a create request over the
first and the last tenth: a create that grows with the number of objectives already stored
shows as a ratio above 1.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench import run_child

KEY_RESULTS = 3


def measure(objectives: int) -> dict[str, Any]:
    """Run inside a child process whose DATABASE_URL names a fresh, empty database."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from headway.accounts.actions import create_token
    from headway.accounts.models import Membership, User, Workspace
    from headway.okrs.models import Cycle

    call_command("migrate", "--noinput", verbosity=0)
    today = date.today()
    workspace = Workspace.objects.create(key="writes", name="Writes")
    user = User.objects.create(username="writer")
    membership = Membership.objects.create(user=user, workspace=workspace, role="admin")
    Cycle.objects.create(
        workspace=workspace, key="now", name="Now", start=today - timedelta(days=30),
        end=today + timedelta(days=60), state="active",
    )  # fmt: skip
    token = create_token(membership, actor=None)[1]
    client = Client(headers={"Authorization": f"Bearer {token}"})
    client.get("/api/v1/me")  # warm up: imports, URL resolver, connection

    def post(path: str, body: dict[str, Any]) -> float:
        started = time.perf_counter()
        response = client.post(f"/api/v1{path}", json.dumps(body), content_type="application/json")
        took = time.perf_counter() - started
        if response.status_code != 201:
            raise SystemExit(f"{path}: {response.status_code} {response.content[:300]!r}")
        return took

    creates: list[float] = []
    for n in range(objectives):
        key = f"o{n:05d}"
        took = post("/objectives", {"key": key, "title": f"Objective {n}", "cycle": "now"})
        for k in range(KEY_RESULTS):
            body = {"key": f"{key}-kr{k}", "title": f"KR {k}", "start": 0, "target": 100}
            took += post(f"/objectives/{key}/key-results", body)
        creates.append(took)
    check_ins = 0.0
    for n in range(objectives):
        for k in range(KEY_RESULTS):
            body = {"value": 10 + k, "confidence": 7, "at": today.isoformat()}
            check_ins += post(f"/key-results/o{n:05d}-kr{k}/check-ins", body)
    tenth = max(1, objectives // 10)
    return {
        "objectives": objectives,
        "create_seconds": sum(creates),
        "first_tenth": statistics.mean(creates[:tenth]),
        "last_tenth": statistics.mean(creates[-tenth:]),
        "check_in_seconds": check_ins,
    }


def main(argv: list[str]) -> None:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m bench writes", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--objectives", type=int, default=1000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(args.objectives)))
        return
    with tempfile.TemporaryDirectory(prefix="headway-writes-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'writes.sqlite3'}"
        print(f"{args.objectives:,} objectives x {KEY_RESULTS} key results through the API...")
        r = run_child(["writes", "--child", "--objectives", str(args.objectives)], url, tmp)
    n = r["objectives"]
    print(
        f"\ncreate {n:,} objectives x {KEY_RESULTS} key results ({n * (KEY_RESULTS + 1):,} "
        f"requests): {r['create_seconds']:.1f} s"
    )
    print(
        f"  one objective with its key results: {r['first_tenth'] * 1000:.0f} ms in the first "
        f"tenth, {r['last_tenth'] * 1000:.0f} ms in the last "
        f"(ratio {r['last_tenth'] / r['first_tenth']:.1f}; 1.0 = independent of what is stored)"
    )
    print(f"{n * KEY_RESULTS:,} check-ins, one request each: {r['check_in_seconds']:.1f} s")
