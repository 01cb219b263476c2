"""Typed requests for pages: what the middleware adds to Django's HttpRequest."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.http import HttpRequest

from headway.accounts.models import Membership, User
from headway.core.timeutil import today_in

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails


class HtmxRequest(HttpRequest):
    """Any request once django-htmx's middleware ran."""

    htmx: HtmxDetails
    membership: Membership | None


class AuthenticatedRequest(HtmxRequest):
    """A signed-in member of a workspace (see pages.middleware.WorkspaceMiddleware)."""

    user: User
    membership: Membership


def today(membership: Membership) -> date:
    """Today in the workspace's time zone: the `as_of` of every figure on a page."""
    return today_in(membership.workspace.timezone)
