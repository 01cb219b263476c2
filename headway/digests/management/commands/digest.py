"""`headway digest USERNAME --workspace KEY`: print a person's digest as it would be sent now,
without sending it or recording anything (docs/digests.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from headway.accounts.models import Membership
from headway.digests.sending import (
    kpi_review_message,
    retrospective_message,
    weekly_message,
)
from headway.okrs.models import Cycle

KINDS = ("weekly", "kpi_review", "retrospective")


class Command(BaseCommand):
    help = "Print a person's digest as it would be sent now (nothing is sent or recorded)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--workspace", required=True, help="the workspace's key")
        parser.add_argument("--kind", choices=KINDS, default="weekly")
        parser.add_argument("--cycle", help="the cycle's key (for --kind retrospective)")
        parser.add_argument("--html", action="store_true", help="print the HTML, not the text")

    def handle(self, *args: Any, **options: Any) -> None:
        membership = (
            Membership.objects.select_related("user", "workspace")
            .filter(user__username=options["username"], workspace__key=options["workspace"])
            .first()
        )
        if membership is None:
            raise CommandError(
                f"username: {options['username']!r} is not a member of workspace "
                f"{options['workspace']!r}"
            )
        kind, now = options["kind"], timezone.now()
        if kind == "weekly":
            message = weekly_message(membership, now)
        elif kind == "kpi_review":
            message = kpi_review_message(membership, now)
        else:
            cycle = Cycle.objects.filter(
                workspace=membership.workspace, key=options["cycle"] or ""
            ).first()
            if cycle is None:
                raise CommandError(f"cycle: no cycle {options['cycle']!r} in this workspace")
            message = retrospective_message(membership, cycle)
        if message is None:
            self.stdout.write("Nothing to tell: this digest would not be sent.")
            return
        self.stdout.write(f"Subject: {message.subject}\n\n")
        self.stdout.write(message.html if options["html"] else message.text)
