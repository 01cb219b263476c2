"""The preview page: your own digests as of now, nothing sent."""

from __future__ import annotations

import pytest
from django.core import mail

from headway.core.tests.fixtures import signed_in
from headway.digests.models import DigestSend

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

    def test_it_needs_a_sign_in(self, client):
        response = client.get("/digests/")
        assert response.status_code == 302
