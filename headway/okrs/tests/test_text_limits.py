"""Long texts: pages take what the API and the plan file take, so every backup restores."""

from __future__ import annotations

from datetime import date

import pytest

from headway.core.tests.factories import CheckInFactory, KeyResultFactory, ObjectiveFactory
from headway.core.tests.fixtures import signed_in
from headway.domain.bounds import MAX_TEXT
from headway.okrs.models import CheckIn, Objective
from headway.plans.exporter import export_workspace, render
from headway.plans.schema import parse_plan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mid_quarter")]


@pytest.fixture
def objective(world):
    objective = ObjectiveFactory(
        workspace=world.workspace, cycle=world.cycle, key="fast", team=world.web,
        owner=world.user("member"),
    )  # fmt: skip
    kr = KeyResultFactory(objective=objective, key="fast-kr0", title="Metric", start=0, target=100)
    CheckInFactory(key_result=kr, at=date(2026, 1, 20), value=10.0, confidence=6)
    return objective


def edit(client, objective, description):
    data = {
        "title": objective.title, "description": description, "cycle": "2026-q1",
        "team": "web", "owner": "max", "kind": objective.kind,
        "visibility": objective.visibility,
    }  # fmt: skip
    return client.post(f"/okrs/objectives/{objective.key}/edit/", data)


def test_a_description_longer_than_the_limit_is_refused_naming_it(world, objective):
    response = edit(signed_in(world, "member"), objective, "x" * (MAX_TEXT + 1))
    assert response.status_code == 200
    assert f"at most {MAX_TEXT:,}".replace(",", "") in response.content.decode().replace(",", "")
    assert Objective.objects.get(key="fast").description == ""


def test_check_in_notes_and_blockers_are_bounded_help_request_included(world, objective):
    client = signed_in(world, "member")
    too_long = {
        "fast-kr0-value": "80", "fast-kr0-confidence": "8", "fast-kr0-help_needed": "on",
        "fast-kr0-blockers": "b" * (MAX_TEXT - 5),
    }  # fmt: skip
    response = client.post("/okrs/check-in/", too_long)
    assert "Nothing was saved" in response.content.decode()
    assert not CheckIn.objects.filter(at=date(2026, 2, 15)).exists()

    longest = too_long | {
        "fast-kr0-blockers": "b" * (MAX_TEXT - 13),
        "fast-kr0-note": "n" * MAX_TEXT,
    }
    client.post("/okrs/check-in/", longest)
    stored = CheckIn.objects.get(at=date(2026, 2, 15))
    assert len(stored.blockers) <= MAX_TEXT
    assert len(stored.note) == MAX_TEXT


def test_the_longest_texts_a_page_takes_survive_a_backup(world, objective):
    client = signed_in(world, "member")
    assert edit(client, objective, "d" * MAX_TEXT).status_code == 302
    client.post(
        "/okrs/check-in/",
        {"fast-kr0-value": "80", "fast-kr0-confidence": "8", "fast-kr0-note": "n" * MAX_TEXT},
    )
    backup = render(export_workspace(world.workspace, as_of=date(2026, 2, 15), complete=True))
    plan = parse_plan(backup, restore=True)
    (restored,) = [o for o in plan.objectives if o["key"] == "fast"]
    assert restored["description"] == "d" * MAX_TEXT
    check_ins = restored.children["key_results"][0].children["check_ins"]
    assert [c["note"] for c in check_ins][-1] == "n" * MAX_TEXT
