"""`headway export --workspace KEY`: write a workspace out as a plan, with computed figures.

Without `--as-of` the export is a complete logical backup (every reading, the history); with
it, the workspace as it stood that day (docs/plan-file.md, "Exporting").
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from headway.accounts.models import Workspace
from headway.core.timeutil import today_in
from headway.plans.exporter import FORMATS, export_workspace, render


class Command(BaseCommand):
    help = (
        "Export a workspace as a plan file (YAML or JSON) with computed, read-only figures. "
        "Without --as-of: everything stored (a logical backup, history included)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", required=True, help="key of the workspace")
        parser.add_argument(
            "--as-of",
            help="date of the figures; leaves out readings after it and the history "
            "(default: today there, and everything stored)",
        )
        parser.add_argument("--format", choices=FORMATS, default="yaml")
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = Workspace.objects.filter(key=options["workspace"]).first()
        if workspace is None:
            raise CommandError(f"--workspace: unknown workspace {options['workspace']!r}")
        if options["as_of"]:
            try:
                as_of = date.fromisoformat(options["as_of"])
            except ValueError as error:
                raise CommandError("--as-of: must be a date (YYYY-MM-DD)") from error
        else:
            as_of = today_in(workspace.timezone)
        complete = not options["as_of"]
        data = export_workspace(workspace, as_of=as_of, complete=complete)
        text = render(data, options["format"])
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
