"""`headway backup` / `headway restore`: checked copies, also while check-ins are being written."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from headway.core import backup
from headway.core.backup import BackupError, backup_sqlite, check_copy, restore_sqlite
from headway.plans.importer import import_plan
from headway.plans.management.commands import backup as backup_command
from headway.plans.tests.helpers import SMALL

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the SQLite online backup (PostgreSQL uses pg_dump)"
)
NOW = datetime(2026, 2, 20, 9, 30, tzinfo=UTC)


def headway(*args: str, database: Path, data_dir: Path) -> str:
    """Run the real `headway` command against the SQLite file `database`."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "HEADWAY_DATA_DIR": str(data_dir),
        "HEADWAY_DEV": "1",
    }
    result = subprocess.run(
        [sys.executable, "-m", "headway", *args], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def live(transactional_db, tmp_path) -> Path:
    """A migrated SQLite file in WAL mode holding the small plan, as a running instance has."""
    import_plan(SMALL)
    path = tmp_path / "live.sqlite3"
    connection.ensure_connection()
    with closing(sqlite3.connect(path)) as target:
        connection.connection.backup(target)
        target.execute("PRAGMA journal_mode = WAL")
    return path


class CheckInWriter(threading.Thread):
    """Writes check-ins into the live file, one transaction each, until stopped."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.written = 0
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with closing(sqlite3.connect(self.path, timeout=30, isolation_level=None)) as db:
                # Copy an existing check-in's columns (whatever the release adds), new date.
                columns = [row[1] for row in db.execute("PRAGMA table_info(okrs_checkin)")]
                copied = [c for c in columns if c not in {"id", "at"}]
                select = ["?" if c == "key_result_id" else c for c in copied]
                krs = [row[0] for row in db.execute("SELECT id FROM okrs_keyresult ORDER BY id")]
                template = db.execute("SELECT id FROM okrs_checkin LIMIT 1").fetchone()[0]
                day = date(2026, 4, 1)
                while not self.stop.is_set():
                    for kr in krs:
                        db.execute(
                            f"INSERT INTO okrs_checkin (at, {', '.join(copied)}) "
                            f"SELECT ?, {', '.join(select)} "
                            "FROM okrs_checkin WHERE id = ?",
                            (day.isoformat(), kr, template),
                        )
                        self.written += 1
                    day += timedelta(days=1)
        except BaseException as error:
            self.error = error

    def wait_for(self, rows: int) -> None:
        deadline = datetime.now() + timedelta(seconds=30)
        while self.written < rows and self.error is None and datetime.now() < deadline:
            threading.Event().wait(0.005)
        assert self.error is None
        assert self.written >= rows


def count(path: Path) -> int:
    with closing(sqlite3.connect(path)) as db:
        return int(db.execute("SELECT count(*) FROM okrs_checkin").fetchone()[0])


@sqlite_only
class TestBackupUnderWrites:
    @pytest.mark.slow  # ten copies under a writing thread, then two `headway export` processes
    def test_each_copy_is_intact_and_restores_to_the_same_export(self, live, tmp_path):
        writer = CheckInWriter(live)
        writer.start()
        copies = []
        try:
            for n in range(10):
                writer.wait_for(writer.written + 20)
                before = count(live)
                copy = backup_sqlite(live, tmp_path / f"backups-{n}", now=NOW)
                writer.wait_for(writer.written + 20)
                assert before <= count(copy) < count(live)  # a snapshot taken mid-write
                copies.append(copy)
        finally:
            writer.stop.set()
            writer.join()
        assert writer.error is None
        for copy in copies:
            check_copy(copy)  # PRAGMA integrity_check: ok
            assert copy.stat().st_mode & 0o777 == 0o600
        restored = tmp_path / "restored" / "headway.sqlite3"
        restore_sqlite(copies[-1], restored, force=False)
        exports = [
            headway("export", "--workspace", "acme", database=db, data_dir=tmp_path / "data")
            for db in (copies[-1], restored)
        ]
        assert exports[0] == exports[1]
        assert "key: web-cdn" in exports[0]

    def test_a_copy_that_fails_its_check_is_not_kept(self, live, tmp_path, monkeypatch):
        def broken(path: Path) -> int:
            raise BackupError(f"{path}: integrity check failed: page 3 is never used")

        monkeypatch.setattr(backup, "check_copy", broken)
        with pytest.raises(BackupError, match="integrity check failed"):
            backup_sqlite(live, tmp_path / "backups", now=NOW)
        assert list((tmp_path / "backups").iterdir()) == []


@sqlite_only
class TestRestore:
    def test_it_refuses_to_replace_a_database_that_holds_data(self, live, tmp_path):
        copy = backup_sqlite(live, tmp_path / "backups", now=NOW)
        with pytest.raises(BackupError, match=r"holds data .* give --force"):
            restore_sqlite(copy, live, force=False)
        restore_sqlite(copy, live, force=True)
        assert count(live) == count(copy)

    def test_it_refuses_a_damaged_or_empty_copy(self, live, tmp_path):
        copy = backup_sqlite(live, tmp_path / "backups", now=NOW)
        data = bytearray(copy.read_bytes())
        data[len(data) // 2 : len(data) // 2 + 4096] = b"\xff" * 4096
        copy.write_bytes(bytes(data))
        target = tmp_path / "new" / "headway.sqlite3"
        with pytest.raises(BackupError):
            restore_sqlite(copy, target, force=False)
        empty = tmp_path / "empty.sqlite3"
        empty.touch()
        with pytest.raises(BackupError, match="missing or empty"):
            restore_sqlite(empty, target, force=False)
        assert not target.exists()


def point_at(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """The commands back up and restore `path` (the test database itself stays untouched)."""
    settings = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}
    monkeypatch.setattr(backup_command, "database", lambda: settings)


@sqlite_only
class TestCommands:
    def test_backup_writes_the_copy_and_the_secret_key(self, live, tmp_path, settings, monkeypatch):
        point_at(monkeypatch, live)
        settings.DATA_DIR = tmp_path / "data"
        settings.DATA_DIR.mkdir()
        (settings.DATA_DIR / "secret_key").write_text("s3cret")
        out = StringIO()
        call_command("backup", str(tmp_path / "backups"), stdout=out)
        (key,) = (tmp_path / "backups").glob("*.secret_key")
        (copy,) = (tmp_path / "backups").glob("*.sqlite3")
        assert key.read_text() == "s3cret"
        assert key.stat().st_mode & 0o777 == 0o600
        assert key.stem == copy.stem
        assert f"database: {copy}" in out.getvalue()

    def test_restore_refuses_without_force_and_writes_nothing(self, live, tmp_path, monkeypatch):
        copy = backup_sqlite(live, tmp_path / "backups", now=NOW)
        point_at(monkeypatch, live)
        with pytest.raises(CommandError, match=r"nothing was restored: .* holds data"):
            call_command("restore", str(copy), stdout=StringIO())

    def test_restore_puts_the_copy_and_its_secret_key_in_place(
        self, live, tmp_path, settings, monkeypatch
    ):
        copy = backup_sqlite(live, tmp_path / "backups", now=NOW)
        copy.with_suffix(".secret_key").write_text("old-key")
        target = tmp_path / "new" / "headway.sqlite3"
        point_at(monkeypatch, target)
        monkeypatch.delenv("SECRET_KEY", raising=False)
        monkeypatch.delenv("SECRET_KEY_FILE", raising=False)
        settings.DATA_DIR = tmp_path / "new"
        out = StringIO()
        call_command("restore", str(copy), stdout=out)
        assert count(target) == count(copy)
        assert (tmp_path / "new" / "secret_key").read_text() == "old-key"
        assert "next: headway migrate" in out.getvalue()


class TestPostgreSQL:
    def test_without_the_client_tools_it_says_what_to_run(self, tmp_path, monkeypatch):
        monkeypatch.setattr(backup.shutil, "which", lambda name: None)
        database = {"ENGINE": "django.db.backends.postgresql", "NAME": "headway"}
        with pytest.raises(BackupError) as raised:
            backup.backup_postgresql(database, tmp_path, now=NOW)
        assert "pg_dump is not installed here" in str(raised.value)
        assert "pg_dump --format=custom" in str(raised.value)
        assert list(tmp_path.iterdir()) == []

    def test_the_password_goes_through_the_environment(self):
        database = {"NAME": "hw", "HOST": "db", "PORT": 5432, "USER": "u", "PASSWORD": "pw"}
        env = backup.pg_environment(database)
        assert (env["PGHOST"], env["PGPORT"], env["PGUSER"]) == ("db", "5432", "u")
        assert (env["PGPASSWORD"], env["PGDATABASE"]) == ("pw", "hw")
