"""Which address a request came from, given how many proxies in front of Headway are trusted."""

from __future__ import annotations

import ipaddress


def parse_address(text: str) -> str | None:
    """An IPv4 or IPv6 address in its canonical form, or None.

    A proxy may write a port (`203.0.113.7:51234`, `[2001:db8::1]:443`); it is dropped.
    """
    text = text.strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def client_address(remote_addr: str, forwarded_for: str, trusted_proxies: int) -> str | None:
    """The client's address: `trusted_proxies` hops back along the chain of addresses.

    The chain is the `X-Forwarded-For` entries followed by the socket's peer (`remote_addr`).
    Each trusted proxy appends the address it received the request from, so with N trusted
    proxies the client is the (N+1)-th address from the right. Entries further left were
    written by the client itself and are ignored: nobody can pick their address by sending
    the header. With 0 trusted proxies the header is ignored entirely. A chain shorter than
    expected (a request that skipped a proxy) gives its leftmost address. An unreadable entry
    where the client should be falls back to the peer address.
    """
    if trusted_proxies <= 0 or not forwarded_for.strip():
        return parse_address(remote_addr)
    chain = [entry for entry in forwarded_for.split(",") if entry.strip()] + [remote_addr]
    entry = chain[max(0, len(chain) - 1 - trusted_proxies)]
    return parse_address(entry) or parse_address(remote_addr)
