"""Benchmarks (`make bench`): each compares Headway with a baseline measured in the same run."""

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/headway"


def child_env(database_url: str, data_dir: str) -> dict[str, str]:
    """The environment of a Headway process (a benchmark child or a server) on this database."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "HEADWAY_DATA_DIR": data_dir,
        "HEADWAY_SECURE": "false",
        "HEADWAY_DEBUG": "false",
        "DJANGO_SETTINGS_MODULE": "headway.settings",
    }


def run_child(args: list[str], database_url: str, data_dir: str) -> dict[str, Any]:
    """Run `python -m bench ARGS` on a fresh database; answer the JSON its last line prints."""
    command = [sys.executable, "-m", "bench", *args]
    env = child_env(database_url, data_dir)
    out = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


@contextmanager
def postgres_database(url: str) -> Iterator[str]:
    """The URL of a new, uniquely named database on `url`'s server, dropped on leaving
    (created from the server's `postgres` database: `url`'s own need not exist)."""
    import psycopg

    server = url.rsplit("/", 1)[0]
    name = f"headway_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
