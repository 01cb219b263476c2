"""`headway restore BACKUP`: put a backup written by `headway backup` back in place."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from headway.accounts.models import User, Workspace
from headway.core.backup import BackupError, restore_postgresql, restore_sqlite
from headway.plans.management.commands import backup as backup_command
from headway.plans.management.commands.backup import secret_key_from_environment


class Command(BaseCommand):
    help = (
        "Restore a backup written by `headway backup` (checked first). Refuses to replace a "
        "database that holds data unless --force is given. Stop Headway first."
    )

    requires_system_checks: list[str] = []  # nothing may touch the database being replaced

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", help="the .sqlite3 (or, on PostgreSQL, .dump) file")
        parser.add_argument(
            "--force", action="store_true", help="replace a database that holds data"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        backup = Path(options["backup"])
        database = backup_command.database()
        try:
            if database["ENGINE"] == "django.db.backends.sqlite3":
                restore_sqlite(backup, Path(database["NAME"]), force=options["force"])
            elif database["ENGINE"] == "django.db.backends.postgresql":
                if not backup.is_file():
                    raise BackupError(f"{backup}: missing")
                if not options["force"] and self.holds_data():
                    raise BackupError(
                        "the database holds data: stop Headway and give --force to replace it"
                    )
                restore_postgresql(database, backup)
            else:
                raise BackupError(f"cannot restore into a {database['ENGINE']} database")
        except BackupError as error:
            raise CommandError(f"nothing was restored: {error}") from error
        self.stdout.write(f"database: restored from {backup} (checked)")
        key = backup.with_suffix(".secret_key")
        if not key.is_file():
            self.stdout.write("secret key: none beside the backup; sessions signed before end")
        elif secret_key_from_environment():
            self.stdout.write(f"secret key: set SECRET_KEY from {key} (the environment sets it)")
        else:
            target = Path(settings.DATA_DIR) / "secret_key"
            shutil.copyfile(key, target)
            target.chmod(0o600)
            self.stdout.write(f"secret key: {target}")
        self.stdout.write("next: headway migrate (brings an older backup up to this release)")

    def holds_data(self) -> bool:
        try:
            return User.objects.exists() or Workspace.objects.exists()
        except Exception:
            return False
