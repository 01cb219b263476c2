"""Outbound webhooks (docs/webhooks.md): which addresses a webhook may reach (the guard against
server-side request forgery), how a delivery attempt's answer is judged, and when to retry.

Plain rules: no clock, no network. The caller resolves a host name and passes the addresses;
the same rule runs when a webhook is saved (on the URL as written) and before every attempt
(on each address the name resolves to then, and the connection goes to the address checked).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address
from urllib.parse import urlsplit

from headway.domain.types import Choice


class Format(Choice):
    """What a delivery's body looks like: Standard Webhooks (signed JSON), or a chat message."""

    STANDARD = "standard"
    SLACK = "slack"
    TEAMS = "teams"


ALL_KINDS = "*"  # subscribes to every event kind, those added later included
TEST_KIND = "webhook.test"  # the kind of the ping sent by "Send a test"
MAX_URL = 2000

# Waits before each retry: attempt 1 is at once, attempt 2 a minute after the first failed,
# ..., attempt 6 eight hours after the fifth; about 10 h 36 min from first try to giving up.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=8),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
DISABLE_AFTER = 5  # deliveries in a row that failed for good disable their webhook

Address = IPv4Address | IPv6Address

# Never reachable, even with HEADWAY_WEBHOOK_ALLOW_PRIVATE: "this network", link-local (cloud
# metadata services answer at 169.254.169.254), multicast, and the reserved ranges.
_NEVER_V4 = tuple(
    IPv4Network(n)
    for n in (
        "0.0.0.0/8",
        "169.254.0.0/16",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
    )
)
# Reachable only with HEADWAY_WEBHOOK_ALLOW_PRIVATE: loopback, private, carrier-grade NAT.
_PRIVATE_V4 = tuple(
    IPv4Network(n)
    for n in ("127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")
)
_NAT64 = IPv6Network("64:ff9b::/96")
_PRIVATE_V6 = (IPv6Network("fc00::/7"), IPv6Network("fec0::/10"))


class Refused(ValueError):
    """A webhook URL or address that Headway will not send to, with the reason."""


def address_refusal(address: Address, *, allow_private: bool) -> str | None:
    """Why a webhook may not connect to `address`, or None when it may.

    Public unicast addresses are allowed. Loopback, private (RFC 1918, unique local) and
    carrier-grade NAT addresses are allowed only with `allow_private`. Unspecified, link-local,
    multicast, documentation and reserved addresses never are. An IPv6 address that carries an
    IPv4 one (IPv4-mapped, NAT64, 6to4) is judged by the IPv4 address it reaches.
    """
    if isinstance(address, IPv6Address):
        embedded = _embedded_v4(address)
        if embedded is not None:
            return address_refusal(embedded, allow_private=allow_private)
        return _v6_refusal(address, allow_private=allow_private)
    if any(address in net for net in _NEVER_V4):
        return f"{address} is a reserved, link-local or multicast address"
    if any(address in net for net in _PRIVATE_V4):
        return None if allow_private else f"{address} is a private or loopback address"
    if not address.is_global:
        return f"{address} is not a public address"
    return None


def _embedded_v4(address: IPv6Address) -> IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _v6_refusal(address: IPv6Address, *, allow_private: bool) -> str | None:
    if address.is_unspecified or address.is_link_local or address.is_multicast:
        return f"{address} is an unspecified, link-local or multicast address"
    if address.is_loopback or any(address in net for net in _PRIVATE_V6):
        return None if allow_private else f"{address} is a private or loopback address"
    if address.teredo is not None or not address.is_global:
        return f"{address} is not a public address"
    return None


@dataclass(frozen=True, slots=True)
class Target:
    """Where a webhook URL points: what to connect to, and what to ask for there."""

    scheme: str  # http or https
    host: str  # a name, or an address without brackets
    port: int
    path: str  # the path and query sent in the request line

    @property
    def address(self) -> Address | None:
        """The host as an address, when the URL names one rather than a name."""
        try:
            return ip_address(self.host)
        except ValueError:
            return None


def webhook_target(url: str, *, allow_private: bool) -> Target:
    """Check a webhook URL as written and answer where it points, or raise Refused.

    https only; plain http too with `allow_private` (a receiver on the same machine or
    network). No user name or password in the URL. A host written as an address must pass
    `address_refusal`; the names `localhost` and `*.localhost` count as loopback. A name is
    checked again, resolved, before every attempt (`address_refusal` on each address).
    """
    if len(url) > MAX_URL:
        raise Refused(f"must be at most {MAX_URL} characters")
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise Refused(f"is not a valid URL ({error})") from error
    allowed = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in allowed:
        raise Refused("must start with https://" if not allow_private else "must be http or https")
    if parts.username is not None or parts.password is not None:
        raise Refused("must not contain a user name or password")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise Refused("must name a host")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    target = Target(parts.scheme, host, port or (443 if parts.scheme == "https" else 80), path)
    address = target.address
    if address is not None:
        refusal = address_refusal(address, allow_private=allow_private)
        if refusal:
            raise Refused(f"may not point at {refusal.split(' is ', 1)[1]} ({address})")
    elif not allow_private and (host == "localhost" or host.endswith(".localhost")):
        raise Refused("may not point at a loopback address (localhost)")
    return target


class Outcome(Enum):
    """What an attempt's answer means for its delivery."""

    SUCCEEDED = "succeeded"
    RETRY = "retry"  # a network error, a timeout, 408, 429 or 5xx: try again later
    FAILED = "failed"  # any other answer (3xx, 4xx): the receiver refused it; no retry
    GONE = "gone"  # 410: the receiver asks for the webhook to be removed: disable it


def outcome(status: int | None) -> Outcome:
    """Judge one attempt by its HTTP status (None: no answer, a network error or timeout).
    Redirects are not followed, so a 3xx is a failure."""
    if status is None or status in (408, 429) or 500 <= status <= 599:
        return Outcome.RETRY
    if 200 <= status <= 299:
        return Outcome.SUCCEEDED
    if status == 410:
        return Outcome.GONE
    return Outcome.FAILED


def retry_delay(attempts: int) -> timedelta | None:
    """How long to wait after the `attempts`-th attempt failed and may be retried; None when
    that was the last one allowed (MAX_ATTEMPTS)."""
    if 1 <= attempts <= len(RETRY_DELAYS):
        return RETRY_DELAYS[attempts - 1]
    return None


def subscribed(events: list[str], kind: str) -> bool:
    """Whether a webhook subscribed to `events` (event kinds, or ALL_KINDS) hears `kind`."""
    return ALL_KINDS in events or kind in events
