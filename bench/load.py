"""Load benchmark: concurrent API clients against gunicorn, every check-in accounted for.

    python -m bench load [--people 1000] [--seconds 30] [--clients 50] [--workers 4]
                         [--mixed-clients 8] [--mixed-workers 2] [--worker-class sync]

Issue 11's two concurrency tests, each on a fresh database holding the generated organisation
(bench/org.py), served by `gunicorn headway.wsgi` on 127.0.0.1:
  1. `--clients` clients against `--workers` workers on PostgreSQL (a new database, dropped
     afterwards). Goal: no error, nothing lost, p99/p50 <= 5.
  2. `--mixed-clients` clients against `--mixed-workers` workers on a SQLite file: the mixed
     test of the issue's comparison with a peer app, which served 208 requests/s.
Each client is one thread with one keep-alive connection and an API token of its own. It
alternates a check-in on a key result it owns (its own, so that the last value it sent on a
day is the one that must be stored) with a read: GET /objectives?limit=50, /objectives/{key},
/key-results/{key} in turn. Check-ins go to today and yesterday, so both new check-ins and
same-day replacements happen. Afterwards every key result's check-ins are read back: one per
day, the days the import gave plus the days posted, each with the last value posted.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench import DEFAULT_PG, child_env, postgres_database, run_child

PEER_REQUESTS_PER_SECOND = 208  # the peer app's mixed test in issue 11 (8 clients, 2 workers)
CHECK_IN = "POST check-in"
READS = ("GET objectives?limit=50", "GET objective", "GET key result")


def setup(people: int, clients: int) -> dict[str, Any]:
    """Run inside a child process whose DATABASE_URL names a fresh, empty database: import the
    organisation, give `clients` owners of objectives a token each."""
    import django

    django.setup()
    from django.core.management import call_command

    from bench.org import organisation
    from headway.accounts.actions import create_token
    from headway.accounts.models import Membership
    from headway.core.timeutil import today_in
    from headway.plans.importer import import_plan

    call_command("migrate", "--noinput", verbosity=0)
    plan, _ = organisation(people, date.today())
    started = time.perf_counter()
    import_plan(json.dumps(plan), filename=f"org-{people}.json")
    import_seconds = time.perf_counter() - started

    first_objective: dict[str, dict[str, Any]] = {}  # owner -> the first objective they own
    for objective in plan["objectives"]:
        first_objective.setdefault(objective["owner"], objective)
    if len(first_objective) < clients:
        raise SystemExit(f"--people {people}: only {len(first_objective)} owners of objectives")
    members = Membership.objects.select_related("user", "workspace")
    by_user = {m.user.username: m for m in members.filter(user__username__in=first_objective)}
    owners = sorted(first_objective)[:clients]
    return {
        "objectives": len(plan["objectives"]),
        "import_seconds": import_seconds,
        "today": today_in(plan["workspace"]["timezone"]).isoformat(),
        "cycle_start": plan["cycles"][0]["start"],
        "clients": [
            {
                "token": create_token(by_user[owner], actor=None)[1],
                "objective": first_objective[owner]["key"],
                "key_results": [kr["key"] for kr in first_objective[owner]["key_results"]],
            }
            for owner in owners
        ],
    }


class Connection:
    """One client's keep-alive HTTP connection, reopened when the server closes it."""

    def __init__(self, port: int, token: str) -> None:
        self.http = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def send(self, method: str, path: str, body: object = None) -> tuple[int, bytes]:
        data = json.dumps(body).encode() if body is not None else None
        try:
            self.http.request(method, "/api/v1" + path, data, self.headers)
            response = self.http.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            self.http.close()
            raise


@dataclass
class Client:
    """One simulated user: its requests' outcomes and every check-in it sent."""

    port: int
    token: str
    objective: str
    key_results: list[str]
    days: list[str]
    offset: int  # where in the check-in/read alternation this client starts
    samples: list[tuple[str, float, int]] = field(default_factory=list)  # kind, seconds, status
    errors: list[str] = field(default_factory=list)
    sent: list[tuple[str, str, float, bool]] = field(default_factory=list)  # kr, day, value, ok

    def check_in(self, k: int) -> tuple[str, dict[str, Any]]:
        """The k-th check-in: each key result in turn, each day in turn, the value k."""
        kr = self.key_results[k % len(self.key_results)]
        day = self.days[(k // len(self.key_results)) % len(self.days)]
        return kr, {"value": float(k), "confidence": 7, "at": day}

    def read(self, k: int) -> tuple[str, str]:
        """The k-th read: (kind, path), each kind in turn."""
        kind = READS[k % len(READS)]
        paths = {
            READS[0]: "/objectives?limit=50",
            READS[1]: f"/objectives/{self.objective}",
            READS[2]: f"/key-results/{self.key_results[0]}",
        }
        return kind, paths[kind]

    def run(self, deadline: float) -> None:
        connection = Connection(self.port, self.token)
        n = self.offset
        while time.monotonic() < deadline:
            body: dict[str, Any] | None = None
            if n % 2 == 0:
                kr, body = self.check_in(n // 2)
                kind, method, path = CHECK_IN, "POST", f"/key-results/{kr}/check-ins"
            else:
                (kind, path), method = self.read(n // 2), "GET"
            started = time.perf_counter()
            try:
                status, answer = connection.send(method, path, body)
            except (OSError, http.client.HTTPException) as error:
                status, answer = 0, repr(error).encode()
                time.sleep(0.05)  # the server may be gone: don't spin
            self.samples.append((kind, time.perf_counter() - started, status))
            ok = 200 <= status < 300
            if not ok:
                self.errors.append(f"{kind} {status}: {answer[:200].decode(errors='replace')}")
            if body is not None:
                self.sent.append((kr, body["at"], body["value"], ok))
            n += 1


Stored = dict[str, list[tuple[str, float]]]  # key result -> its check-ins' (day, value)


def stored_check_ins(port: int, client: dict[str, Any]) -> Stored:
    """The check-ins of the client's key results, as the API answers them now."""
    connection = Connection(port, client["token"])
    stored = {}
    for kr in client["key_results"]:
        status, answer = connection.send("GET", f"/key-results/{kr}/check-ins?limit=1000")
        page = json.loads(answer) if status == 200 else {}
        if status != 200 or page["count"] != len(page["items"]):
            raise SystemExit(f"reading the check-ins of {kr}: {status} {answer[:200]!r}")
        stored[kr] = [(item["at"], item["value"]) for item in page["items"]]
    return stored


def lost(before: Stored, after: Stored, sent: list[tuple[str, str, float, bool]]) -> list[str]:
    """What the stored check-ins miss or hold wrongly, given what was there and what was sent.

    A day must hold the last value answered 2xx (else the imported one), or a value sent after
    it that failed: the server may have stored that before the failure.
    """
    outcomes: dict[tuple[str, str], tuple[float | None, set[float]]] = {}
    for kr, day, value, ok in sent:
        last, failed = outcomes.get((kr, day), (dict(before[kr]).get(day), set()))
        outcomes[kr, day] = (value, set()) if ok else (last, failed | {value})
    problems = []
    for kr, rows in after.items():
        days = dict(rows)
        if len(days) != len(rows):
            problems.append(f"{kr}: more than one check-in on a day: {sorted(rows)}")
        mine = {day: o for (k, day), o in outcomes.items() if k == kr}
        maybe = {d for d, (last, _) in mine.items() if last is None}  # only failures sent
        required = {day for day, _ in before[kr]} | (set(mine) - maybe)
        if not required <= set(days) <= required | maybe:
            problems.append(f"{kr}: stored days {sorted(days)}, expected {sorted(required)}")
        for day, value in days.items():
            last, failed = mine.get(day, (dict(before[kr]).get(day), set()))
            if value != last and value not in failed:
                problems.append(f"{kr} {day}: stored {value}, last sent {last}")
    return problems


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def gunicorn(env: dict[str, str], workers: int, worker_class: str, log: Path) -> Iterator[int]:
    """The port of a running `gunicorn headway.wsgi`, stopped on leaving."""
    port = free_port()
    command = [
        str(Path(sys.executable).parent / "gunicorn"), "headway.wsgi", "-w", str(workers),
        "-k", worker_class, "-b", f"127.0.0.1:{port}", "--no-control-socket",
    ]  # fmt: skip
    with log.open("w") as out:
        server = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    tail = log.read_text()[-2000:]
                    raise SystemExit(f"gunicorn did not start:\n{tail}") from None
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def load(
    database_url: str, data_dir: str, args: argparse.Namespace, clients: int, workers: int
) -> dict[str, Any]:
    """Set up the database, serve it, run `clients` for `args.seconds`, check what was stored."""
    info = run_child(
        ["load", "--child", "--people", str(args.people), "--clients", str(clients)],
        database_url, data_dir,
    )  # fmt: skip
    today = date.fromisoformat(info["today"])
    days = [d.isoformat() for d in (today, today - timedelta(days=1))]
    days = [d for d in days if d >= info["cycle_start"]]
    log = Path(data_dir) / f"gunicorn-{workers}.log"
    with gunicorn(child_env(database_url, data_dir), workers, args.worker_class, log) as port:
        warm = [Connection(port, c["token"]) for c in info["clients"][: 2 * workers]]
        threads = [
            threading.Thread(target=c.send, args=("GET", "/objectives?limit=50")) for c in warm
        ]  # every worker's first request (imports, URL resolver, connection) is not measured
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        before = {}
        for c in info["clients"]:
            before.update(stored_check_ins(port, c))
        runners = [
            Client(port, c["token"], c["objective"], c["key_results"], days, offset=n % 2)
            for n, c in enumerate(info["clients"])
        ]
        started = time.monotonic()
        deadline = started + args.seconds
        threads = [threading.Thread(target=r.run, args=(deadline,)) for r in runners]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        after = {}
        for c in info["clients"]:
            after.update(stored_check_ins(port, c))
    sent = [s for r in runners for s in r.sent]
    return {
        **{k: info[k] for k in ("objectives", "import_seconds")},
        "clients": clients,
        "workers": workers,
        "elapsed": elapsed,
        "samples": [s for r in runners for s in r.samples],
        "errors": [e for r in runners for e in r.errors],
        "check_ins": len(sent),
        "key_results": len(after),
        "lost": lost(before, after, sent),
    }


def percentile(ordered: list[float], p: float) -> float:
    """Nearest-rank percentile of sorted values."""
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def report(title: str, r: dict[str, Any]) -> float:
    """Print the table of one run; answer p99/p50 of all requests (its last row)."""
    print(f"\n{title}")
    print(
        f"  {r['clients']} clients, gunicorn {r['workers']} workers, {r['elapsed']:.1f} s; "
        f"{r['objectives']:,} objectives (imported in {r['import_seconds']:.1f} s)"
    )
    header = f"  {'request':<26}{'count':>7}{'errors':>8}{'req/s':>8}"
    header += "".join(f"{h:>9}" for h in ("p50 ms", "p90 ms", "p99 ms", "max ms", "p99/p50"))
    print(header)
    print("  " + "-" * (len(header) - 2))
    ratio = 0.0
    for kind in (CHECK_IN, *READS, "all"):
        rows = [s for s in r["samples"] if kind in ("all", s[0])]
        if not rows:
            continue
        times = sorted(s[1] * 1000 for s in rows)
        errors = sum(1 for s in rows if not 200 <= s[2] < 300)
        p50, p99 = percentile(times, 50), percentile(times, 99)
        ratio = p99 / p50
        cells = "".join(f"{v:>9.0f}" for v in (p50, percentile(times, 90), p99, times[-1]))
        print(
            f"  {kind:<26}{len(rows):>7}{errors:>8}{len(rows) / r['elapsed']:>8.1f}{cells}"
            f"{ratio:>9.1f}"
        )
    for error, count in Counter(r["errors"]).most_common(5):
        print(f"  error x{count}: {error}")
    held = "nothing lost" if not r["lost"] else f"{len(r['lost'])} LOST OR WRONG"
    print(
        f"  check-ins: {r['check_ins']} sent to {r['key_results']} key results; read back: {held}"
    )
    for problem in r["lost"][:5]:
        print(f"    {problem}")
    return ratio


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench load", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--people", type=int, default=1000, help="size of the organisation")
    parser.add_argument("--seconds", type=float, default=30, help="duration of each test")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--mixed-clients", type=int, default=8)
    parser.add_argument("--mixed-workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync", help="gunicorn's -k (sync, gthread)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(setup(args.people, args.clients)))
        return

    url = os.environ.get("DATABASE_URL", "")
    pg_url = url if url.startswith(("postgres://", "postgresql://")) else DEFAULT_PG
    with tempfile.TemporaryDirectory(prefix="headway-load-") as tmp:
        print(f"PostgreSQL, {args.people:,} people: importing, then {args.clients} clients...")
        with postgres_database(pg_url) as database_url:
            concurrent = load(database_url, tmp, args, args.clients, args.workers)
    with tempfile.TemporaryDirectory(prefix="headway-load-") as tmp:
        print(f"SQLite, {args.people:,} people: importing, then {args.mixed_clients} clients...")
        sqlite_url = f"sqlite:///{Path(tmp) / 'load.sqlite3'}"
        mixed = load(sqlite_url, tmp, args, args.mixed_clients, args.mixed_workers)

    ratio = report(f"Concurrent clients on PostgreSQL ({args.worker_class} workers)", concurrent)
    errors = len(concurrent["errors"])
    verdict = "met" if not errors and not concurrent["lost"] and ratio <= 5 else "NOT met"
    print(
        f"  goal (no error, nothing lost, p99/p50 <= 5): {verdict} ({errors} errors, "
        f"p99/p50 {ratio:.1f})"
    )
    report(f"Mixed load on SQLite ({args.worker_class} workers)", mixed)
    rate = len(mixed["samples"]) / mixed["elapsed"]
    print(
        f"  throughput {rate:.1f} req/s; the peer app: {PEER_REQUESTS_PER_SECOND} req/s "
        f"(ratio {rate / PEER_REQUESTS_PER_SECOND:.2f})"
    )
