"""Team pages: the tree with rollups, one team, create and edit (admins)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from headway.core.tests.factories import (
    CheckInFactory,
    KeyResultFactory,
    KPIFactory,
    ObjectiveFactory,
    TeamFactory,
)
from headway.core.tests.fixtures import signed_in
from headway.teams.models import Team

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mid_quarter")]


def test_the_tree_rolls_progress_up_to_parent_teams(world):
    objective = ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, team=world.web)
    kr = KeyResultFactory(objective=objective)
    CheckInFactory(key_result=kr, at=date(2026, 2, 1), value=40.0)
    text = signed_in(world, "viewer").get("/teams/?open=product").content.decode()
    # web, and product and company above it
    assert text.count('<span class="small">40%</span>') == 3


class TestTheTreeOpensOnDemand:
    def test_it_shows_the_company_and_its_departments_with_a_link_to_open_a_branch(self, world):
        text = signed_in(world, "member").get("/teams/").content.decode()
        assert 'href="/teams/product/"' in text
        assert 'href="/teams/web/"' not in text
        assert 'href="?open=product"' in text
        assert "Open 1 team" in text
        assert "3 teams in all" in text

    def test_without_javascript_the_link_answers_the_page_with_the_branch_open(self, world):
        text = signed_in(world, "member").get("/teams/?open=web").content.decode()
        assert "<!doctype html>" in text
        # the path down to web is open: company, product, web
        assert 'href="/teams/web/"' in text

    def test_htmx_gets_only_the_child_teams_of_the_branch(self, world):
        response = signed_in(world, "member").get("/teams/?open=product", HTTP_HX_REQUEST="true")
        text = response.content.decode()
        assert "<html" not in text
        assert 'href="/teams/web/"' in text
        assert 'href="/teams/product/"' not in text

    def test_a_branch_of_another_workspace_does_not_open(self, world):
        TeamFactory(workspace=world.other, key="secret", name="Secret", parent=None)
        client = signed_in(world, "member")
        text = client.get("/teams/?open=secret", HTTP_HX_REQUEST="true").content.decode()
        assert "Secret" not in text
        assert 'href="/teams/product/"' in text  # the page, as if nothing was asked


class TestTheTeamSearch:
    def test_it_finds_a_team_by_name_or_key_anywhere_in_the_tree(self, world):
        client = signed_in(world, "member")
        for q in ("WE", "web"):
            text = client.get("/teams/", {"q": q}).content.decode()
            assert 'href="/teams/web/"' in text
            assert "1\u20131 of 1 teams found" in text
            assert "in Product" in text
            assert 'href="/teams/product/"' not in text

    def test_it_never_finds_a_team_of_another_workspace(self, world):
        TeamFactory(workspace=world.other, key="websecret", name="Web secret")
        text = signed_in(world, "member").get("/teams/", {"q": "secret"}).content.decode()
        assert "Web secret" not in text
        assert "No team matches" in text

    def test_its_results_are_paged(self, world):
        for n in range(55):
            TeamFactory(workspace=world.workspace, key=f"squad-{n:02d}", name=f"Squad {n:02d}")
        client = signed_in(world, "member")
        text = client.get("/teams/", {"q": "squad", "page": "2"}).content.decode()
        assert "51\u201355 of 55 teams found" in text
        assert "Squad 54" in text
        assert "Squad 00" not in text
        assert 'href="?q=squad"' in text  # back to the first page, the search kept


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


def departments(world, count: int, *, parent: Team | None = None) -> None:
    for n in range(count):
        TeamFactory(
            workspace=world.workspace, key=f"dept-{n:02d}", name=f"Dept {n:02d}",
            parent=parent or world.company,
        )  # fmt: skip


class TestTheTreeIsShownAPageAtATime:
    """Whatever the size of the organisation, a page shows 25 teams under the top or under an
    open branch, with the count and links to the others."""

    def test_the_top_shows_25_teams_and_a_pager(self, world):
        departments(world, 30)  # with product: 31 departments, 32 teams at the top
        client = signed_in(world, "member")
        first = client.get("/teams/").content.decode()
        assert "1\u201325 of 32 teams" in first
        assert "Dept 23" in first
        assert "Dept 24" not in first
        second = client.get("/teams/", {"page": "2"}).content.decode()
        assert "26\u201332 of 32 teams" in second
        assert 'href="/teams/company/"' in second  # the company above its departments again
        assert "Dept 29" in second
        assert "Dept 23" not in second

    def test_an_open_branch_shows_25_child_teams_and_a_link_to_the_others(self, world):
        departments(world, 30, parent=world.product)
        client = signed_in(world, "member")
        text = client.get("/teams/?open=product", HTTP_HX_REQUEST="true").content.decode()
        assert "Dept 24" in text
        assert "Dept 25" not in text
        assert "1\u201325 of 31 teams" in text
        assert 'href="?open=product&amp;page=2"' in text
        rest = client.get("/teams/?open=product&page=2").content.decode()
        assert "<!doctype html>" in rest
        assert "26\u201331 of 31 teams" in rest
        assert 'href="/teams/company/"' in rest  # the path down to the branch
        assert "Dept 29" in rest

    def test_a_team_page_shows_25_child_teams(self, world):
        departments(world, 30)
        text = signed_in(world, "member").get("/teams/company/", {"teams": "2"}).content.decode()
        assert "26\u201331 of 31 child teams" in text
        assert "Dept 29" in text
        assert "Dept 00" not in text

    @pytest.mark.parametrize(
        ("url", "htmx"),
        [
            ("/teams/", False),
            ("/teams/?open=product", False),
            ("/teams/?open=product", True),
            ("/teams/?q=dept", False),
            ("/teams/company/", False),
            ("/teams/product/", False),
        ],
    )
    def test_the_queries_do_not_grow_with_the_teams(self, world, url, htmx):
        client = signed_in(world, "lead")
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url, **headers).status_code == 200
            return len(captured)

        departments(world, 3, parent=world.product)
        few = queries()
        for n in range(40):
            dept = TeamFactory(workspace=world.workspace, key=f"d{n}", name=f"Dept d{n}",
                               parent=world.company if n % 2 else world.product)  # fmt: skip
            TeamFactory(workspace=world.workspace, parent=dept)
        assert queries() == few
