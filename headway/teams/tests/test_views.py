"""Team pages: the tree with rollups, one team, create and edit (admins)."""

from __future__ import annotations

from datetime import date

import pytest

from headway.core.tests.factories import (
    CheckInFactory,
    KeyResultFactory,
    KPIFactory,
    ObjectiveFactory,
)
from headway.core.tests.fixtures import signed_in
from headway.teams.models import Team

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mid_quarter")]


def test_the_tree_rolls_progress_up_to_parent_teams(world):
    objective = ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, team=world.web)
    kr = KeyResultFactory(objective=objective)
    CheckInFactory(key_result=kr, at=date(2026, 2, 1), value=40.0)
    text = signed_in(world, "viewer").get("/teams/").content.decode()
    # web, and product and company above it
    assert text.count('<span class="small">40%</span>') == 3
    assert 'class="depth-2"' in text


def test_a_team_page_lists_objectives_kpis_members_and_children(world):
    ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, team=world.product, title="Ship")
    KPIFactory(workspace=world.workspace, team=world.product, name="Velocity")
    world.product.members.add(world.user("lead"))
    text = signed_in(world, "member").get("/teams/product/").content.decode()
    assert "Ship" in text
    assert "Velocity" in text
    assert "Lea" in text
    assert 'href="/teams/web/"' in text
    assert "Edit team" not in text


def test_an_admin_creates_and_edits_a_team(world):
    client = signed_in(world, "admin")
    response = client.post(
        "/teams/new/", {"name": "Mobile", "kind": "team", "parent": "product", "members": ["max"]}
    )
    team = Team.objects.get(name="Mobile")
    assert response["Location"] == f"/teams/{team.key}/"
    assert team.parent == world.product
    assert list(team.members.values_list("username", flat=True)) == ["max"]
    client.post(f"/teams/{team.key}/edit/", {"name": "Mobile apps", "kind": "team"})
    assert Team.objects.get(pk=team.pk).name == "Mobile apps"


def test_a_member_may_not_create_teams(world):
    assert (
        signed_in(world, "member").post("/teams/new/", {"name": "X", "kind": "team"}).status_code
        == 403
    )
    assert not Team.objects.filter(name="X").exists()
