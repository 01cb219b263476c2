"""First run: every empty page says what to do next, with the button to do it (for those who
may), in a workspace just created (docs/members.md, "First run")."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from headway.accounts import actions
from headway.accounts.models import Membership
from headway.core.tests.factories import MembershipFactory, UserFactory
from headway.domain.types import Role
from headway.okrs.models import Cycle

pytestmark = pytest.mark.django_db

CREATE_CYCLE = 'href="/okrs/cycles/new/">Create a cycle</a>'
CREATE_OBJECTIVE = 'href="/okrs/objectives/new/">Create an objective</a>'


@pytest.fixture
def fresh() -> Membership:
    """A workspace just made by the operator: one admin, one cycle, nothing else."""
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    return actions.create_workspace(
        root, name="Initech", timezone_name="UTC", cycle_name="Q1 2026",
        cycle_start=date(2026, 1, 1), cycle_end=date(2026, 3, 31),
    )  # fmt: skip


def page(user, path: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def joined(fresh: Membership, role: str) -> Membership:
    return MembershipFactory(user=UserFactory(username=role), workspace=fresh.workspace, role=role)


class TestNoCycleYet:
    @pytest.mark.parametrize("path", ["/", "/okrs/", "/okrs/review/"])
    def test_an_admin_is_told_to_create_a_cycle_first_with_the_button(self, fresh, path):
        Cycle.objects.all().delete()
        text = page(fresh.user, path)
        assert "Create a cycle first" in text
        assert CREATE_CYCLE in text

    @pytest.mark.parametrize("path", ["/", "/okrs/", "/okrs/review/"])
    def test_a_member_is_told_to_ask_an_admin_and_gets_no_button(self, fresh, path):
        Cycle.objects.all().delete()
        text = page(joined(fresh, Role.MEMBER.value).user, path)
        assert "Ask an admin" in text
        assert CREATE_CYCLE not in text


class TestNothingInTheCycleYet:
    @pytest.mark.parametrize("path", ["/", "/okrs/", "/okrs/review/"])
    def test_an_admin_or_member_is_offered_to_create_an_objective(self, fresh, path):
        assert CREATE_OBJECTIVE in page(fresh.user, path)
        assert CREATE_OBJECTIVE in page(joined(fresh, Role.MEMBER.value).user, path)

    @pytest.mark.parametrize("path", ["/", "/okrs/", "/okrs/review/"])
    def test_a_viewer_gets_no_button(self, fresh, path):
        assert CREATE_OBJECTIVE not in page(joined(fresh, Role.VIEWER.value).user, path)

    def test_no_kpis_yet_offers_to_add_one(self, fresh):
        text = page(fresh.user, "/kpis/")
        assert "No KPIs yet" in text
        assert 'href="/kpis/new/">Add a KPI</a>' in text
        assert "Add a KPI</a>" not in page(joined(fresh, Role.VIEWER.value).user, "/kpis/")

    def test_a_filter_that_matches_nothing_says_so_instead(self, fresh):
        assert "No KPI matches." in page(fresh.user, "/kpis/?q=nothing")

    def test_no_teams_yet_offers_to_create_one_to_an_admin(self, fresh):
        assert 'href="/teams/new/">Create a team</a>' in page(fresh.user, "/teams/")
        text = page(joined(fresh, Role.MEMBER.value).user, "/teams/")
        assert "No teams yet" in text
        assert "Create a team</a>" not in text
