"""The client's address is read through exactly the trusted proxies, never from the client."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from headway.domain.network import client_address, parse_address

CLIENT, PROXY, EDGE = "198.51.100.7", "10.0.0.2", "10.0.0.1"


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "expected"),
    [
        (CLIENT, "", 0, CLIENT),
        (PROXY, CLIENT, 0, PROXY),  # no trusted proxy: the header is anybody's word
        (PROXY, CLIENT, 1, CLIENT),
        (PROXY, f"6.6.6.6, {CLIENT}", 1, CLIENT),  # the client's own entry is ignored
        (PROXY, f"6.6.6.6, {CLIENT}, {EDGE}", 2, CLIENT),
        (PROXY, CLIENT, 3, CLIENT),  # a shorter chain than expected: its leftmost address
        (PROXY, "", 1, PROXY),  # reached directly
        (PROXY, "not-an-address", 1, PROXY),
        (PROXY, "203.0.113.5:51234", 1, "203.0.113.5"),
        (PROXY, "[2001:DB8::1]:443", 1, "2001:db8::1"),
        ("", "", 0, None),
    ],
)
def test_client_address(remote, forwarded, trusted, expected):
    assert client_address(remote, forwarded, trusted) == expected


def test_parse_address_drops_ports_and_refuses_garbage():
    assert parse_address(" 2001:db8::1 ") == "2001:db8::1"
    assert parse_address("unknown") is None


ADDRESSES = st.ip_addresses().map(str)


@given(
    client=ADDRESSES,
    proxies=st.lists(ADDRESSES, min_size=1, max_size=4),
    spoofed=st.lists(st.one_of(ADDRESSES, st.text(max_size=20)), max_size=4),
)
def test_whatever_the_client_sends_the_trusted_proxies_decide(client, proxies, spoofed):
    # The client sends any header; each proxy appends the address it received from.
    hops = [client, *proxies]
    forwarded = ", ".join([*(s.replace(",", "") for s in spoofed), *hops[:-1]])
    found = client_address(hops[-1], forwarded, len(proxies))
    assert found == str(ipaddress.ip_address(client))
