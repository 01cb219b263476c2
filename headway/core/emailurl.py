"""HEADWAY_EMAIL_URL: how Headway sends e-mail, as one URL (docs/configuration.md).

`smtp://user:pass@host:25` (plain), `smtp+tls://…:587` (STARTTLS), `smtp+ssl://…:465` (TLS
from the first byte), `console://` (print each message: the default, so `make run` shows its
mail). User and password may be percent-encoded. dj-email-url names these schemes differently
(`smtps`, `submission`), so the few lines are ours, with errors that name the setting.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

CONSOLE = "django.core.mail.backends.console.EmailBackend"
SMTP = "django.core.mail.backends.smtp.EmailBackend"
DEFAULT_PORTS = {"smtp": 25, "smtp+tls": 587, "smtp+ssl": 465}


def email_settings(url: str) -> dict[str, Any]:
    """The Django e-mail settings (EMAIL_BACKEND, EMAIL_HOST, …) that `url` describes; a
    ValueError naming HEADWAY_EMAIL_URL for anything else."""
    if not url:
        return {"EMAIL_BACKEND": CONSOLE}
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "console":
        return {"EMAIL_BACKEND": CONSOLE}
    if scheme not in DEFAULT_PORTS:
        raise ValueError(
            "HEADWAY_EMAIL_URL must start with smtp://, smtp+tls://, smtp+ssl:// or console://, "
            f"not {parts.scheme + '://' if parts.scheme else repr(url)}"
        )
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError as error:
        raise ValueError(f"HEADWAY_EMAIL_URL has a port that is not a number: {error}") from None
    if not parts.hostname:
        raise ValueError("HEADWAY_EMAIL_URL names no host (smtp://user:pass@host:587)")
    return {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": scheme == "smtp+tls",
        "EMAIL_USE_SSL": scheme == "smtp+ssl",
        "EMAIL_TIMEOUT": 20,
    }
