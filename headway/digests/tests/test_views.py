"""The preview page: your own digests as of now, nothing sent."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core import mail

from headway.core.tests.fixtures import signed_in
from headway.digests.models import DigestSend
from headway.digests.sending import send_digests
from headway.digests.tests.fixtures import MONDAY

pytestmark = pytest.mark.django_db


class TestDigestPreview:
    def test_it_shows_my_weekly_digest_and_sends_nothing(self, world, web_objective):
        response = signed_in(world, "member").get("/digests/")
        assert response.status_code == 200
        page = response.content.decode()
        assert "Subject: Your week in Acme" in page
        assert "LCP under 2s" in page
        assert mail.outbox == []
        assert not DigestSend.objects.exists()

    def test_it_says_when_a_digest_has_nothing_to_tell(self, world, web_objective):
        page = signed_in(world, "admin").get("/digests/").content.decode()
        assert "Nothing to tell right now" in page

    def test_it_shows_only_my_own(self, world, web_objective):
        # The lead's digest names the missed key result, not Max's own "due for a check-in".
        page = signed_in(world, "lead").get("/digests/").content.decode()
        assert "Not checked in this week in your teams: 1" in page
        assert "due for a check-in" not in page

    def test_it_shows_a_digest_that_could_not_be_sent_to_its_person_only(
        self, world, web_objective
    ):
        down = mock.Mock(side_effect=OSError("mail server down"))
        with mock.patch.object(mail.EmailMultiAlternatives, "send", down):
            send_digests(MONDAY)
        assert down.called
        page = signed_in(world, "member").get("/digests/").content.decode()
        assert "not sent: OSError: mail server down" in page
        assert "mail server down" not in signed_in(world, "admin").get("/digests/").content.decode()

    def test_it_lists_a_sent_digest(self, world, web_objective):
        send_digests(MONDAY)
        page = signed_in(world, "member").get("/digests/").content.decode()
        assert "Last sent" in page
        assert "sent 16 Feb 2026" in page

    def test_it_needs_a_sign_in(self, client):
        response = client.get("/digests/")
        assert response.status_code == 302
