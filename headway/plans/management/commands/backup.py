"""`headway backup DIR`: an online, checked copy of the database and the secret key."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from headway.core.backup import BackupError, backup_name, backup_postgresql, backup_sqlite
from headway.plans.management.commands import backup as current


def database() -> dict[str, Any]:
    """The settings of the database to back up or restore (Django's default one)."""
    return dict(settings.DATABASES["default"])


def secret_key_from_environment() -> bool:
    return bool(os.environ.get("SECRET_KEY") or os.environ.get("SECRET_KEY_FILE"))


class Command(BaseCommand):
    help = (
        "Back up the database into DIR while Headway runs: SQLite's online backup, checked with "
        "PRAGMA integrity_check (pg_dump on PostgreSQL), and the secret key file beside it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", help="where to write the backup (created if missing)")

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["directory"])
        database = current.database()
        now = datetime.now(UTC)
        try:
            if database["ENGINE"] == "django.db.backends.sqlite3":
                copy = backup_sqlite(Path(database["NAME"]), directory, now=now)
            elif database["ENGINE"] == "django.db.backends.postgresql":
                copy = backup_postgresql(database, directory, now=now)
            else:
                raise BackupError(f"cannot back up a {database['ENGINE']} database")
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"database: {copy} ({copy.stat().st_size:,} bytes, checked)")
        key = Path(settings.DATA_DIR) / "secret_key"
        if secret_key_from_environment():
            self.stdout.write(
                "secret key: set through SECRET_KEY / SECRET_KEY_FILE; keep that with the backup"
            )
        elif key.is_file():
            target = directory / f"{backup_name(now)}.secret_key"
            shutil.copyfile(key, target)
            target.chmod(0o600)
            self.stdout.write(f"secret key: {target}")
