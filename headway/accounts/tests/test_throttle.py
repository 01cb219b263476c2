"""The sign-in throttle counts per (account, client address), whatever spelling was typed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from headway.core.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

OWNER_IP = "198.51.100.10"
STRANGER_IP = "203.0.113.66"
PROXY_IP = "10.0.0.2"


def sign_in(login: str, password: str = PASSWORD, **meta: str):
    return Client().post("/login/", {"username": login, "password": password}, **meta)


def fail(login: str, times: int, **meta: str) -> None:
    for _ in range(times):
        assert sign_in(login, "wrong password", **meta).status_code in {200, 429}


class TestAccountNotSpelling:
    def test_case_variants_of_the_email_count_against_one_account(self, world, settings):
        limit = settings.AXES_FAILURE_LIMIT
        fail("max@example.com", limit)
        for variant in ("Max@example.com", "MAX@EXAMPLE.COM", "max@Example.Com"):
            response = sign_in(variant)  # the right password, another spelling
            assert response.status_code == 429, variant
            fail(variant, limit)

    def test_the_username_and_the_email_count_against_one_account(self, world, settings):
        fail("max", settings.AXES_FAILURE_LIMIT - 1)
        fail("MAX@example.com", 1)
        assert sign_in("max").status_code == 429

    def test_other_accounts_at_the_same_address_are_not_paused(self, world, settings):
        fail("max", settings.AXES_FAILURE_LIMIT)
        assert sign_in("lea").status_code == 302

    def test_the_pause_ends_after_the_cool_off(self, world, settings):
        fail("max", settings.AXES_FAILURE_LIMIT)
        assert sign_in("max").status_code == 429
        settings.AXES_COOLOFF_TIME = settings.AXES_COOLOFF_TIME * 0  # the cool-off is over
        assert sign_in("max").status_code == 302

    def test_trying_during_the_pause_starts_it_again(self, world, settings):
        from axes.models import AccessAttempt

        def minutes_pass(minutes: int) -> None:
            for attempt in AccessAttempt.objects.all():
                attempt.attempt_time -= timedelta(minutes=minutes)
                attempt.save()

        cool_off = settings.AXES_COOLOFF_TIME
        fail("max", settings.AXES_FAILURE_LIMIT)
        minutes_pass(int(cool_off.total_seconds() // 60) - 1)
        assert sign_in("max").status_code == 429  # a try just before the pause ends...
        minutes_pass(2)
        assert sign_in("max").status_code == 429  # ...paused it again from then on
        minutes_pass(int(cool_off.total_seconds() // 60) + 1)
        assert sign_in("max").status_code == 302  # quiet for a whole pause: signed in

    def test_the_pause_names_no_account_even_to_scripts(self, world, settings):
        fail("max@example.com", settings.AXES_FAILURE_LIMIT)
        response = sign_in("MAX@example.com", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
        assert response.status_code == 429
        assert "max" not in response.content.decode().replace("max@", "").lower()


class TestNoLockOutOfOthers:
    def test_a_strangers_failures_do_not_stop_the_owner(self, world, settings):
        fail("ada@example.com", settings.AXES_FAILURE_LIMIT * 3, REMOTE_ADDR=STRANGER_IP)
        assert sign_in("ADA@example.com", REMOTE_ADDR=STRANGER_IP).status_code == 429
        assert sign_in("ada", REMOTE_ADDR=OWNER_IP).status_code == 302

    def test_behind_a_proxy_each_client_is_counted_at_its_own_address(self, world, settings):
        settings.HEADWAY_TRUSTED_PROXIES = 1
        stranger = {"REMOTE_ADDR": PROXY_IP, "HTTP_X_FORWARDED_FOR": STRANGER_IP}
        owner = {"REMOTE_ADDR": PROXY_IP, "HTTP_X_FORWARDED_FOR": OWNER_IP}
        fail("ada", settings.AXES_FAILURE_LIMIT, **stranger)
        assert sign_in("ada", **stranger).status_code == 429
        assert sign_in("ada", **owner).status_code == 302

    def test_a_spoofed_forwarded_for_entry_does_not_escape_the_pause(self, world, settings):
        settings.HEADWAY_TRUSTED_PROXIES = 1
        fail("ada", settings.AXES_FAILURE_LIMIT, REMOTE_ADDR=PROXY_IP,
             HTTP_X_FORWARDED_FOR=STRANGER_IP)  # fmt: skip
        # The stranger sends their own header; the proxy appends the address it saw.
        spoofed = {"REMOTE_ADDR": PROXY_IP, "HTTP_X_FORWARDED_FOR": f"{OWNER_IP}, {STRANGER_IP}"}
        assert sign_in("ada", **spoofed).status_code == 429

    def test_without_trusted_proxies_the_header_is_ignored(self, world, settings):
        fail("ada", settings.AXES_FAILURE_LIMIT, REMOTE_ADDR=STRANGER_IP)
        forged = {"REMOTE_ADDR": STRANGER_IP, "HTTP_X_FORWARDED_FOR": OWNER_IP}
        assert sign_in("ada", **forged).status_code == 429
