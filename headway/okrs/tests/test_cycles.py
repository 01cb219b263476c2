"""Cycles through the real URL stack: derived state, the current cycle, editing a closed cycle,
reopening, a child's cycle (docs/scoring.md "Cycles")."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from headway.core.tests.factories import CycleFactory, InitiativeFactory, ObjectiveFactory
from headway.core.tests.fixtures import signed_in
from headway.okrs.models import Cycle

pytestmark = pytest.mark.django_db


def at(time_machine, day: date) -> None:
    time_machine.move_to(datetime(day.year, day.month, day.day, 12, tzinfo=UTC), tick=False)


@pytest.fixture
def year(world):
    """Q1 (the world's, active) and Q2-Q4 planned, as an admin sets up a year in January."""
    quarters = [
        ("2026-q2", date(2026, 4, 1), date(2026, 6, 30)),
        ("2026-q3", date(2026, 7, 1), date(2026, 9, 30)),
        ("2026-q4", date(2026, 10, 1), date(2026, 12, 31)),
    ]
    for key, start, end in quarters:
        CycleFactory(workspace=world.workspace, key=key, name=key.upper(), start=start, end=end,
                     state="planning")  # fmt: skip
    return world


class TestDerivedState:
    def test_a_planned_cycle_is_active_from_its_start_date_without_anyone_switching_it(
        self, year, api_as, time_machine
    ):
        at(time_machine, date(2026, 3, 31))
        assert api_as("member").get("/cycles/2026-q2").json["state"] == "planning"
        at(time_machine, date(2026, 4, 1))
        assert api_as("member").get("/cycles/2026-q2").json["state"] == "active"
        page = signed_in(year, "admin").get("/okrs/review/2026-q2/").content.decode()
        assert '<span class="chip chip-blue">Active</span>' in page


class TestCurrentCycle:
    def test_after_closing_a_quarter_the_okr_page_shows_the_next_not_the_furthest(
        self, year, time_machine
    ):
        at(time_machine, date(2026, 4, 2))
        client = signed_in(year, "admin")
        client.post("/okrs/cycles/2026-q1/close/")
        assert client.get("/okrs/").context["cycle"].key == "2026-q2"
        assert client.get("/teams/web/").context["cycle"].key == "2026-q2"

    def test_the_rollup_api_and_the_pages_agree(self, year, api_as, time_machine):
        at(time_machine, date(2026, 5, 2))
        assert Cycle.objects.filter(workspace=year.workspace).current(date(2026, 5, 2)).key == (
            "2026-q2"
        )
        assert signed_in(year, "admin").get("/teams/").context["cycle"].key == "2026-q2"


class TestClosedCycle:
    def test_its_edit_form_saves_a_new_name_and_keeps_the_dates(self, world, time_machine):
        at(time_machine, date(2026, 4, 2))
        Cycle.objects.filter(pk=world.cycle.pk).update(state="closed")
        client = signed_in(world, "admin")
        page = client.get("/okrs/cycles/2026-q1/edit/").content.decode()
        assert 'name="start"' in page
        assert 'action="/okrs/cycles/2026-q1/reopen/"' in page
        response = client.post(
            "/okrs/cycles/2026-q1/edit/",
            {"key": "2026-q1", "name": "Q1 2026 (final)", "start": "2026-01-01",
             "end": "2026-03-31"},
        )  # fmt: skip
        assert response.status_code == 302
        cycle = Cycle.objects.get(pk=world.cycle.pk)
        assert (cycle.name, cycle.state, cycle.end) == ("Q1 2026 (final)", "closed",
                                                        date(2026, 3, 31))  # fmt: skip

    def test_its_dates_cannot_be_changed_until_it_is_reopened(self, world, time_machine):
        at(time_machine, date(2026, 4, 2))
        Cycle.objects.filter(pk=world.cycle.pk).update(state="closed")
        signed_in(world, "admin").post(
            "/okrs/cycles/2026-q1/edit/",
            {"key": "other", "name": "Q1", "start": "2026-01-01", "end": "2026-06-30"},
        )
        cycle = Cycle.objects.get(pk=world.cycle.pk)
        assert (cycle.key, cycle.end) == ("2026-q1", date(2026, 3, 31))

    def test_an_admin_reopens_it_from_the_review_page(self, world, time_machine):
        at(time_machine, date(2026, 4, 2))
        client = signed_in(world, "admin")
        client.post("/okrs/cycles/2026-q1/close/")
        assert "Reopen cycle" in client.get("/okrs/review/2026-q1/").content.decode()
        response = client.post("/okrs/cycles/2026-q1/reopen/", follow=True)
        assert "is reopened" in response.content.decode()
        cycle = Cycle.objects.get(pk=world.cycle.pk)
        assert (cycle.state, cycle.frozen_figures) == ("active", None)

    def test_a_member_may_not_reopen_it(self, world, time_machine):
        at(time_machine, date(2026, 4, 2))
        Cycle.objects.filter(pk=world.cycle.pk).update(state="closed")
        client = signed_in(world, "member")
        assert "Reopen cycle" not in client.get("/okrs/review/2026-q1/").content.decode()
        assert client.post("/okrs/cycles/2026-q1/reopen/").status_code == 403
        assert Cycle.objects.get(pk=world.cycle.pk).state == "closed"

    def test_its_initiatives_are_no_longer_due_soon(self, world, time_machine):
        at(time_machine, date(2026, 3, 25))
        objective = ObjectiveFactory(workspace=world.workspace, cycle=world.cycle,
                                     owner=world.user("member"))  # fmt: skip
        InitiativeFactory(objective=objective, title="Ship the CDN", owner=world.user("member"),
                          due=date(2026, 3, 30))  # fmt: skip
        client = signed_in(world, "member")
        assert "Ship the CDN" in client.get("/").content.decode()
        Cycle.objects.filter(pk=world.cycle.pk).update(state="closed")
        assert "Ship the CDN" not in client.get("/").content.decode()


class TestChildObjective:
    def test_add_child_objective_proposes_the_parents_cycle(self, year, time_machine):
        at(time_machine, date(2026, 2, 15))
        parent = ObjectiveFactory(workspace=year.workspace, key="yearly",
                                  cycle=Cycle.objects.get(key="2026-q3"))  # fmt: skip
        response = signed_in(year, "member").get(f"/okrs/objectives/new/?parent={parent.key}")
        form = response.context["form"]
        assert form.initial["cycle"].key == "2026-q3"
        assert form.initial["parent"] == parent
