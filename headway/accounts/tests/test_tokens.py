"""API tokens on pages: every member holds their own, an admin sees and revokes all of the
workspace's (docs/members.md)."""

from __future__ import annotations

import pytest
from django.test import Client

from headway.accounts import actions
from headway.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


class TestOwnTokens:
    @pytest.mark.parametrize("persona", ["member", "viewer"])
    def test_a_member_or_viewer_creates_a_token_shown_once_and_uses_it(self, world, persona):
        client = signed_in(world.user(persona))
        assert "Create a token for me" in client.get("/settings/tokens/").content.decode()
        response = client.post("/settings/tokens/", {"name": "laptop"}, follow=True)
        text = response.content.decode()
        token = ApiToken.objects.get(name="laptop")
        assert token.user == world.user(persona)
        assert token.workspace == world.workspace
        assert "copy it now" in text
        assert "no-store" in response["Cache-Control"]
        raw = text.split('<code class="token">')[1].split("</code>")[0]
        assert "copy it now" not in client.get("/settings/tokens/").content.decode()
        me = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert me.json()["role"] == world.__dict__[persona].role

    def test_reloading_the_page_that_shows_a_new_token_makes_no_second_one(self, world):
        client = signed_in(world.member.user)
        response = client.post("/settings/tokens/", {"name": "laptop"})
        assert response.status_code == 302
        assert response["Location"] == "/settings/tokens/"
        assert "copy it now" in client.get(response["Location"]).content.decode()
        reloaded = client.get(response["Location"]).content.decode()
        assert "copy it now" not in reloaded
        assert ApiToken.objects.filter(name="laptop").count() == 1

    def test_a_refused_token_stays_on_the_form_with_its_error(self, world):
        client = signed_in(world.member.user)
        response = client.post("/settings/tokens/", {"name": "laptop", "expires_in_days": "0"})
        assert response.status_code == 200
        assert "copy it now" not in response.content.decode()
        assert not ApiToken.objects.exists()

    def test_a_member_sees_only_their_own_tokens(self, world):
        actions.create_token(world.admin, actor=world.admin, name="admins-ci")
        actions.create_token(world.member, actor=world.member, name="max-script")
        text = signed_in(world.user("member")).get("/settings/tokens/").content.decode()
        assert "max-script" in text
        assert "admins-ci" not in text

    def test_a_member_revokes_their_own_token_but_not_someone_elses(self, world):
        own, _ = actions.create_token(world.member, actor=world.member)
        other, _ = actions.create_token(world.admin, actor=world.admin)
        client = signed_in(world.user("member"))
        assert client.post(f"/settings/tokens/{other.pk}/revoke/").status_code == 404
        assert client.post(f"/settings/tokens/{own.pk}/revoke/").status_code == 302
        own.refresh_from_db()
        other.refresh_from_db()
        assert own.revoked_at is not None
        assert other.revoked_at is None

    def test_the_navigation_links_to_the_tokens_page_for_everyone(self, world):
        text = signed_in(world.user("viewer")).get("/").content.decode()
        assert 'href="/settings/tokens/">API tokens</a>' in text


class TestAdmins:
    def test_an_admin_sees_every_token_of_the_workspace_and_revokes_any(self, world):
        member_token, _ = actions.create_token(world.member, actor=world.member, name="max-script")
        actions.create_token(world.stranger, actor=world.stranger, name="globex-ci")
        client = signed_in(world.user("admin"))
        text = client.get("/settings/tokens/").content.decode()
        assert "max-script" in text
        assert "globex-ci" not in text
        response = client.post(f"/settings/tokens/{member_token.pk}/revoke/", follow=True)
        assert "is revoked" in response.content.decode()
        member_token.refresh_from_db()
        assert member_token.revoked_at is not None

    def test_an_admin_cannot_revoke_another_workspaces_token(self, world):
        foreign, _ = actions.create_token(world.stranger, actor=world.stranger)
        client = signed_in(world.user("admin"))
        assert client.post(f"/settings/tokens/{foreign.pk}/revoke/").status_code == 404
        foreign.refresh_from_db()
        assert foreign.revoked_at is None
