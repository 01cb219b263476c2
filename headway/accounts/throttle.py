"""What the sign-in throttle counts failures against: an account at a client address.

django-axes does the counting (settings.AXES_*); these two functions tell it who and where.
The scheme and its reasons are in docs/configuration.md ("Sign-in throttling").
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from headway.accounts.backends import find_account
from headway.domain.network import client_address


def account_key(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The account's username whatever was typed (username or email, any case).

    A name that designates no account is counted under its case-folded spelling, so guessing
    at unknown names is throttled the same way and does not reveal which names exist.
    """
    typed = (credentials or {}).get("username")
    if typed is None:
        typed = request.POST.get("username", "")
    typed = str(typed)
    user = find_account(typed)
    return user.get_username() if user is not None else typed.strip().casefold()


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, read through `HEADWAY_TRUSTED_PROXIES` proxies."""
    return client_address(
        request.META.get("REMOTE_ADDR", ""),
        request.META.get("HTTP_X_FORWARDED_FOR", ""),
        settings.HEADWAY_TRUSTED_PROXIES,
    )


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The 429 page of a paused sign-in, for every kind of request.

    axes' own answer to an XMLHttpRequest is JSON that carries the throttle's key, which is
    the account's username even when an email address was typed: that would tell a stranger
    which account an address belongs to. This page names nobody.
    """
    return render(request, "accounts/locked_out.html", status=429)
