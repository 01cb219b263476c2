"""One HTTP POST to a webhook's URL, guarded against server-side request forgery.

The host is resolved here, every address it resolves to must pass the domain rule
(`headway.domain.webhooks.address_refusal`), and the connection goes to the first checked
address, not to a second lookup of the name: a name that answers a public address to the check
and a private one to the connection (DNS rebinding) reaches nothing. TLS still checks the
certificate against the name. Redirects are not followed; the answer's body is read only up to
a short excerpt.
"""

from __future__ import annotations

import http.client
import socket
import ssl
from dataclasses import dataclass
from ipaddress import ip_address

from django.conf import settings

from headway.domain.webhooks import Address, Refused, Target, address_refusal, webhook_target

CONNECT_TIMEOUT = 5.0  # seconds to connect
READ_TIMEOUT = 10.0  # seconds for each read of the answer
EXCERPT = 200  # characters of an answer's body kept in the delivery log


class SendError(Exception):
    """No answer: the address was refused, the name did not resolve, or the network failed."""


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    excerpt: str


def allow_private() -> bool:
    return bool(settings.HEADWAY_WEBHOOK_ALLOW_PRIVATE)


def resolve(target: Target) -> list[Address]:
    """Every address the target's host has (one, when the URL names an address)."""
    if target.address is not None:
        return [target.address]
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise SendError(f"cannot resolve {target.host}: {error}") from error
    return [ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def checked_address(target: Target) -> Address:
    """The address to connect to: refused when any address of the host is."""
    addresses = resolve(target)
    for address in addresses:
        refusal = address_refusal(address, allow_private=allow_private())
        if refusal:
            raise SendError(f"refused: {target.host} resolves to {refusal}")
    if not addresses:
        raise SendError(f"cannot resolve {target.host}")
    return addresses[0]


class PinnedHTTPConnection(http.client.HTTPConnection):
    """Plain HTTP to a checked address, with the URL's host in the Host header."""

    def __init__(self, target: Target, address: Address) -> None:
        super().__init__(target.host, target.port, timeout=READ_TIMEOUT)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection(
            (str(self.address), self.port), timeout=CONNECT_TIMEOUT
        )
        self.sock.settimeout(READ_TIMEOUT)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a checked address; the certificate is verified against the URL's host."""

    def __init__(self, target: Target, address: Address) -> None:
        super().__init__(
            target.host, target.port, timeout=READ_TIMEOUT, context=ssl.create_default_context()
        )
        self.address = address

    def connect(self) -> None:
        raw = socket.create_connection((str(self.address), self.port), timeout=CONNECT_TIMEOUT)
        raw.settimeout(READ_TIMEOUT)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)  # type: ignore[attr-defined]


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """POST `body` to `url`; answer the status and the start of the body, or raise SendError."""
    try:
        target = webhook_target(url, allow_private=allow_private())
    except Refused as error:
        raise SendError(f"refused: the URL {error}") from error
    address = checked_address(target)
    connection: http.client.HTTPConnection = (
        PinnedHTTPSConnection(target, address)
        if target.scheme == "https"
        else PinnedHTTPConnection(target, address)
    )
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        excerpt = response.read(EXCERPT * 4).decode("utf-8", "replace")[:EXCERPT]
        return Answer(response.status, excerpt)
    except (OSError, http.client.HTTPException) as error:
        raise SendError(f"{type(error).__name__}: {error}"[:EXCERPT]) from error
    finally:
        connection.close()
