"""One current workspace: pages and the API's session auth act in the same one."""

from __future__ import annotations

import pytest
from django.test import Client

from headway.core.tests.factories import MembershipFactory, WorkspaceFactory
from headway.kpis.models import KPI

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_workspaces(world):
    """max joined acme first, then "Aardvark", which comes first by name."""
    aardvark = WorkspaceFactory(key="aardvark", name="Aardvark")
    MembershipFactory(user=world.user("member"), workspace=aardvark, role="member")
    client = Client()
    client.force_login(world.user("member"))
    return client


def page_workspace(client: Client) -> str:
    return client.get("/").context["membership"].workspace.key


def api_write(client: Client, key: str) -> str:
    response = client.post(
        "/api/v1/kpis",
        {"key": key, "name": key.title(), "target": 50},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return KPI.objects.get(key=key).workspace.key


def test_without_a_choice_pages_and_api_use_the_same_workspace(two_workspaces):
    shown = page_workspace(two_workspaces)
    assert two_workspaces.get("/api/v1/me").json()["workspace"] == shown
    assert api_write(two_workspaces, "nps") == shown


@pytest.mark.parametrize("chosen", ["acme", "aardvark"])
def test_switching_on_the_pages_moves_the_api_along(two_workspaces, chosen):
    two_workspaces.post("/workspace/", {"workspace": chosen})
    assert page_workspace(two_workspaces) == chosen
    assert two_workspaces.get("/api/v1/me").json()["workspace"] == chosen
    assert api_write(two_workspaces, f"nps-{chosen}") == chosen


def test_a_workspace_one_has_left_is_no_longer_current(two_workspaces, world):
    two_workspaces.post("/workspace/", {"workspace": "acme"})
    world.member.delete()
    assert page_workspace(two_workspaces) == "aardvark"
    assert two_workspaces.get("/api/v1/me").json()["workspace"] == "aardvark"
