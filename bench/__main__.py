"""KPI ingestion benchmark: the API against a raw `executemany`, same rows, same database.

    python -m bench [--values 200000] [--batch 10000] [--postgres] [--sqlite-only]

For each database (SQLite always; PostgreSQL when DATABASE_URL points at it or --postgres is
given) a child process gets a fresh database, then
  1. posts N values for one KPI through the API (POST /api/v1/kpis/{key}/values, in batches,
     in-process through Django's full request stack: auth, JSON parsing, validation, access
     check, the ingestion action with its history event), and
  2. inserts the same N rows for a second KPI with one `cursor.executemany` in one
     transaction: the fastest a Python program can put these rows into this table.
It prints both rates and the ratio API / raw (docs/performance.md).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/headway"


def rows_for(count: int) -> list[dict[str, object]]:
    start = date(2000, 1, 1)
    return [
        {"at": (start + timedelta(days=n)).isoformat(), "value": float(n % 1000) + 0.5}
        for n in range(count)
    ]


def measure(values: int, batch: int, rounds: int) -> dict[str, float]:
    """Run inside a child process whose DATABASE_URL names a fresh, empty database."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from headway.accounts.models import Membership, User, Workspace
    from headway.accounts.tokens import create_token
    from headway.kpis.models import KPI, KPIValue

    call_command("migrate", "--noinput", verbosity=0)
    workspace = Workspace.objects.create(key="bench", name="Bench")
    user = User.objects.create(username="bench")
    membership = Membership.objects.create(user=user, workspace=workspace, role="admin")
    token = create_token(membership, actor=None)[1]
    items = rows_for(values)
    bodies = [json.dumps(items[i : i + batch]) for i in range(0, values, batch)]
    client = Client()
    headers = {"Authorization": f"Bearer {token}"}
    client.get("/api/v1/me", headers=headers)  # warm up: imports, URL resolver, connection
    table = KPIValue._meta.db_table
    sql = (
        f"INSERT INTO {table} (kpi_id, at, value, note, source, recorded_by_id, recorded_at) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s)"
    )

    api_times, raw_times = [], []
    for round_ in range(rounds):
        KPI.objects.create(workspace=workspace, key=f"api-{round_}", name="API", target=1)
        raw_kpi = KPI.objects.create(workspace=workspace, key=f"raw-{round_}", name="R", target=1)

        started = time.perf_counter()
        for body in bodies:
            response = client.post(
                f"/api/v1/kpis/api-{round_}/values",
                body,
                content_type="application/json",
                headers=headers,
            )
            if response.status_code != 200:
                raise SystemExit(f"API answered {response.status_code}: {response.content[:300]!r}")
        api_times.append(time.perf_counter() - started)
        assert KPIValue.objects.filter(kpi__key=f"api-{round_}").count() == values

        now = timezone.now()
        params = [
            (raw_kpi.pk, date.fromisoformat(str(i["at"])), i["value"], "", "raw", user.pk, now)
            for i in items
        ]
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, params)
        raw_times.append(time.perf_counter() - started)
        assert KPIValue.objects.filter(kpi=raw_kpi).count() == values
    return {
        "vendor": connection.vendor,
        "values": values,
        "api_seconds": min(api_times),
        "raw_seconds": min(raw_times),
        "api_all": api_times,
        "raw_all": raw_times,
    }


def run_child(
    database_url: str, values: int, batch: int, rounds: int, data_dir: str
) -> dict[str, Any]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "HEADWAY_DATA_DIR": data_dir,
        "HEADWAY_SECURE": "false",
        "HEADWAY_DEBUG": "false",
        "DJANGO_SETTINGS_MODULE": "headway.settings",
    }
    out = subprocess.run(
        [
            *(sys.executable, "-m", "bench", "--child"),
            *("--values", str(values), "--batch", str(batch), "--rounds", str(rounds)),
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def postgres_run(url: str, values: int, batch: int, rounds: int, data_dir: str) -> dict[str, Any]:
    import psycopg

    name = f"headway_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        return run_child(url.rsplit("/", 1)[0] + "/" + name, values, batch, rounds, data_dir)
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--values", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=2, help="best of N rounds (default 2)")
    parser.add_argument("--postgres", action="store_true", help="also run on PostgreSQL")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.values, args.batch, args.rounds)))
        return

    url = os.environ.get("DATABASE_URL", "")
    on_postgres = url.startswith(("postgres://", "postgresql://"))
    results = []
    with tempfile.TemporaryDirectory(prefix="headway-bench-") as tmp:
        sqlite_url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        print(f"SQLite: {args.values:,} values in batches of {args.batch:,}...", flush=True)
        results.append(run_child(sqlite_url, args.values, args.batch, args.rounds, tmp))
        if (on_postgres or args.postgres) and not args.sqlite_only:
            print("PostgreSQL...", flush=True)
            pg_url = url if on_postgres else DEFAULT_PG
            results.append(postgres_run(pg_url, args.values, args.batch, args.rounds, tmp))

    print()
    print("KPI ingestion: API (POST /kpis/{key}/values) vs raw executemany, same rows")
    header = f"{'database':<12}{'values':>10}{'API s':>9}{'API rows/s':>13}"
    header += f"{'raw s':>9}{'raw rows/s':>13}{'ratio':>8}"
    print(header)
    print("-" * len(header))
    for r in results:
        api_rate = r["values"] / r["api_seconds"]
        raw_rate = r["values"] / r["raw_seconds"]
        print(
            f"{r['vendor']:<12}{r['values']:>10,}{r['api_seconds']:>9.2f}{api_rate:>13,.0f}"
            f"{r['raw_seconds']:>9.2f}{raw_rate:>13,.0f}{api_rate / raw_rate:>8.0%}"
        )
    print(
        f"\nbest of {args.rounds} alternating rounds; ratio = API rate / raw insert rate "
        "(goal: >= 50%)"
    )
    for r in results:
        rounds = ", ".join(
            f"{a:.2f}/{b:.2f}" for a, b in zip(r["api_all"], r["raw_all"], strict=True)
        )
        print(f"  {r['vendor']} rounds, API s/raw s: {rounds}")


if __name__ == "__main__":
    main()
