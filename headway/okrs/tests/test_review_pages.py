"""The cycle review shows a page of teams at a time, finds a team by key or name, and its
forms return to the page they were posted from."""

from __future__ import annotations

import re
from datetime import date

import pytest

from headway.core.tests import factories
from headway.core.tests.fixtures import signed_in
from headway.okrs.models import Objective
from headway.okrs.views.review import TEAMS_PER_PAGE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mid_quarter")]

TEAMS = TEAMS_PER_PAGE + 3


@pytest.fixture
def teams(world):
    """`TEAMS` teams "Team 00".. below the web team, each with one unfinished objective owned
    by the member (key T00..), and a private objective of the company the member cannot see."""
    for n in range(TEAMS):
        team = factories.TeamFactory(
            workspace=world.workspace, key=f"t{n:02d}", name=f"Team {n:02d}", parent=world.web
        )
        objective = factories.ObjectiveFactory(
            workspace=world.workspace, cycle=world.cycle, key=f"T{n:02d}",
            title=f"Objective of team {n:02d}", team=team, owner=world.user("member"),
        )  # fmt: skip
        factories.KeyResultFactory(objective=objective, key=f"T{n:02d}-1", start=0, target=10)
    factories.ObjectiveFactory(
        workspace=world.workspace, cycle=world.cycle, key="SECRET", title="Secret plan",
        team=world.company, owner=world.user("admin"), visibility="private",
    )  # fmt: skip


def sections(page: str) -> list[str]:
    return re.findall(r'<section class="card review-team" id="team-([^"]+)"', page)


def review(world, persona: str, query: str = "") -> str:
    return signed_in(world, persona).get(f"/okrs/review/2026-q1/{query}").content.decode()


def test_the_first_page_shows_the_first_teams_by_name_and_counts_them(world, teams):
    page = review(world, "member")
    assert sections(page) == [f"t{n:02d}" for n in range(TEAMS_PER_PAGE)]
    assert f"1\u2013{TEAMS_PER_PAGE} of {TEAMS} teams" in page
    assert f"{TEAMS} objectives in this cycle" in page  # not the secret one
    assert "1 objective</span>" in page


def test_the_last_page_shows_the_rest(world, teams):
    page = review(world, "member", "?page=2")
    assert sections(page) == [f"t{n:02d}" for n in range(TEAMS_PER_PAGE, TEAMS)]
    assert f"{TEAMS_PER_PAGE + 1}\u2013{TEAMS} of {TEAMS} teams" in page
    assert 'rel="prev" href="?"' in page


@pytest.mark.parametrize(
    ("number", "first"), [("0", "t00"), ("abc", "t00"), ("99999", "t10"), ("9" * 5000, "t00")]
)
def test_a_page_number_out_of_range_gives_the_nearest_page(world, teams, number, first):
    response = signed_in(world, "member").get(f"/okrs/review/2026-q1/?page={number}")
    assert response.status_code == 200
    assert sections(response.content.decode())[0] == first


def test_the_admin_sees_the_private_objective_in_its_teams_section(world, teams):
    member, admin = review(world, "member"), review(world, "admin", "?team=company")
    assert "Secret plan" not in member
    assert sections(admin) == ["company"]
    assert "Secret plan" in admin
    assert "1\u20131 of 1 teams" in admin


def test_a_hidden_objective_is_never_found_by_its_team(world, teams):
    page = review(world, "member", "?team=company")
    assert sections(page) == []
    assert "Secret plan" not in page
    assert "No team matching “company” has objectives in this cycle." in page


@pytest.mark.parametrize("search", ["T11", "team 11", "m 11"])
def test_the_team_search_finds_a_team_by_key_or_name(world, teams, search):
    page = review(world, "member", f"?team={search}")
    assert sections(page) == ["t11"]
    assert "Objective of team 11" in page
    assert "Objective of team 01" not in page


def test_objectives_without_a_team_form_their_own_section(world, teams):
    factories.ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, key="LOOSE", team=None,
                     title="Loose objective", owner=world.user("member"))  # fmt: skip
    page = review(world, "member")
    assert sections(page)[0] == "no-team"
    assert "Loose objective" in page


def test_an_htmx_page_request_gets_only_the_teams(world, teams):
    response = signed_in(world, "member").get(
        "/okrs/review/2026-q1/?page=2", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="review-teams"
    )
    text = response.content.decode()
    assert text.lstrip().startswith('<div id="review-teams">')
    assert "<html" not in text
    assert sections(text)[0] == f"t{TEAMS_PER_PAGE:02d}"
    full = review(world, "member", "?page=2")
    assert "<html" in full
    assert 'hx-target="#review-teams"' in full


def test_a_retrospective_saved_from_page_two_returns_to_page_two(world, teams):
    client = signed_in(world, "member")
    page = client.get("/okrs/review/2026-q1/?page=2").content.decode()
    assert 'action="/okrs/objectives/T11/retrospective/?page=2"' in page
    response = client.post(
        "/okrs/objectives/T11/retrospective/?page=2", {"retrospective": "Went well"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/okrs/review/2026-q1/?page=2"
    assert Objective.objects.get(key="T11").retrospective == "Went well"


def test_a_viewer_reads_the_retrospectives_without_forms(world, teams):
    page = review(world, "viewer", "?page=2")
    assert sections(page)[0] == f"t{TEAMS_PER_PAGE:02d}"
    assert "retrospective/" not in page
    assert "carry-over" not in page


@pytest.fixture
def q2(world):
    return factories.CycleFactory(
        workspace=world.workspace, key="2026-q2", name="Q2 2026",
        start=date(2026, 4, 1), end=date(2026, 6, 30), state="planning",
    )  # fmt: skip


def test_the_carry_over_form_offers_the_objectives_of_the_teams_shown(world, teams, q2):
    page = review(world, "member", "?page=2")
    offered = re.findall(r'name="objectives" value="([^"]+)"', page)
    assert offered == [f"T{n:02d}" for n in range(TEAMS_PER_PAGE, TEAMS)]
    assert 'action="/okrs/cycles/2026-q1/carry-over/?page=2"' in page
    assert "page 2 of 2: carry each page over in turn" in page


def test_carrying_over_from_page_two_returns_to_page_two(world, teams, q2):
    response = signed_in(world, "member").post(
        "/okrs/cycles/2026-q1/carry-over/?page=2",
        {"objectives": ["T11", "T12"], "to_cycle": "2026-q2", "mode": "move"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/okrs/review/2026-q1/?page=2"
    assert sorted(Objective.objects.filter(cycle=q2).values_list("title", flat=True)) == [
        "Objective of team 11",
        "Objective of team 12",
    ]


def test_carrying_over_a_hidden_objective_from_a_page_is_still_refused(world, teams, q2):
    response = signed_in(world, "member").post(
        "/okrs/cycles/2026-q1/carry-over/?page=2",
        {"objectives": ["T11", "SECRET"], "to_cycle": "2026-q2"},
        follow=True,
    )
    assert "unknown objective" in response.content.decode()
    assert response.redirect_chain[-1][0] == "/okrs/review/2026-q1/?page=2"
    assert not Objective.objects.filter(cycle=q2).exists()
    assert not Objective.objects.filter(carried_over=True).exists()
