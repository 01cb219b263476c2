"""`headway import PLAN.yaml`: create or update a workspace from a plan file."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from headway.accounts.models import User
from headway.plans.importer import check_size, import_plan
from headway.plans.schema import PlanError


class Command(BaseCommand):
    help = "Import a plan file (YAML or JSON): creates or updates by key, all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("plan", help="path to the plan file")
        parser.add_argument("--actor", help="username recorded as the author of the changes")
        parser.add_argument(
            "--restore",
            action="store_true",
            help="the file is a backup (headway export): keep readings dated after today",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["plan"])
        try:
            check_size(path.stat().st_size, str(path))
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from error
        except PlanError as error:
            raise CommandError(f"nothing was imported:\n{error}") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"{path}: not UTF-8 text ({error.reason})") from error
        actor = None
        if options["actor"]:
            actor = User.objects.filter(username=options["actor"]).first()
            if actor is None:
                raise CommandError(f"--actor: unknown user {options['actor']!r}")
        started = time.perf_counter()
        try:
            result = import_plan(text, filename=str(path), actor=actor, restore=options["restore"])
        except PlanError as error:
            raise CommandError(f"nothing was imported:\n{error}") from error
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"{path} → workspace {result.workspace.key}: {result.summary()} ({elapsed:.1f} s)"
        )
