"""Online backups of the SQLite database, checked, and restoring them (docs/deployment.md).

A file copy of a live SQLite database in WAL mode can miss committed data (NOTES.md, "Backup,
restore and migrations"), and `sqlite3 .backup` under load once left an empty file. So the copy
goes through SQLite's online backup API (Python's `Connection.backup`) in one step: one read
transaction, a consistent snapshot, while writers carry on (WAL mode). The copy is written
beside its final name, checked with `PRAGMA integrity_check`, and only then renamed, so a
backup file that exists is a good one. Restoring goes through the same API into the target
database (never a file copy over a database that may have a WAL file beside it).

On PostgreSQL, `pg_dump --format=custom` (checked by listing it with `pg_restore --list`) and
`pg_restore --single-transaction`. This module knows files and databases only; the `backup` and
`restore` commands add Django's settings and the secret key.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from datetime import datetime
from pathlib import Path

BUSY_TIMEOUT = 30.0  # seconds a backup or restore waits for a lock before giving up
# Tables a freshly migrated database fills on its own: rows there do not make it "hold data".
BOOKKEEPING = {"django_migrations", "django_content_type", "auth_permission", "sqlite_sequence"}


class BackupError(Exception):
    """A backup or restore that could not be done, and why (nothing was overwritten)."""


def connect(path: Path, *, mode: str) -> sqlite3.Connection:
    """A connection to an existing file (`ro` or `rw`) or a new one (`rwc`), with a busy timeout."""
    uri = f"{path.resolve().as_uri()}?mode={mode}"
    db = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT, isolation_level=None)
    db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
    return db


def check_copy(path: Path) -> int:
    """Raise BackupError unless `path` is an intact Headway database; return its table count."""
    if not path.is_file() or path.stat().st_size == 0:
        raise BackupError(f"{path}: missing or empty")
    try:
        with closing(connect(path, mode="ro")) as db:
            problems = [row[0] for row in db.execute("PRAGMA integrity_check")]
            tables = {
                row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path}: not a readable SQLite database ({error})") from error
    if problems != ["ok"]:
        raise BackupError(f"{path}: integrity check failed: {'; '.join(problems[:5])}")
    if "django_migrations" not in tables:
        raise BackupError(f"{path}: not a Headway database (no django_migrations table)")
    return len(tables)


def tables_with_rows(path: Path) -> list[str]:
    """The tables of the database at `path` that hold rows (bookkeeping tables aside)."""
    if not path.exists() or path.stat().st_size == 0:
        return []
    with closing(connect(path, mode="ro")) as db:
        names = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return [
            name
            for name in sorted(set(names) - BOOKKEEPING)
            if db.execute(f'SELECT 1 FROM "{name}" LIMIT 1').fetchone()  # noqa: S608 (names from sqlite_master)
        ]


def fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup_name(now: datetime) -> str:
    return f"headway-{now:%Y%m%d-%H%M%S}"


def backup_sqlite(source: Path, directory: Path, *, now: datetime) -> Path:
    """Copy the live database at `source` into `directory`; return the checked copy's path."""
    if not source.is_file():
        raise BackupError(f"{source}: no database there")
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{backup_name(now)}.sqlite3"
    if target.exists():
        raise BackupError(f"{target} exists already")
    partial = target.with_name(f"{target.name}.partial")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_CREAT | os.O_WRONLY, 0o600))  # it holds password hashes
    try:
        with (
            closing(connect(source, mode="rw")) as src,
            closing(connect(partial, mode="rwc")) as dst,
        ):
            # pages=-1: the whole database in one step, so concurrent writers cannot make it
            # restart (a step-wise backup starts over whenever another connection writes).
            src.backup(dst, pages=-1)
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        check_copy(partial)
        fsync(partial)
        partial.replace(target)
        fsync(directory)
    except sqlite3.Error as error:
        raise BackupError(f"backup of {source} failed: {error}") from error
    finally:
        partial.unlink(missing_ok=True)
    return target


def restore_sqlite(backup: Path, target: Path, *, force: bool) -> None:
    """Replace the database at `target` with the checked copy `backup`.

    Refuses (BackupError, nothing written) when the copy is damaged, or when `target` holds data
    and `force` is not given.
    """
    check_copy(backup)
    filled = tables_with_rows(target)
    if filled and not force:
        raise BackupError(
            f"{target} holds data ({len(filled)} tables with rows, e.g. {', '.join(filled[:3])}): "
            "stop Headway and give --force to replace it"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with (
            closing(connect(backup, mode="ro")) as src,
            closing(connect(target, mode="rwc")) as dst,
        ):
            src.backup(dst, pages=-1)
            dst.execute("PRAGMA journal_mode = WAL")
    except sqlite3.Error as error:
        raise BackupError(f"restore into {target} failed: {error}") from error
    check_copy(target)


# PostgreSQL: pg_dump / pg_restore do the work; these run them with the connection settings
# passed through the environment (never a password on the command line).


def pg_environment(database: dict[str, object]) -> dict[str, str]:
    names = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD"}
    env = {var: str(database[key]) for key, var in names.items() if database.get(key)}
    return {**os.environ, **env, "PGDATABASE": str(database["NAME"])}


def pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed here. Install the PostgreSQL client of your server's "
            "version (e.g. apt install postgresql-client), or back up on the database host: "
            "pg_dump --format=custom --file=headway.dump DBNAME, and restore with "
            "pg_restore --clean --if-exists --no-owner --single-transaction --dbname=DBNAME "
            "headway.dump"
        )
    return found


def run(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {result.stderr.strip()[:500]}")


def backup_postgresql(database: dict[str, object], directory: Path, *, now: datetime) -> Path:
    """pg_dump (custom format) into `directory`, checked by listing it with pg_restore."""
    env = pg_environment(database)
    dump, restore = pg_tool("pg_dump"), pg_tool("pg_restore")
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{backup_name(now)}.dump"
    if target.exists():
        raise BackupError(f"{target} exists already")
    partial = target.with_name(f"{target.name}.partial")
    os.close(os.open(partial, os.O_CREAT | os.O_WRONLY, 0o600))  # it holds password hashes
    try:
        run([dump, "--format=custom", "--no-owner", f"--file={partial}"], env)
        run([restore, "--list", str(partial)], env)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def restore_postgresql(database: dict[str, object], backup: Path) -> None:
    """pg_restore the dump into the database, in one transaction (all or nothing)."""
    env = pg_environment(database)
    restore = pg_tool("pg_restore")
    run([restore, "--list", str(backup)], env)
    run(
        [
            restore, "--clean", "--if-exists", "--no-owner", "--single-transaction",
            f"--dbname={database['NAME']}", str(backup),
        ],
        env,
    )  # fmt: skip
