"""Workspace settings at scale: members and pending invitations are paged and searchable, and
an admin's change from page 2 comes back to page 2."""

from __future__ import annotations

import pytest

from headway.accounts.models import Invitation, Membership
from headway.core.tests.factories import MembershipFactory, UserFactory
from headway.core.tests.fixtures import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowd(world):
    """60 more members of acme (`p00`… `p59`, whose e-mail is at crowd.test), 60 of globex."""
    for n in range(60):
        user = UserFactory(username=f"p{n:02d}", name=f"Person {n:02d}", email=f"p{n}@crowd.test")
        MembershipFactory(user=user, workspace=world.workspace, role="viewer")
        MembershipFactory(user=UserFactory(username=f"g{n:02d}"), workspace=world.other)
    return world


def invite(world, login):
    return Invitation.objects.create(
        workspace=world.workspace, login=login, role="member", invited_by=world.user("admin")
    )


class TestMembersPaging:
    def test_the_first_page_shows_50_of_all_and_says_how_many(self, crowd):
        text = signed_in(crowd, "admin").get("/settings/").content.decode()
        assert "1\u201350 of 64 members" in text
        assert text.count('name="role"') == 50
        assert 'href="?page=2"' in text
        assert "g00" not in text

    @pytest.mark.parametrize(
        ("page", "shown"),
        [
            ("0", "1\u201350"),
            ("abc", "1\u201350"),
            ("99999", "51\u201364"),
            ("9" * 5000, "1\u201350"),
            ("-3", "1\u201350"),
        ],
    )
    def test_a_page_out_of_range_or_not_a_number_gives_the_nearest_page(self, crowd, page, shown):
        response = signed_in(crowd, "admin").get("/settings/", {"page": page})
        assert response.status_code == 200
        assert f"{shown} of 64 members" in response.content.decode()

    def test_the_search_finds_by_username_name_or_email_in_this_workspace_only(self, crowd):
        client = signed_in(crowd, "admin")
        for q in ("p07", "Person 07", "p7@crowd"):
            text = client.get("/settings/", {"q": q}).content.decode()
            assert "1\u20131 of 1 members" in text
            assert "Person 07" in text
        text = client.get("/settings/", {"q": "g0"}).content.decode()
        assert "0 members" in text
        assert "No member matches" in text

    def test_an_admin_change_on_page_2_returns_to_page_2(self, crowd):
        client = signed_in(crowd, "admin")
        text = client.get("/settings/", {"page": "2", "q": "p"}).content.decode()
        target = Membership.objects.get(user__username="p55")
        action = f"/settings/members/{target.pk}/role/?page=2&amp;q=p"
        assert f'action="{action}"' in text
        response = client.post(action.replace("&amp;", "&"), {"role": "member"})
        assert response.status_code == 302
        assert response["Location"] == "/settings/?page=2&q=p"
        target.refresh_from_db()
        assert target.role == "member"

    def test_a_removal_on_page_2_returns_to_page_2(self, crowd):
        client = signed_in(crowd, "admin")
        target = Membership.objects.get(user__username="p59")
        response = client.post(f"/settings/members/{target.pk}/remove/?page=2", follow=True)
        assert not Membership.objects.filter(pk=target.pk).exists()
        assert "51\u201363 of 63 members" in response.content.decode()


class TestInvitationsPaging:
    def test_pending_invitations_are_paged_and_counted_on_their_own(self, world):
        for n in range(55):
            invite(world, f"guest{n:02d}@example.com")
        client = signed_in(world, "admin")
        text = client.get("/settings/", {"invitations": "2"}).content.decode()
        assert "51\u201355 of 55 pending invitations" in text
        assert "guest54@example.com" in text
        assert "guest00@example.com" not in text
        assert "1\u20134 of 4 members" in text

    def test_a_revoke_from_a_search_returns_to_that_search(self, world):
        invitation = invite(world, "zed@example.com")
        invite(world, "amy@example.com")
        client = signed_in(world, "admin")
        text = client.get("/settings/", {"q": "zed"}).content.decode()
        assert "amy@example.com" not in text
        response = client.post(f"/settings/invitations/{invitation.pk}/revoke/?q=zed")
        assert response["Location"] == "/settings/?q=zed"
        invitation.refresh_from_db()
        assert invitation.state == Invitation.State.REVOKED
