"""Sign in with a username or an email address."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from headway.accounts.models import User


def find_account(login: str) -> User | None:
    """The account a sign-in name designates, whatever its spelling, or None.

    An email address matches case-insensitively (as the backend signs in with it); a username
    matches exactly, else case-insensitively. The login throttle keys on this account, so
    `liam@x`, `Liam@x` and `LIAM@x` all count against the same person.
    """
    login = login.strip()
    if not login:
        return None
    if "@" in login:
        user = User.objects.filter(email__iexact=login).order_by("pk").first()
        if user is not None:
            return user
    exact = User.objects.filter(username=login).first()
    return exact or User.objects.filter(username__iexact=login).order_by("pk").first()


class UsernameOrEmailBackend(ModelBackend):
    """ModelBackend that also accepts the (case-insensitive) email address as the username."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username and "@" in username:
            user = User.objects.filter(email__iexact=username).order_by("pk").first()
            if user is not None:
                username = user.get_username()
        return super().authenticate(request, username=username, password=password, **kwargs)
