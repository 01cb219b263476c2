"""How API callers authenticate: tokens (hashed, expiring, revocable) and the web session."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from headway.accounts.actions import create_token, revoke_token
from headway.accounts.models import ApiToken, hash_token
from headway.core.tests.api_fixtures import ApiClient
from headway.core.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


class TestTokens:
    def test_a_token_is_stored_only_as_its_digest(self, world):
        token, raw = create_token(world.member, actor=None, name="ci")
        assert token.digest == hash_token(raw)
        assert raw not in {token.digest, token.prefix, token.name}
        assert ApiClient(raw).get("/me").json["username"] == "max"

    @pytest.mark.parametrize("header", [None, "Bearer", "Bearer nonsense", "Basic abc", "x" * 500])
    def test_missing_or_bad_credentials_get_401(self, world, header):
        client = Client()
        headers = {"Authorization": header} if header else {}
        response = client.get("/api/v1/me", headers=headers)
        assert response.status_code == 401
        assert response.json()["detail"].startswith("Send a valid token")

    def test_revoked_and_expired_tokens_get_401(self, world):
        token, raw = create_token(world.member, actor=None)
        revoke_token(token, actor=None)
        assert ApiClient(raw).get("/me").status == 401
        expiring, raw2 = create_token(world.member, actor=None, expires_in_days=1)
        assert ApiClient(raw2).get("/me").status == 200
        ApiToken.objects.filter(pk=expiring.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
        assert ApiClient(raw2).get("/me").status == 401

    def test_a_token_stops_working_when_its_user_leaves_the_workspace(self, world):
        _, raw = create_token(world.member, actor=None)
        world.member.delete()
        assert ApiClient(raw).get("/me").status == 401

    def test_last_used_is_written_at_most_once_a_minute(self, world, django_assert_num_queries):
        token, raw = create_token(world.member, actor=None)
        client = ApiClient(raw)
        # token, membership, last_used_at (in a savepoint: the test's transaction is open; a
        # real request, outside any transaction, sends the UPDATE alone); then /me itself:
        # team context 2, teams 1
        with django_assert_num_queries(8):
            client.get("/me")
        token.refresh_from_db()
        assert token.last_used_at is not None
        with django_assert_num_queries(5):
            client.get("/me")

    def test_the_command_prints_only_the_token_and_revokes_it(self, world):
        out = StringIO()
        call_command(
            "token",
            "create",
            "--workspace",
            "acme",
            "--user",
            "max",
            "--expires",
            "30",
            stdout=out,
        )
        raw = out.getvalue().strip()
        assert raw.startswith("hw_")
        assert "\n" not in raw
        assert ApiClient(raw).get("/me").json["workspace"] == "acme"
        call_command("token", "revoke", "--workspace", "acme", raw[:10], stderr=StringIO())
        assert ApiClient(raw).get("/me").status == 401


class TestSessionAuth:
    def test_the_web_session_reads_with_the_chosen_workspace(self, world):
        MembershipFactory(user=world.user("member"), workspace=world.other, role="viewer")
        client = Client()
        client.force_login(world.user("member"))
        assert client.get("/api/v1/me").json()["workspace"] == "acme"
        session = client.session
        session["workspace"] = "globex"
        session.save()
        assert client.get("/api/v1/me").json() | {"teams": []} == {
            "username": "max",
            "name": "Max",
            "email": "max@example.com",
            "workspace": "globex",
            "role": "viewer",
            "teams": [],
        }

    def test_writes_through_the_session_need_the_csrf_token(self, world):
        client = Client(enforce_csrf_checks=True)
        client.force_login(world.user("admin"))
        body = {"key": "ops", "name": "Ops"}
        refused = client.post("/api/v1/teams", body, content_type="application/json")
        assert refused.status_code == 403
        client.get("/api/v1/me")  # any response may set the cookie; ask for one explicitly
        from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

        secret = _get_new_csrf_string()
        client.cookies["csrftoken"] = secret
        accepted = client.post(
            "/api/v1/teams",
            body,
            content_type="application/json",
            headers={"X-CSRFToken": _mask_cipher_secret(secret)},
        )
        assert accepted.status_code == 201
