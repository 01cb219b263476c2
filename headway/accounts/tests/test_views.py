"""Signing in and out, throttling, the workspace switcher and workspace settings."""

from __future__ import annotations

import pytest
from django.test import Client

from headway.accounts.models import ApiToken, Membership, User
from headway.core.tests.factories import PASSWORD, MembershipFactory, UserFactory
from headway.history.models import Event

pytestmark = pytest.mark.django_db


def sign_in(client: Client, username: str, password: str = PASSWORD):
    return client.post("/login/", {"username": username, "password": password})


class TestSignIn:
    def test_with_username_or_email(self, world):
        for login in ("max", "max@example.com"):
            client = Client()
            response = sign_in(client, login)
            assert response.status_code == 302, login
            assert response["Location"] == "/"
            assert "My focus" in client.get("/").content.decode()

    def test_a_wrong_password_is_refused_with_a_message(self, world):
        response = sign_in(Client(), "max", "not the password")
        assert response.status_code == 200
        assert "username or email and password do not match" in (response.content.decode())

    def test_repeated_failures_lock_the_account_out(self, world, settings):
        client = Client()
        for _ in range(settings.AXES_FAILURE_LIMIT):
            sign_in(client, "max", "wrong")
        response = sign_in(client, "max")  # even the right password now
        assert response.status_code == 429
        assert "Too many failed sign-in attempts" in response.content.decode()

    def test_sign_out(self, world):
        client = Client()
        sign_in(client, "max")
        response = client.post("/logout/")
        assert response.status_code == 302
        assert client.get("/").status_code == 302


class TestWorkspaces:
    def test_a_user_without_workspace_is_told_so(self, db):
        client = Client()
        client.force_login(UserFactory(username="nobody"))
        response = client.get("/")
        assert response.status_code == 200  # where sign-in lands: a page, not a refusal
        assert "You are not in a workspace yet" in response.content.decode()
        response = client.get("/okrs/")
        assert response.status_code == 403
        assert "You are not in a workspace yet" in response.content.decode()

    def test_the_switcher_changes_the_workspace(self, world):
        MembershipFactory(user=world.user("member"), workspace=world.other, role="viewer")
        client = Client()
        client.force_login(world.user("member"))
        text = client.get("/").content.decode()
        assert 'name="workspace"' in text
        assert "Globex" in text
        client.post("/workspace/", {"workspace": "globex"})
        assert '<option value="globex" selected>' in client.get("/").content.decode()

    def test_one_cannot_switch_to_a_workspace_one_is_not_in(self, world):
        client = Client()
        client.force_login(world.user("member"))
        client.post("/workspace/", {"workspace": "globex"})
        assert client.session.get("workspace") is None


class TestSettings:
    def test_admins_see_members_and_roles(self, world):
        client = Client()
        client.force_login(world.user("admin"))
        text = client.get("/settings/").content.decode()
        assert "Members and roles" in text
        assert "vic" in text
        assert "Viewer" in text

    @pytest.mark.parametrize("persona", ["member", "viewer"])
    def test_others_are_refused(self, world, persona):
        client = Client()
        client.force_login(world.user(persona))
        assert client.get("/settings/").status_code == 403


class TestSettingsWrites:
    def test_an_admin_changes_a_role(self, world):
        client = Client()
        client.force_login(world.user("admin"))
        response = client.post(f"/settings/members/{world.viewer.pk}/role/", {"role": "member"})
        assert response.status_code == 302
        world.viewer.refresh_from_db()
        assert world.viewer.role == "member"

    def test_the_last_admin_keeps_the_role(self, world):
        client = Client()
        client.force_login(world.user("admin"))
        response = client.post(
            f"/settings/members/{world.admin.pk}/role/", {"role": "viewer"}, follow=True
        )
        assert "needs at least one admin" in response.content.decode()
        world.admin.refresh_from_db()
        assert world.admin.role == "admin"

    def test_an_admin_creates_a_token_shown_once_and_revokes_it(self, world):
        client = Client()
        client.force_login(world.user("admin"))
        text = client.post("/settings/tokens/", {"name": "CI"}, follow=True).content.decode()
        token = ApiToken.objects.get(name="CI")
        assert "copy it now" in text
        assert token.prefix in text
        assert "copy it now" not in client.get("/settings/").content.decode()
        client.post(f"/settings/tokens/{token.pk}/revoke/")
        token.refresh_from_db()
        assert token.revoked_at is not None

    def test_a_member_cannot_change_roles(self, world):
        # Members may now make tokens of their own (test_tokens.py); roles stay an admin's.
        client = Client()
        client.force_login(world.user("member"))
        assert (
            client.post(f"/settings/members/{world.member.pk}/role/", {"role": "admin"}).status_code
            == 403
        )
        world.member.refresh_from_db()
        assert world.member.role == "member"

    def test_a_stranger_cannot_touch_another_workspaces_member(self, world):
        client = Client()
        client.force_login(world.user("stranger"))
        response = client.post(f"/settings/members/{world.viewer.pk}/role/", {"role": "admin"})
        assert response.status_code == 404


def admin_client(world) -> Client:
    client = Client()
    client.force_login(world.user("admin"))
    return client


NEW_USER = {
    "new-username": "nina", "new-name": "Nina Novak", "new-email": "nina@example.com",
    "new-password": "a long and unusual passphrase", "new-role": "member",
}  # fmt: skip


class TestMembers:
    def test_an_admin_adds_an_existing_user_by_email_when_the_instance_allows_it(
        self, world, settings
    ):
        settings.ADD_EXISTING_USERS = True
        response = admin_client(world).post(
            "/settings/members/",
            {"add-login": "SAM@example.com", "add-role": "viewer"},
            follow=True,
        )
        assert "is now a viewer here" in response.content.decode()
        membership = Membership.objects.get(workspace=world.workspace, user__username="sam")
        assert membership.role == "viewer"
        event = Event.objects.get(subject_type="membership", verb="joined")
        assert event.actor == world.user("admin")
        assert event.changes == {"user": "sam", "role": "viewer"}

    def test_with_direct_adding_an_unknown_or_present_user_is_refused_next_to_the_field(
        self, world, settings
    ):
        settings.ADD_EXISTING_USERS = True
        client = admin_client(world)
        text = client.post("/settings/members/", {"add-login": "nobody", "add-role": "member"})
        assert "No user has this username or email" in text.content.decode()
        text = client.post("/settings/members/", {"add-login": "max", "add-role": "admin"})
        assert "max is already a member of this workspace" in text.content.decode()
        assert Membership.objects.get(pk=world.member.pk).role == "member"

    def test_an_admin_creates_a_user_who_can_then_sign_in(self, world):
        response = admin_client(world).post("/settings/members/new/", NEW_USER)
        assert response.status_code == 302
        user = User.objects.get(username="nina")
        assert user.name == "Nina Novak"
        assert user.memberships.get().workspace == world.workspace
        client = Client()
        assert sign_in(client, "nina", NEW_USER["new-password"]).status_code == 302

    def test_a_weak_password_or_a_taken_username_is_refused(self, world):
        client = admin_client(world)
        text = client.post("/settings/members/new/", NEW_USER | {"new-password": "short"})
        assert "This password is too short" in text.content.decode()
        text = client.post("/settings/members/new/", NEW_USER | {"new-username": "MAX"})
        assert "the username &#x27;MAX&#x27; is taken" in text.content.decode()
        assert not User.objects.filter(username__in=["nina", "MAX"]).exists()

    def test_an_admin_removes_a_member_and_their_tokens_stop(self, world):
        from headway.accounts import actions

        token, _ = actions.create_token(world.viewer, actor=world.viewer)
        response = admin_client(world).post(
            f"/settings/members/{world.viewer.pk}/remove/", follow=True
        )
        assert "is no longer a member" in response.content.decode()
        assert not Membership.objects.filter(pk=world.viewer.pk).exists()
        token.refresh_from_db()
        assert token.revoked_at is not None
        assert Event.objects.filter(subject_type="membership", verb="removed").exists()

    def test_the_last_admin_cannot_be_removed(self, world):
        response = admin_client(world).post(
            f"/settings/members/{world.admin.pk}/remove/", follow=True
        )
        assert "needs at least one admin" in response.content.decode()
        assert Membership.objects.filter(pk=world.admin.pk).exists()

    @pytest.mark.parametrize(
        ("path", "data"),
        [
            ("/settings/members/", {"add-login": "sam", "add-role": "admin"}),
            ("/settings/members/new/", NEW_USER),
            ("/settings/members/{admin}/remove/", {}),
        ],
    )
    @pytest.mark.parametrize("persona", ["member", "viewer"])
    def test_non_admins_are_refused_and_nothing_changes(self, world, persona, path, data):
        client = Client()
        client.force_login(world.user(persona))
        response = client.post(path.format(admin=world.admin.pk), data)
        assert response.status_code == 403
        assert Membership.objects.filter(workspace=world.workspace).count() == 4
        assert not User.objects.filter(username="nina").exists()

    def test_a_stranger_cannot_remove_another_workspaces_member(self, world):
        client = Client()
        client.force_login(world.user("stranger"))
        assert client.post(f"/settings/members/{world.viewer.pk}/remove/").status_code == 404
        assert Membership.objects.filter(pk=world.viewer.pk).exists()
