"""Scale benchmark: the same pages and API answers at 1,000 and at 10,000 people.

    python -m bench scale [--people 1000,10000] [--runs 3] [--rounds 3]

For each size a child process gets a fresh SQLite database and imports the generated
organisation (bench/org.py). Then, `rounds` times, the sizes take turns: a child process for
each, signed in as a team lead (the admin for Settings), requests each page and endpoint once to
warm up, then `runs` times.
It prints the median server time of each at every size, the ratio largest/smallest, the query
counts and the bytes sent, and how the pages of one thing compare with a bare Django view that
reads one objective and its key results (bench/urls.py) in the same run (docs/performance.md).
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import Any

from bench import run_child

# (label, URL, who asks: "lead" or "admin"); {team} and {objective} are the lead's.
REQUESTS = [
    ("bare view (baseline)", "/bench/bare/{objective}/", "lead"),
    ("My focus", "/", "lead"),
    ("Check-in", "/okrs/check-in/", "lead"),
    ("One objective", "/okrs/objectives/{objective}/", "lead"),
    ("One team", "/teams/{team}/", "lead"),
    ("One KPI", "/kpis/{kpi}/", "lead"),
    ("OKR tree", "/okrs/", "lead"),
    ("OKR tree, a branch open", "/okrs/tree/{objective}/", "lead"),
    ("Cycle review", "/okrs/review/", "lead"),
    ("KPI board", "/kpis/", "lead"),
    ("Teams", "/teams/", "lead"),
    ("Teams, a department open", "/teams/?open={department}", "lead"),
    ("Settings", "/settings/", "admin"),
    ("New objective (form)", "/okrs/objectives/new/", "lead"),
    ("Edit objective (form)", "/okrs/objectives/{objective}/edit/", "lead"),
    ("New KPI (form)", "/kpis/new/", "lead"),
    ("Edit team (form)", "/teams/{team}/edit/", "admin"),
    ("Picker: objectives ?q=e", "/okrs/pick/objectives/?q=e", "lead"),
    ("Picker: objectives ?q=zzzz", "/okrs/pick/objectives/?q=zzzz", "lead"),
    ("Picker: people ?q=a", "/teams/pick/people/?q=a", "lead"),
    ("Picker: people ?q=zzzz", "/teams/pick/people/?q=zzzz", "lead"),
    ("GET /api/v1/objectives?limit=50", "/api/v1/objectives?limit=50", "lead"),
    ("GET /api/v1/objectives/{key}", "/api/v1/objectives/{objective}", "lead"),
    ("GET /api/v1/key-results/{key}", "/api/v1/key-results/{objective}-kr1", "lead"),
]
PLAIN_STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"
ONE_THING = {"My focus", "Check-in", "One objective", "One team", "One KPI"}


def load(people: int) -> dict[str, Any]:
    """Run inside a child process whose DATABASE_URL names a fresh, empty database: import the
    organisation and answer who asks for what. The requests are timed in another process: the
    import leaves a large heap behind, which made every request of this process slower (the
    bare view's time grew 1.7 times from 1,000 to 10,000 people)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.org import organisation
    from headway.plans.importer import import_plan

    call_command("migrate", "--noinput", verbosity=0)
    plan, leads = organisation(people, date.today())
    started = time.perf_counter()
    import_plan(json.dumps(plan), filename=f"org-{people}.json")
    import_seconds = time.perf_counter() - started
    lead = leads[len(leads) // 2]
    team, department = next(
        (t["key"], t["parent"])
        for t in plan["teams"]
        if t.get("lead") == lead and t["kind"] == "team"
    )
    keys = {"team": team, "department": department}
    keys |= {"objective": f"{team}-o01", "kpi": f"{team}-kpi"}
    return {
        "vendor": connection.vendor,
        "objectives": len(plan["objectives"]),
        "import_seconds": import_seconds,
        "users": {"lead": lead, "admin": plan["users"][0]["username"]},
        "keys": keys,
    }


def measure(runs: int, loaded: dict[str, Any]) -> dict[str, Any]:
    """Run inside a child process whose database `load` filled: time each request."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from headway.accounts.models import User

    keys = loaded["keys"]
    clients = {}
    for who, username in loaded["users"].items():
        clients[who] = Client()
        clients[who].force_login(User.objects.get(username=username))
    rows = []
    # Served as in production, but without collectstatic's manifest: asset URLs unhashed.
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STATIC}}
    with override_settings(ROOT_URLCONF="bench.urls", STORAGES=storages):
        for label, url, who in REQUESTS:
            url = url.format(**keys)
            client = clients[who]
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url}: {response.status_code} {response.content[:300]!r}")
            times = []
            for _ in range(runs):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(url)
                    times.append(time.perf_counter() - started)
            rows.append(
                {
                    "label": label,
                    "times": times,
                    "queries": len(queries),
                    "bytes": len(response.content),
                }
            )
    return {"rows": rows}


def report(results: list[dict[str, Any]]) -> None:
    small, large = results[0], results[-1]
    print()
    sizes = " / ".join(f"{r['people']:,}" for r in results)
    print(f"Scale: {sizes} people ({small['vendor']}); median of the runs, server side")
    for r in results:
        size = f"{r['people']:,} people, {r['objectives']:,} objectives"
        print(f"  {size}: import {r['import_seconds']:.1f} s")
    header = f"{'page or endpoint':<34}" + "".join(f"{r['people']:>9,}p s" for r in results)
    header += f"{'ratio':>8}{'queries':>12}{'KB':>9}{'vs bare':>9}"
    print(header)
    print("-" * len(header))
    bare = {r["people"]: r["rows"][0]["seconds"] for r in results}
    for n, row in enumerate(small["rows"]):
        big = large["rows"][n]
        cells = "".join(f"{r['rows'][n]['seconds']:>11.3f}" for r in results)
        queries = "/".join(str(r["rows"][n]["queries"]) for r in (small, large))
        versus = big["seconds"] / bare[large["people"]]
        mark = " *" if row["label"] in ONE_THING else ""
        print(
            f"{row['label']:<34}{cells}{big['seconds'] / row['seconds']:>8.1f}"
            f"{queries:>12}{big['bytes'] / 1024:>9.0f}{versus:>8.1f}x{mark}"
        )
    print(
        "\nratio = time at the largest size / time at the smallest (goal <= 1.5); queries at "
        "both sizes; KB sent at the largest (goal <= 300); vs bare = time / the bare view's, "
        "at the largest size (* pages of one thing: a small factor)"
    )


def main(argv: list[str]) -> None:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m bench scale", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--people", default="1000,10000", help="sizes, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="requests a round (default 3)")
    parser.add_argument("--rounds", type=int, default=3, help="turns of the sizes (default 3)")
    parser.add_argument("--load", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.load:
        print(json.dumps(load(args.load)))
        return
    if args.measure:
        print(json.dumps(measure(args.runs, json.loads(args.measure))))
        return
    sizes = [int(n) for n in args.people.split(",")]
    with ExitStack() as stack:
        databases = {}
        for people in sizes:
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="headway-scale-"))
            url = f"sqlite:///{Path(tmp) / 'scale.sqlite3'}"
            print(f"{people:,} people: generating, importing...", flush=True)
            databases[people] = url, tmp, run_child(["scale", "--load", str(people)], url, tmp)
        # The sizes take turns, so that a change in the machine's load falls on both.
        rounds: dict[int, list[list[dict[str, Any]]]] = {people: [] for people in sizes}
        for turn in range(args.rounds):
            print(f"requesting, round {turn + 1} of {args.rounds}...", flush=True)
            for people, (url, tmp, loaded) in databases.items():
                measured = ["scale", "--measure", json.dumps(loaded), "--runs", str(args.runs)]
                rounds[people].append(run_child(measured, url, tmp)["rows"])
    report(
        [
            loaded | {"people": people, "rows": merged(rounds[people])}
            for people, (_, _, loaded) in databases.items()
        ]
    )


def merged(rounds: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Each request's median time over the runs of every round (queries and bytes: the last)."""
    return [
        rows[-1] | {"seconds": statistics.median(t for row in rows for t in row["times"])}
        for rows in zip(*rounds, strict=True)
    ]
