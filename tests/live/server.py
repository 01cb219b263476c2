"""A real Headway server for the live tests: gunicorn (3 workers) on 127.0.0.1, on its own
database (a SQLite file, or a dedicated PostgreSQL database when DATABASE_URL points at
PostgreSQL), set up by a script that prints an API token."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def request(base: str, token: str, method: str, path: str, body: object = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        base + path,
        data=data,
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, {"detail": error.read().decode(errors="replace")[:300]}


@contextmanager
def own_database(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a server on a database of its own, dropped afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    env = {
        **os.environ,
        "HEADWAY_DATA_DIR": str(tmp_path),
        "HEADWAY_SECURE": "false",
        "HEADWAY_DEBUG": "false",
        "SECRET_KEY": "live-test-" + uuid.uuid4().hex,
        "DJANGO_SETTINGS_MODULE": "headway.settings",
    }
    if not url.startswith(("postgres://", "postgresql://")):
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'live.sqlite3'}"
        yield env
        return
    import psycopg

    name = f"headway_live_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name
    try:
        yield env
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass(frozen=True)
class Live:
    """A running server: its address, the API token the setup printed, and its environment
    (for a worker or a command beside it)."""

    base: str
    token: str  # the first line the setup printed
    env: dict[str, str]
    printed: list[str]  # every line the setup printed (more tokens, say)


@contextmanager
def live_stack(
    tmp_path: Path, setup: str, extra_env: dict[str, str] | None = None
) -> Iterator[Live]:
    """A running server on a database of its own; `setup` is run after migrating and prints the
    token; `extra_env` is added to the server's environment."""
    with own_database(tmp_path) as env:
        env.update(extra_env or {})
        subprocess.run(
            [BIN / "headway", "migrate", "--noinput", "-v0"], env=env, check=True, timeout=120
        )
        printed = subprocess.run(
            [sys.executable, "-c", "import django; django.setup()\n" + setup],
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout.split()
        token = printed[0]
        port = free_port()
        server = subprocess.Popen(
            [BIN / "gunicorn", "headway.wsgi", "-w", "3", "-b", f"127.0.0.1:{port}", "-t", "60"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(base, token)
            yield Live(base, token, env, printed)
        finally:
            server.terminate()
            server.wait(timeout=20)


@contextmanager
def live_server(tmp_path: Path, setup: str) -> Iterator[tuple[str, str]]:
    """(base URL, API token) of a running server (see `live_stack`)."""
    with live_stack(tmp_path, setup) as live:
        yield live.base, live.token


def wait_for(base: str, token: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if request(base, token, "GET", "/api/v1/me")[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")
