from __future__ import annotations

from datetime import timedelta
from ipaddress import IPv4Address, IPv6Address, ip_address

import pytest
from hypothesis import given
from hypothesis import strategies as st

from headway.domain.webhooks import (
    ALL_KINDS,
    MAX_ATTEMPTS,
    Outcome,
    Refused,
    address_refusal,
    outcome,
    retry_delay,
    subscribed,
    webhook_target,
)

ALWAYS_REFUSED = [
    "0.0.0.0",
    "169.254.169.254",  # cloud metadata
    "224.0.0.1",
    "255.255.255.255",
    "240.0.0.1",
    "192.0.2.7",
    "::",
    "fe80::1",
    "ff02::1",
    "::ffff:169.254.169.254",
]
PRIVATE = [
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "100.64.0.1",
    "::1",
    "fd00::1",
    "::ffff:127.0.0.1",  # IPv4-mapped loopback
    "::ffff:10.0.0.1",
    "64:ff9b::a00:1",  # NAT64 to 10.0.0.1
    "2002:7f00:1::",  # 6to4 of 127.0.0.1
]
PUBLIC = ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"]


class TestAddressRefusal:
    @pytest.mark.parametrize("text", ALWAYS_REFUSED)
    def test_it_always_refuses_unspecified_link_local_multicast_and_reserved(self, text) -> None:
        address = ip_address(text)
        assert address_refusal(address, allow_private=False)
        assert address_refusal(address, allow_private=True)

    @pytest.mark.parametrize("text", PRIVATE)
    def test_private_and_loopback_need_the_setting(self, text) -> None:
        address = ip_address(text)
        assert "private or loopback" in (address_refusal(address, allow_private=False) or "")
        assert address_refusal(address, allow_private=True) is None

    @pytest.mark.parametrize("text", PUBLIC)
    def test_it_allows_public_addresses(self, text) -> None:
        assert address_refusal(ip_address(text), allow_private=False) is None

    @given(st.ip_addresses(v=4))
    def test_a_mapped_address_is_judged_as_the_ipv4_one(self, v4: IPv4Address) -> None:
        mapped = IPv6Address(f"::ffff:{v4}")
        for allow in (False, True):
            assert (address_refusal(mapped, allow_private=allow) is None) == (
                address_refusal(v4, allow_private=allow) is None
            )

    @given(st.ip_addresses())
    def test_an_allowed_address_is_global_or_private_with_the_setting(self, address) -> None:
        if address_refusal(address, allow_private=False) is None:
            assert address.is_global or (
                isinstance(address, IPv6Address) and address.ipv4_mapped is not None
            )
        if address_refusal(address, allow_private=True) is None:
            assert not address.is_multicast
            assert not address.is_unspecified

    @given(st.ip_addresses())
    def test_the_setting_only_ever_allows_more(self, address) -> None:
        if address_refusal(address, allow_private=False) is None:
            assert address_refusal(address, allow_private=True) is None


class TestWebhookTarget:
    def test_it_reads_host_port_and_path(self) -> None:
        target = webhook_target("https://hooks.example.com:8443/in/x?a=1#f", allow_private=False)
        assert (target.scheme, target.host, target.port, target.path) == (
            "https",
            "hooks.example.com",
            8443,
            "/in/x?a=1",
        )
        assert webhook_target("https://[2606:4700::1]", allow_private=False).path == "/"

    @pytest.mark.parametrize(
        ("url", "reason"),
        [
            ("http://hooks.example.com/", "https"),
            ("ftp://hooks.example.com/", "https"),
            ("https://user:pw@hooks.example.com/", "user name"),
            ("https:///path", "host"),
            ("https://127.0.0.1/", "private or loopback"),
            ("https://[::ffff:7f00:1]/", "private or loopback"),
            ("https://169.254.169.254/latest/meta-data", "link-local"),
            ("https://localhost:8000/", "localhost"),
            ("https://api.localhost/", "localhost"),
            ("https://hooks.example.com:99999/", "valid URL"),
            ("https://x.example/" + "a" * 2000, "2000"),
        ],
    )
    def test_it_refuses(self, url, reason) -> None:
        with pytest.raises(Refused, match=reason):
            webhook_target(url, allow_private=False)

    def test_the_setting_allows_plain_http_to_a_local_receiver(self) -> None:
        target = webhook_target("http://127.0.0.1:9000/hook", allow_private=True)
        assert (target.host, target.port) == ("127.0.0.1", 9000)
        with pytest.raises(Refused, match="link-local"):
            webhook_target("http://169.254.169.254/", allow_private=True)


class TestOutcome:
    @pytest.mark.parametrize(
        ("status", "expected"),
        [
            (200, Outcome.SUCCEEDED),
            (204, Outcome.SUCCEEDED),
            (None, Outcome.RETRY),
            (408, Outcome.RETRY),
            (429, Outcome.RETRY),
            (500, Outcome.RETRY),
            (503, Outcome.RETRY),
            (301, Outcome.FAILED),
            (400, Outcome.FAILED),
            (404, Outcome.FAILED),
            (410, Outcome.GONE),
        ],
    )
    def test_it_judges_the_answer(self, status, expected) -> None:
        assert outcome(status) is expected

    def test_retries_back_off_then_stop(self) -> None:
        delays = [retry_delay(n) for n in range(1, MAX_ATTEMPTS + 1)]
        assert delays[:-1] == [
            timedelta(minutes=1),
            timedelta(minutes=5),
            timedelta(minutes=30),
            timedelta(hours=2),
            timedelta(hours=8),
        ]
        assert delays[-1] is None

    @given(st.integers(min_value=1, max_value=MAX_ATTEMPTS - 2))
    def test_each_wait_is_longer_than_the_last(self, n: int) -> None:
        assert retry_delay(n + 1) > retry_delay(n)  # type: ignore[operator]


def test_a_subscription_names_kinds_or_all() -> None:
    assert subscribed(["kpi.stale"], "kpi.stale")
    assert not subscribed(["kpi.stale"], "cycle.closed")
    assert subscribed([ALL_KINDS], "cycle.closed")
