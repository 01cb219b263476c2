"""A busy, read-only or full database: reads keep working, writes answer 503 + Retry-After.

Replays issue 9 items 14 and 15 against a real SQLite file in a separate process
(db_scenarios.py): the suite's own test database is in memory, which another connection can
neither lock nor open read-only.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError

from headway.core.database import BUSY, UNWRITABLE, classify

SECRET_KEY = "db-scenarios-" + uuid.uuid4().hex  # one for all runs: the session must stay valid
READS = ["api GET", "api GET list", "page GET", "page GET check-in"]
WRITES = ["api POST", "page POST", "session POST", "sign-in POST"]


def run(command: str, target: str, data_dir: Path, stdin: str = "") -> dict[str, Any]:
    env = {
        **os.environ,
        "HEADWAY_DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite:///{data_dir / 'seed.sqlite3'}",
        "HEADWAY_SQLITE_BUSY_TIMEOUT": "1",
        "HEADWAY_SECURE": "false",
        "HEADWAY_DEBUG": "false",
        "HEADWAY_MANIFEST_STATIC": "false",
        "SECRET_KEY": SECRET_KEY,
    }
    if command != "seed":
        env["DATABASE_URL"] = f"sqlite:///{target}"
    done = subprocess.run(
        [sys.executable, "-m", "headway.core.tests.db_scenarios", command, target],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A migrated database file with a user, a session, a token and a key result to check in on."""
    data_dir = tmp_path_factory.mktemp("seed")
    credentials = run("seed", str(data_dir / "seed.sqlite3"), data_dir)
    source = sqlite3.connect(data_dir / "seed.sqlite3")
    # a clean single file (WAL checkpointed) each test copies from
    source.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    source.close()
    return data_dir / "seed.sqlite3", json.dumps(credentials)


def copy(seed: Path, to: Path, *, vacuum: bool = False) -> Path:
    """A copy of the seed: an online backup (keeps WAL mode) or VACUUM INTO (rollback journal,
    as a database restored from such a backup is)."""
    source = sqlite3.connect(seed)
    if vacuum:
        source.execute("VACUUM INTO ?", (str(to),))
    else:
        target = sqlite3.connect(to)
        source.backup(target)
        target.close()
    source.close()
    return to


def assert_503(answer: dict[str, Any], *, api: bool, words: str) -> None:
    assert answer["status"] == 503, answer
    assert int(answer["retry_after"]) > 0
    if api:
        assert answer["type"].startswith("application/json")
        assert words in json.loads(answer["body"])["detail"]
    else:
        assert answer["type"].startswith("text/html")
        assert words in answer["body"]


class TestMigrate:
    @pytest.mark.slow
    def test_migrate_puts_the_database_in_wal_mode_once(self, seeded):
        db = sqlite3.connect(seeded[0])
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"

    def test_connections_set_nothing_that_writes(self, settings):
        # journal_mode=WAL on every connection failed every request on a read-only database
        options = settings.DATABASES["default"].get("OPTIONS", {})
        assert "journal_mode" not in options.get("init_command", "").lower()


@pytest.mark.slow
class TestWhileAnotherConnectionHoldsTheWriteLock:
    """Item 14: a long import holds SQLite's write lock; a token's last use must not fail reads."""

    @pytest.fixture(scope="class")
    def answers(self, seeded, tmp_path_factory):
        seed, credentials = seeded
        data_dir = tmp_path_factory.mktemp("busy")
        db = copy(seed, data_dir / "busy.sqlite3")
        return run("busy", str(db), data_dir, credentials)

    @pytest.mark.parametrize("name", READS)
    def test_reads_answer_200(self, answers, name):
        # the token's first use wants to write last_used_at: it gives up, the read goes on
        assert answers[name]["status"] == 200, answers[name]

    def test_an_api_write_answers_503_with_retry_after(self, answers):
        assert_503(answers["api POST"], api=True, words="busy")

    @pytest.mark.parametrize("name", ["page POST", "session POST", "sign-in POST"])
    def test_a_page_write_answers_503_with_retry_after(self, answers, name):
        assert_503(answers[name], api=False, words="busy")

    def test_nothing_was_written_and_writes_work_again_once_the_lock_is_free(self, answers):
        assert answers["check-ins stored while locked"] == 0
        assert answers["api POST after the lock"] == 201
        assert answers["last used recorded after the lock"] is True


@pytest.mark.slow
@pytest.mark.parametrize("vacuum", [False, True], ids=["wal", "rollback-journal"])
class TestReadOnlyDatabase:
    """Item 15: a read-only database (file, directory or disk) serves reads, refuses writes."""

    @pytest.fixture
    def answers(self, seeded, tmp_path, vacuum):
        seed, credentials = seeded
        db = copy(seed, tmp_path / "readonly.sqlite3", vacuum=vacuum)
        # mode=ro rather than chmod: the tests may run as root, who may write anyway
        return run("readonly", f"file:{db}?mode=ro", tmp_path, credentials)

    def test_reads_answer_200(self, answers):
        assert {name: answers[name]["status"] for name in READS} == dict.fromkeys(READS, 200)

    def test_writes_answer_503_and_say_why(self, answers):
        assert_503(answers["api POST"], api=True, words="read-only or its disk is full")
        for name in ["page POST", "session POST", "sign-in POST"]:
            assert_503(answers[name], api=False, words="read-only or its disk is full")


class TestClassify:
    def sqlite_error(self, code: int, message: str) -> OperationalError:
        cause = sqlite3.OperationalError(message)
        cause.sqlite_errorcode = code  # type: ignore[attr-defined]
        error = OperationalError(message)
        error.__cause__ = cause
        return error

    @pytest.mark.parametrize(
        ("code", "message", "expected"),
        [
            (5, "database is locked", BUSY),
            (6, "database table is locked", BUSY),
            (8, "attempt to write a readonly database", UNWRITABLE),
            (1032, "attempt to write a readonly database", UNWRITABLE),  # READONLY_DBMOVED
            (13, "database or disk is full", UNWRITABLE),
            (1, "no such table: x", None),
        ],
    )
    def test_sqlite_errors(self, code, message, expected):
        assert classify(self.sqlite_error(code, message)) is expected

    @pytest.mark.parametrize(
        ("sqlstate", "expected"),
        [("40P01", BUSY), ("40001", BUSY), ("25006", UNWRITABLE), ("53100", UNWRITABLE)],
    )
    def test_postgresql_errors(self, sqlstate, expected):
        cause = type("PgError", (Exception,), {"sqlstate": sqlstate})("x")
        error = OperationalError("x")
        error.__cause__ = cause
        assert classify(error) is expected

    def test_other_errors_stay_500s(self):
        assert classify(ValueError("database is locked")) is None
        assert classify(OperationalError("server closed the connection")) is None
