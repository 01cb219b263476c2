"""My focus, the home page, and the shared page plumbing (errors, assets, CSP)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from headway.core.tests.factories import (
    CheckInFactory,
    InitiativeFactory,
    KeyResultFactory,
    KPIFactory,
    KPIValueFactory,
    ObjectiveFactory,
)
from headway.core.tests.fixtures import signed_in
from headway.history.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mid_quarter(time_machine):
    time_machine.move_to(datetime(2026, 2, 18, 12, tzinfo=UTC), tick=False)  # a Wednesday


def test_my_focus_shows_what_needs_me_this_week(world):
    me = world.user("member")
    objective = ObjectiveFactory(
        workspace=world.workspace, cycle=world.cycle, owner=me, team=world.web, title="Be fast"
    )
    stale_kr = KeyResultFactory(objective=objective, title="Checked in last week")
    fresh_kr = KeyResultFactory(objective=objective, title="Checked in on Monday")
    CheckInFactory(key_result=stale_kr, at=date(2026, 2, 10))
    CheckInFactory(key_result=fresh_kr, at=date(2026, 2, 16))
    red = KPIFactory(workspace=world.workspace, owner=me, name="Error rate budget")
    KPIValueFactory(kpi=red, at=date(2026, 2, 17), value=10.0)
    green = KPIFactory(workspace=world.workspace, owner=me, name="Happy KPI")
    KPIValueFactory(kpi=green, at=date(2026, 2, 17), value=99.0)
    InitiativeFactory(objective=objective, owner=me, title="Ship the cache", due=date(2026, 2, 20))
    Event.objects.create(
        workspace=world.workspace, actor=world.user("admin"), at=objective.created_at,
        verb="updated", subject_type="objective", subject_key=objective.key,
        summary="Be fast", objective=objective, team=world.web,
    )  # fmt: skip

    text = signed_in(world, "member").get("/").content.decode()
    assert "Checked in last week" in text
    assert "Checked in on Monday" not in text
    assert "Be fast" in text
    assert "Error rate budget" in text
    assert "Happy KPI" not in text
    assert "Ship the cache" in text
    assert "Ada" in text
    assert "updated the objective" in text


def test_pages_send_a_strict_content_security_policy_and_load_local_assets(world):
    response = signed_in(world, "member").get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    text = response.content.decode()
    assert 'src="/static/django_htmx/htmx-2.min.js"' in text or "htmx" in text
    assert "style=" not in text
    assert "onclick" not in text
    assert "<script>" not in text


def test_an_unknown_object_is_a_friendly_404(world):
    response = signed_in(world, "member").get("/okrs/objectives/nope/")
    assert response.status_code == 404
    assert "Objective &#x27;nope&#x27; not found" in response.content.decode()
