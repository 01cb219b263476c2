"""KPI ingestion benchmark: the API against a raw `executemany`, same rows, same database.

    python -m bench [--values 200000] [--batch 10000] [--postgres] [--sqlite-only]

For each database (SQLite always; PostgreSQL when DATABASE_URL points at it or --postgres is
given) a child process gets a fresh database, then
  1. posts N values through the API (POST /api/v1/kpis/{key}/values, one batch per KPI,
     in-process through Django's full request stack: auth, JSON parsing, validation, access
     check, the ingestion action with its history event), and
  2. inserts the same N rows for as many other KPIs with one `cursor.executemany` in one
     transaction: the fastest a Python program can put these rows into this table.
A KPI holds one value a day, dated from 2000 up to today (docs/scoring.md), so each batch goes
to its own KPI: its values are the `batch` days that end today.
It prints both rates and the ratio API / raw (docs/performance.md).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench import DEFAULT_PG, postgres_database, run_child

FIRST_DAY = date(2000, 1, 1)  # the earliest date a reading may carry


def rows_for(count: int, today: date) -> list[dict[str, object]]:
    """`count` daily values of one KPI, the last dated today."""
    start = today - timedelta(days=count - 1)
    if start < FIRST_DAY:
        raise SystemExit(f"--batch {count}: a KPI has at most {(today - FIRST_DAY).days + 1} days")
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

    from headway.accounts.actions import create_token
    from headway.accounts.models import Membership, User, Workspace
    from headway.core.timeutil import today_in
    from headway.kpis.models import KPI, KPIValue

    call_command("migrate", "--noinput", verbosity=0)
    workspace = Workspace.objects.create(key="bench", name="Bench")
    user = User.objects.create(username="bench")
    membership = Membership.objects.create(user=user, workspace=workspace, role="admin")
    token = create_token(membership, actor=None)[1]
    sizes = [min(batch, values - i) for i in range(0, values, batch)]
    batches = [rows_for(size, today_in(workspace.timezone)) for size in sizes]
    client = Client()
    headers = {"Authorization": f"Bearer {token}"}
    client.get("/api/v1/me", headers=headers)  # warm up: imports, URL resolver, connection
    table = KPIValue._meta.db_table
    sql = (
        f"INSERT INTO {table} (kpi_id, at, value, note, source, recorded_by_id, recorded_at) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s)"
    )

    # The least a table of readings needs: the same rows upserted into it by KPI and date.
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_minimal (id integer PRIMARY KEY, kpi_id bigint NOT NULL, "
            "at date NOT NULL, value double precision NOT NULL, note text NOT NULL, "
            "UNIQUE (kpi_id, at))"
        )
    minimal_sql = (
        "INSERT INTO bench_minimal (kpi_id, at, value, note) VALUES (%s, %s, %s, %s) "
        "ON CONFLICT (kpi_id, at) DO UPDATE SET value = excluded.value, note = excluded.note"
    )

    api_times, raw_times, minimal_times = [], [], []
    for round_ in range(rounds):
        api_keys = [f"api-{round_}-{n}" for n in range(len(batches))]
        raw_kpis = []
        for n, key in enumerate(api_keys):
            KPI.objects.create(workspace=workspace, key=key, name="API", target=1)
            raw_kpis.append(
                KPI.objects.create(workspace=workspace, key=f"raw-{round_}-{n}", name="R", target=1)
            )
        bodies = [json.dumps(items) for items in batches]

        started = time.perf_counter()
        for key, body in zip(api_keys, bodies, strict=True):
            response = client.post(
                f"/api/v1/kpis/{key}/values",
                body,
                content_type="application/json",
                headers=headers,
            )
            if response.status_code != 200:
                raise SystemExit(f"API answered {response.status_code}: {response.content[:300]!r}")
        api_times.append(time.perf_counter() - started)
        assert KPIValue.objects.filter(kpi__key__in=api_keys).count() == values

        now = timezone.now()
        params = [
            (kpi.pk, date.fromisoformat(str(i["at"])), i["value"], "", "raw", user.pk, now)
            for kpi, items in zip(raw_kpis, batches, strict=True)
            for i in items
        ]
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, params)
        raw_times.append(time.perf_counter() - started)
        assert KPIValue.objects.filter(kpi__in=raw_kpis).count() == values

        minimal = [
            (kpi_id + values * round_, at, value, note) for kpi_id, at, value, note, *_ in params
        ]
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(minimal_sql, minimal)
        minimal_times.append(time.perf_counter() - started)
    return {
        "vendor": connection.vendor,
        "values": values,
        "api_seconds": min(api_times),
        "raw_seconds": min(raw_times),
        "minimal_seconds": min(minimal_times),
        "api_all": api_times,
        "raw_all": raw_times,
    }


def ingestion_child(
    database_url: str, values: int, batch: int, rounds: int, data_dir: str
) -> dict[str, Any]:
    args = ["--child", "--values", str(values), "--batch", str(batch), "--rounds", str(rounds)]
    return run_child(args, database_url, data_dir)


def postgres_run(url: str, values: int, batch: int, rounds: int, data_dir: str) -> dict[str, Any]:
    with postgres_database(url) as database_url:
        return ingestion_child(database_url, values, batch, rounds, data_dir)


def main() -> None:
    if sys.argv[1:2] == ["scale"]:
        from bench import scale

        scale.main(sys.argv[2:])
        return
    if sys.argv[1:2] == ["writes"]:
        from bench import writes

        writes.main(sys.argv[2:])
        return
    if sys.argv[1:2] == ["load"]:
        from bench import load

        load.main(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--values", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=5_000, help="values per request and KPI")
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
        results.append(ingestion_child(sqlite_url, args.values, args.batch, args.rounds, tmp))
        if (on_postgres or args.postgres) and not args.sqlite_only:
            print("PostgreSQL...", flush=True)
            pg_url = url if on_postgres else DEFAULT_PG
            results.append(postgres_run(pg_url, args.values, args.batch, args.rounds, tmp))

    print()
    print("KPI ingestion: API (POST /kpis/{key}/values) vs raw executemany, same rows")
    header = f"{'database':<12}{'values':>10}{'API s':>9}{'API rows/s':>13}"
    header += f"{'raw s':>9}{'raw rows/s':>13}{'ratio':>8}{'minimal s':>11}{'ratio':>8}"
    print(header)
    print("-" * len(header))
    for r in results:
        api_rate = r["values"] / r["api_seconds"]
        raw_rate = r["values"] / r["raw_seconds"]
        minimal_rate = r["values"] / r["minimal_seconds"]
        print(
            f"{r['vendor']:<12}{r['values']:>10,}{r['api_seconds']:>9.2f}{api_rate:>13,.0f}"
            f"{r['raw_seconds']:>9.2f}{raw_rate:>13,.0f}{api_rate / raw_rate:>8.0%}"
            f"{r['minimal_seconds']:>11.2f}{api_rate / minimal_rate:>8.0%}"
        )
    print(
        f"\nbest of {args.rounds} alternating rounds; ratio = API rate / raw insert rate into the "
        "app's table (goal: >= 50%), then API rate / an upsert into a minimal table (id, kpi, "
        "at, value, note; unique kpi and at)"
    )
    for r in results:
        rounds = ", ".join(
            f"{a:.2f}/{b:.2f}" for a, b in zip(r["api_all"], r["raw_all"], strict=True)
        )
        print(f"  {r['vendor']} rounds, API s/raw s: {rounds}")


if __name__ == "__main__":
    main()
