"""`headway figures check [--workspace KEY] [--repair]`: compare the stored figures of every
cycle with figures recomputed from the readings, and rebuild them on demand (okrs.figures;
docs/scoring.md, "Stored figures")."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from headway.accounts.models import Workspace
from headway.okrs.figures import KR_STORED, Mismatch, compare
from headway.okrs.models import Cycle


def shown(kind: str, value: object) -> str:
    """A stored or recomputed figure as printed: a key result's four figures by name."""
    if kind == "key_result" and isinstance(value, tuple):
        return " ".join(f"{name}={figure}" for name, figure in zip(KR_STORED, value, strict=True))
    return f"progress={value}"


def line(cycle: Cycle, mismatch: Mismatch) -> str:
    return (
        f"{cycle.workspace.key}/{cycle.key}\t{mismatch.kind}\t{mismatch.key}\t"
        f"stored {shown(mismatch.kind, mismatch.stored)}\t"
        f"recomputed {shown(mismatch.kind, mismatch.recomputed)}"
    )


class Command(BaseCommand):
    help = "Check the stored figures against figures recomputed from the readings."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        check = sub.add_parser(
            "check", help="Print each stored figure that differs; exit status 1 if any does."
        )
        check.add_argument("--workspace", help="key of the workspace (default: every workspace)")
        check.add_argument(
            "--repair",
            action="store_true",
            help="rebuild the figures that differ (one transaction)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        cycles = Cycle.objects.select_related("workspace").order_by("workspace__key", "key")
        if options["workspace"] is not None:
            if not Workspace.objects.filter(key=options["workspace"]).exists():
                raise CommandError(f"--workspace: unknown workspace {options['workspace']!r}")
            cycles = cycles.filter(workspace__key=options["workspace"])
        repair = options["repair"]
        found = 0
        with transaction.atomic():
            # Repairing locks the cycles as the actions do (ensure_open), so that no check-in
            # or key result edit lands between the recomputation and the write.
            checked = list(
                cycles.select_for_update(of=("self",), no_key=True) if repair else cycles
            )
            for cycle in checked:
                for mismatch in compare([cycle], repair=repair):
                    self.stdout.write(line(cycle, mismatch))
                    found += 1
        summary = f"{len(checked)} cycles checked: "
        if not found:
            self.stdout.write(summary + "the stored figures match the recomputed ones")
        elif repair:
            self.stdout.write(summary + f"{found} stored figures repaired")
        else:
            raise CommandError(
                summary + f"{found} stored figures differ from the recomputed ones "
                "(run `headway figures check --repair` to rebuild them)",
                returncode=1,
            )
