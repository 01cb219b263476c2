"""Inviting someone who has an account: no probe of the instance's accounts, nothing attached
before the person accepts (docs/members.md)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from headway.accounts.models import Invitation, Membership
from headway.core.tests.factories import UserFactory
from headway.history.models import Event

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def invite(world, login: str, role: str = "member", *, follow: bool = True):
    return signed_in(world.user("admin")).post(
        "/settings/members/", {"add-login": login, "add-role": role}, follow=follow
    )


def answer_text(response, login: str) -> str:
    """The page an admin gets, with the login typed (and CSRF tokens, row ids) blanked out."""
    text = response.content.decode().replace(login.lower(), "LOGIN")
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    text = re.sub(r'"X-CSRFToken": "[^"]+"', "", text)
    return re.sub(r"/invitations/\d+/", "/invitations/ID/", text)


class TestTheProbe:
    def test_existing_and_unknown_accounts_get_the_same_answer(self, world):
        """Replays the probe: 'sam' (an admin of another workspace) exists, 'nobody' does not."""
        answers = {}
        for login in ("sam", "nobody", "SAM@example.com", "nobody@example.com"):
            response = invite(world, login)
            assert response.redirect_chain == [("/settings/", 302)], login
            answers[login] = answer_text(response, login)
            assert Invitation.objects.filter(login=login.lower()).exists()
            Invitation.objects.all().delete()  # each probe starts from the same list
        assert answers["sam"] == answers["nobody"]
        assert answers["SAM@example.com"] == answers["nobody@example.com"]
        assert "is invited as member" in answers["sam"]
        assert "No user has this username or email" not in answers["sam"]

    def test_nothing_is_attached_before_the_person_accepts(self, world):
        invite(world, "sam", "admin")
        assert not Membership.objects.filter(workspace=world.workspace, user__username="sam")
        settings_page = signed_in(world.user("admin")).get("/settings/").content.decode()
        assert "sam@example.com" not in settings_page  # their e-mail is not shown either
        assert "Pending invitations" in settings_page

    def test_a_member_of_the_workspace_or_a_second_invitation_is_refused_by_name(self, world):
        text = invite(world, "max", "admin").content.decode()
        assert "max is already a member of this workspace" in text
        invite(world, "sam")
        assert "sam is already invited" in invite(world, "SAM").content.decode()
        assert Invitation.objects.count() == 1
        assert Membership.objects.get(pk=world.member.pk).role == "member"

    def test_an_empty_login_is_refused_next_to_the_field(self, world):
        text = invite(world, "   ").content.decode()
        assert "This field is required" in text or "give a username" in text
        assert not Invitation.objects.exists()


class TestTheInvitedPerson:
    def test_sees_the_invitation_accepts_it_and_joins_with_the_role(self, world):
        invite(world, "sam@example.com", "viewer")
        sam = signed_in(world.user("stranger"))
        assert "Invitations (1)" in sam.get("/").content.decode()
        page = sam.get("/invitations/").content.decode()
        assert "invites you to join <strong>Acme</strong> as viewer" in page
        invitation = Invitation.objects.get()
        response = sam.post(f"/invitations/{invitation.pk}/accept/", follow=True)
        assert "Welcome to Acme." in response.content.decode()
        membership = Membership.objects.get(workspace=world.workspace, user__username="sam")
        assert membership.role == "viewer"
        assert sam.session["workspace"] == "acme"
        event = Event.objects.get(subject_type="membership", verb="joined")
        assert event.actor == world.user("stranger")
        assert event.changes == {"user": "sam", "role": "viewer"}
        invitation.refresh_from_db()
        assert invitation.state == "accepted"
        assert "Invitations (" not in sam.get("/").content.decode()

    def test_declines_it_and_is_not_attached(self, world):
        invite(world, "sam")
        invitation = Invitation.objects.get()
        signed_in(world.user("stranger")).post(f"/invitations/{invitation.pk}/decline/")
        invitation.refresh_from_db()
        assert invitation.state == "declined"
        assert not Membership.objects.filter(workspace=world.workspace, user__username="sam")
        assert Event.objects.filter(subject_type="invitation", verb="declined").exists()

    def test_without_a_workspace_sees_it_on_the_first_page(self, world):
        nina = UserFactory(username="nina", email="nina@example.com")
        invite(world, "nina")
        page = signed_in(nina).get("/").content.decode()
        assert "You are not in a workspace yet" in page
        assert "invites you to join <strong>Acme</strong>" in page

    def test_someone_else_cannot_answer_it(self, world):
        invite(world, "sam")
        invitation = Invitation.objects.get()
        max_ = signed_in(world.user("member"))
        assert max_.post(f"/invitations/{invitation.pk}/accept/").status_code == 404
        assert max_.post(f"/invitations/{10**30}/accept/").status_code == 404
        assert max_.post(f"/invitations/{invitation.pk}/join/").status_code == 404
        assert "Invitations (" not in max_.get("/").content.decode()
        assert Membership.objects.filter(user__username="sam").count() == 1
        assert Invitation.objects.get().state == "pending"

    def test_an_account_made_after_the_invitation_does_not_get_it(self, world):
        """An invitation names the account that had the address then, not a later look-alike."""
        invite(world, "newcomer@example.com")
        later = UserFactory(username="newcomer", email="newcomer@example.com")
        client = signed_in(later)
        assert "invites you" not in client.get("/").content.decode()
        invitation = Invitation.objects.get()
        assert client.post(f"/invitations/{invitation.pk}/accept/").status_code == 404
        assert not Membership.objects.filter(user=later).exists()


class TestRevoking:
    def test_an_admin_revokes_a_pending_invitation_and_it_can_no_longer_be_accepted(self, world):
        invite(world, "sam")
        invitation = Invitation.objects.get()
        response = signed_in(world.user("admin")).post(
            f"/settings/invitations/{invitation.pk}/revoke/", follow=True
        )
        assert "The invitation of sam is revoked." in response.content.decode()
        sam = signed_in(world.user("stranger"))
        assert sam.post(f"/invitations/{invitation.pk}/accept/").status_code == 404
        assert not Membership.objects.filter(workspace=world.workspace, user__username="sam")
        assert Event.objects.get(subject_type="invitation", verb="revoked").summary == "sam"
        sent = Event.objects.get(subject_type="invitation", verb="invited")
        assert f"{sent.sentence} {sent.summary}" == "sent the invitation sam as member"

    @pytest.mark.parametrize("persona", ["member", "viewer"])
    def test_non_admins_may_neither_invite_nor_revoke(self, world, persona):
        invite(world, "sam")
        invitation = Invitation.objects.get()
        client = signed_in(world.user(persona))
        assert (
            client.post("/settings/members/", {"add-login": "x", "add-role": "admin"}).status_code
            == 403
        )
        assert client.post(f"/settings/invitations/{invitation.pk}/revoke/").status_code == 403
        assert Invitation.objects.get().state == "pending"
        assert Invitation.objects.count() == 1

    def test_an_admin_of_another_workspace_cannot_revoke_it(self, world):
        invite(world, "nobody")
        invitation = Invitation.objects.get()
        client = signed_in(world.user("stranger"))
        assert client.post(f"/settings/invitations/{invitation.pk}/revoke/").status_code == 404
        assert Invitation.objects.get().state == "pending"
