"""First run: someone signed in with no workspace creates one and becomes its admin
(docs/members.md)."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from headway.accounts.models import Membership, Workspace
from headway.core.tests.factories import UserFactory
from headway.history.models import Event
from headway.okrs.models import Cycle

pytestmark = pytest.mark.django_db

FIELDS = {
    "name": "Initech",
    "timezone": "Europe/Paris",
    "cycle_name": "Q1 2026",
    "cycle_start": "2026-01-01",
    "cycle_end": "2026-03-31",
}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def operator(db):
    """What `headway createsuperuser` leaves: a superuser in no workspace."""
    return UserFactory(username="root", is_staff=True, is_superuser=True)


class TestFirstRun:
    def test_the_first_page_offers_to_create_a_workspace(self, operator):
        text = signed_in(operator).get("/").content.decode()
        assert "You are not in a workspace yet" in text
        assert 'href="/workspaces/new/">Create a workspace</a>' in text

    def test_the_superuser_creates_a_workspace_with_its_first_cycle_and_is_its_admin(
        self, operator
    ):
        client = signed_in(operator)
        form = client.get("/workspaces/new/").content.decode()
        assert 'name="cycle_start"' in form
        response = client.post("/workspaces/new/", FIELDS, follow=True)
        assert response.redirect_chain[-1][0] == "/"
        assert "Initech is ready: you are its admin." in response.content.decode()
        workspace = Workspace.objects.get(name="Initech")
        assert workspace.key == "initech"
        assert workspace.timezone == "Europe/Paris"
        assert Membership.objects.get(workspace=workspace).user == operator
        assert Membership.objects.get(workspace=workspace).role == "admin"
        cycle = Cycle.objects.get(workspace=workspace)
        assert (cycle.key, cycle.start, cycle.end) == (
            "q1-2026",
            date(2026, 1, 1),
            date(2026, 3, 31),
        )
        assert client.session["workspace"] == "initech"
        assert Event.objects.filter(workspace=workspace, subject_type="membership", verb="joined")
        assert client.get("/settings/").status_code == 200

    def test_a_second_workspace_of_the_same_name_gets_its_own_key(self, operator):
        client = signed_in(operator)
        client.post("/workspaces/new/", FIELDS)
        client.post("/workspaces/new/", FIELDS)
        assert sorted(Workspace.objects.values_list("key", flat=True)) == ["initech", "initech-2"]

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("name", "   ", "This field is required"),
            ("timezone", "Mars/Olympus", "Select a valid choice"),
            ("cycle_end", "2025-12-31", "must be on or after the start"),
            ("cycle_start", "not a date", "Enter a valid date"),
        ],
    )
    def test_bad_fields_are_named_and_nothing_is_created(self, operator, field, value, message):
        response = signed_in(operator).post("/workspaces/new/", FIELDS | {field: value})
        assert response.status_code == 200
        text = response.content.decode()
        assert f'id="id_{field}_error">{message}' in text
        assert not Workspace.objects.exists()
        assert not Cycle.objects.exists()


class TestWhoMayCreate:
    def test_a_plain_user_may_not_by_default(self, db):
        nobody = UserFactory(username="nobody")
        client = signed_in(nobody)
        assert "Create a workspace" not in client.get("/").content.decode()
        assert client.get("/workspaces/new/").status_code == 403
        assert client.post("/workspaces/new/", FIELDS).status_code == 403
        assert not Workspace.objects.exists()

    def test_a_plain_user_may_when_the_instance_allows_it(self, db, settings):
        settings.ANYONE_CREATES_WORKSPACES = True
        nobody = UserFactory(username="nobody")
        response = signed_in(nobody).post("/workspaces/new/", FIELDS)
        assert response.status_code == 302
        assert Membership.objects.get(user=nobody).role == "admin"

    def test_signing_in_is_required(self, db):
        response = Client().post("/workspaces/new/", FIELDS)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
        assert not Workspace.objects.exists()
