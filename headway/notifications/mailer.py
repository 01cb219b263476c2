"""Sending e-mail (docs/notifications.md): one message to one person, in plain text with an
HTML alternative, with a signed one-click unsubscribe link for its kind and the List-Unsubscribe
headers mail clients act on (RFC 8058). The notifications and the digests both send through
`send_email`; `unsubscribe_token` / `read_unsubscribe_token` sign and check the link."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from headway.accounts.models import User, Workspace
from headway.domain.notify import KINDS, label

SALT = "headway.notifications.unsubscribe"
UNSUBSCRIBE_MAX_AGE = 180 * 24 * 3600  # seconds a link works: older mail asks to sign in


class NoAddress(ValueError):
    """The recipient has no e-mail address."""


@dataclass(frozen=True, slots=True)
class Unsubscribe:
    """What a valid unsubscribe link turns off: one kind's e-mail, for one person, in one
    workspace."""

    user_id: int
    workspace_id: int
    kind: str


def unsubscribe_token(user_id: int, workspace_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "w": workspace_id, "k": kind}, salt=SALT)


def read_unsubscribe_token(token: str) -> Unsubscribe:
    """The request a token carries; signing.BadSignature (SignatureExpired among them) when it
    was not signed here, was altered, or is too old."""
    data = signing.loads(token, salt=SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    if not isinstance(data, dict) or data.get("k") not in KINDS:
        raise signing.BadSignature("not an unsubscribe token")
    return Unsubscribe(int(data["u"]), int(data["w"]), str(data["k"]))


def absolute(path: str) -> str:
    """`path` on this install's address (HEADWAY_BASE_URL)."""
    return f"{settings.BASE_URL}{path}"


def unsubscribe_url(user_id: int, workspace_id: int, kind: str) -> str:
    token = unsubscribe_token(user_id, workspace_id, kind)
    return absolute(reverse("notifications:unsubscribe", args=[token]))


def send_email(
    recipient: User,
    *,
    workspace: Workspace,
    subject: str,
    text: str,
    html: str,
    kind: str,
) -> None:
    """Send one message to `recipient` now: `text` and `html` (a fragment: the body's content)
    with a footer saying why it came and how to stop it, the unsubscribe link for `kind` in
    `workspace`, and the List-Unsubscribe headers. Raises NoAddress for a person without an
    address, and what the mail backend raises when sending fails (the caller retries)."""
    if not recipient.email:
        raise NoAddress(f"{recipient.username} has no e-mail address")
    stop = unsubscribe_url(recipient.pk, workspace.pk, kind)
    settings_url = absolute(reverse("notifications:preferences"))
    why = f"You get this e-mail for “{label(kind)}” in {workspace.name}."
    message = EmailMultiAlternatives(
        subject=subject,
        body=f"{text.rstrip()}\n\n-- \n{why}\nStop these e-mails: {stop}\n"
        f"All your notification settings: {settings_url}\n",
        from_email=settings.HEADWAY_EMAIL_FROM,
        to=[recipient.email],
        headers={
            "List-Unsubscribe": f"<{stop}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(
        '<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">'
        f'{html}<hr><p style="color:#555;font-size:0.9em">{escape(why)} '
        f'<a href="{escape(stop)}">Stop these e-mails</a> · '
        f'<a href="{escape(settings_url)}">All your notification settings</a></p>'
        "</body></html>",
        "text/html",
    )
    message.send(fail_silently=False)
