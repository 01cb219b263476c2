"""Blockers and "I need help" written with check-ins are shown: in the objective page's history,
and, while open, on the team page and on the team lead's My focus."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client

from headway.core.tests.factories import KeyResultFactory, ObjectiveFactory
from headway.core.tests.fixtures import signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mid_quarter")]


@pytest.fixture
def kr(world):
    """max's key result in the web team (under lea's product department)."""
    objective = ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, key="fast",
                                 title="Make the web app fast", team=world.web,
                                 owner=world.user("member"))  # fmt: skip
    return KeyResultFactory(objective=objective, key="p95", title="p95 below 300 ms",
                            owner=world.user("member"))  # fmt: skip


def check_in(client: Client, **fields: str) -> None:
    data = {"p95-value": "40", "p95-confidence": "5"} | {f"p95-{k}": v for k, v in fields.items()}
    assert "Saved 1 check-in" in client.post("/okrs/check-in/", data).content.decode()


class TestObjectiveHistory:
    def test_it_shows_the_note_and_the_blockers_of_a_check_in(self, world, kr):
        check_in(signed_in(world, "member"), note="CDN live in EU", blockers="Waiting for legal")
        page = signed_in(world, "viewer").get("/okrs/objectives/fast/").content.decode()
        history = page.split("<h2>History</h2>")[1]
        assert "CDN live in EU" in history
        assert "Waiting for legal" in history


class TestOpenBlockers:
    def test_a_help_request_is_on_the_team_page_and_the_leads_focus(self, world, kr):
        check_in(signed_in(world, "member"), blockers="Need a DBA", help_needed="on")
        team = signed_in(world, "viewer").get("/teams/web/").content.decode()
        assert "Open blockers and help requests" in team
        assert "Help needed. Need a DBA" in team
        focus = signed_in(world, "lead").get("/").content.decode()
        assert "Blockers and help requests in my teams" in focus
        assert "Help needed. Need a DBA" in focus

    def test_a_blocker_is_open_until_a_later_check_in_leaves_the_box_empty(
        self, world, kr, time_machine
    ):
        client = signed_in(world, "member")
        check_in(client, blockers="Waiting for legal")
        assert "Waiting for legal" in signed_in(world, "lead").get("/").content.decode()
        time_machine.move_to(datetime(2026, 2, 16, 12, tzinfo=UTC), tick=False)
        check_in(client)
        assert "Waiting for legal" not in signed_in(world, "lead").get("/").content.decode()
        assert "Open blockers" not in signed_in(world, "lead").get("/teams/web/").content.decode()

    def test_a_member_who_leads_no_team_has_no_blockers_section(self, world, kr):
        check_in(signed_in(world, "member"), blockers="Waiting for legal")
        focus = signed_in(world, "member").get("/").content.decode()
        assert "Blockers and help requests in my teams" not in focus
