"""`headway token create|revoke|list`: personal access tokens for the API (docs/api.md)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from headway.accounts.actions import create_token, revoke_token
from headway.accounts.models import ApiToken, Membership
from headway.accounts.tokens import find_token
from headway.core.errors import DomainError


def membership_of(workspace: str, username: str) -> Membership:
    membership = (
        Membership.objects.select_related("user", "workspace")
        .filter(workspace__key=workspace, user__username=username)
        .first()
    )
    if membership is None:
        raise CommandError(f"{username!r} is not a member of workspace {workspace!r}")
    return membership


class Command(BaseCommand):
    help = "Create, list or revoke API tokens. `create` prints only the token."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="Create a token and print it (shown only once).")
        create.add_argument("--workspace", required=True, help="Workspace key.")
        create.add_argument("--user", required=True, help="Username the token acts as.")
        create.add_argument("--name", default="", help="A label to recognise the token.")
        create.add_argument("--expires", type=int, default=None, help="Expire after DAYS days.")
        revoke = sub.add_parser("revoke", help="Revoke a token at once.")
        revoke.add_argument("--workspace", required=True, help="Workspace key.")
        revoke.add_argument("token", help="The token, or its prefix as `token list` shows it.")
        listing = sub.add_parser("list", help="List a workspace's tokens (prefixes only).")
        listing.add_argument("--workspace", required=True, help="Workspace key.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"do_{options['verb']}")(options)
        except DomainError as error:
            raise CommandError(error.message) from error

    def do_create(self, options: dict[str, Any]) -> None:
        membership = membership_of(options["workspace"], options["user"])
        _, raw = create_token(
            membership,
            actor=None,
            name=options["name"],
            expires_in_days=options["expires"],
            via="cli",
        )
        self.stdout.write(raw)

    def do_revoke(self, options: dict[str, Any]) -> None:
        workspace_membership = Membership.objects.filter(
            workspace__key=options["workspace"]
        ).first()
        if workspace_membership is None:
            raise CommandError(f"unknown workspace {options['workspace']!r}")
        token = revoke_token(
            find_token(workspace_membership, options["token"]), actor=None, via="cli"
        )
        self.stderr.write(f"revoked {token.prefix}…")

    def do_list(self, options: dict[str, Any]) -> None:
        tokens = ApiToken.objects.filter(workspace__key=options["workspace"]).select_related("user")
        for token in tokens.order_by("created_at"):
            state = "revoked" if token.revoked_at else ("active" if token.is_active else "expired")
            expires = token.expires_at.date().isoformat() if token.expires_at else "never"
            self.stdout.write(
                f"{token.prefix}\t{token.user.username}\t{token.name}\t{state}\texpires {expires}"
            )
