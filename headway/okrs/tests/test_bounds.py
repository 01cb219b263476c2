"""Sane numbers, sane dates and done/not-done key results, through the API, the pages and the
scoring adapter (issue 9, items 11, 12, 17, 26 and 29)."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

import pytest

from headway.core.tests.factories import (
    CheckInFactory,
    KeyResultFactory,
    KPIFactory,
    KPIValueFactory,
    ObjectiveFactory,
)
from headway.core.tests.fixtures import signed_in
from headway.okrs import actions
from headway.okrs.models import CheckIn, Cycle, KeyResult
from headway.okrs.scoring import scoreboard

pytestmark = pytest.mark.django_db


@pytest.fixture
def mid_quarter(time_machine):
    """Today is 2026-02-15, half-way through the fixture's 2026-q1 cycle."""
    time_machine.move_to(datetime(2026, 2, 15, 12, tzinfo=UTC), tick=False)


@pytest.fixture
def objective(world):
    return ObjectiveFactory(
        workspace=world.workspace,
        cycle=world.cycle,
        team=world.web,
        key="O-1",
        owner=world.user("member"),
    )


@pytest.fixture
def done(objective):
    """A done/not-done key result."""
    return KeyResultFactory(
        objective=objective, key="KR-done", metric="boolean", start=None, target=None
    )


def raw_get(api, path: str) -> bytes:
    """The body as sent: Python's json would read Infinity and -0.0 without a complaint."""
    return api.client.get(f"/api/v1{path}", headers=api.headers).content


class TestNumbers:
    def test_the_reported_tiny_span_is_refused_naming_target(self, api_as, objective):
        response = api_as("member").post(
            "/objectives/O-1/key-results",
            {"key": "KR-9", "title": "Tiny", "start": 1e-300, "target": 2e-300},
        )
        assert response.status == 400
        assert response.json["field"] == "target"
        assert not KeyResult.objects.filter(key="KR-9").exists()

    @pytest.mark.parametrize("field", ["start", "target"])
    def test_a_number_above_1e15_is_refused_by_the_api(self, api_as, objective, field):
        body = {"key": "KR-9", "title": "Huge", "start": 0, "target": 10} | {field: 1e300}
        response = api_as("member").post("/objectives/O-1/key-results", body)
        assert response.status == 422
        assert response.json["field"] == field
        assert not KeyResult.objects.filter(key="KR-9").exists()

    def test_a_check_in_of_1e300_is_refused_naming_value(self, api_as, objective, mid_quarter):
        KeyResultFactory(objective=objective, key="KR-1")
        response = api_as("member").post(
            "/key-results/KR-1/check-ins", {"value": 1e300, "confidence": 5}
        )
        assert response.status == 422
        assert response.json["field"] == "value"
        assert not CheckIn.objects.exists()

    def test_a_row_stored_before_the_bounds_answers_valid_json(self, api_as, objective):
        kr = KeyResultFactory(objective=objective, key="KR-1", start=1e-300, target=2e-300)
        CheckInFactory(key_result=kr, at=date(2026, 2, 1), value=1e300)
        body = raw_get(api_as("member"), "/key-results/KR-1?as_of=2026-02-15")
        assert b"Infinity" not in body
        assert json.loads(body, parse_constant=lambda name: pytest.fail(name))["key"] == "KR-1"

    def test_a_cycle_holding_such_a_row_can_be_closed(self, world, objective):
        # PostgreSQL refuses Infinity in the frozen figures' jsonb: the close used to fail.
        kr = KeyResultFactory(objective=objective, key="KR-1", start=1e-300, target=2e-300)
        CheckInFactory(key_result=kr, at=date(2026, 2, 1), value=1e300)
        actions.close_cycle(world.cycle, actor=world.user("admin"))
        world.cycle.refresh_from_db()
        assert "Infinity" not in json.dumps(world.cycle.frozen_figures)

    def test_attainment_never_answers_negative_zero(self, api_as, objective):
        kr = KeyResultFactory(objective=objective, key="KR-1", start=5, target=3)
        CheckInFactory(key_result=kr, at=date(2026, 2, 1), value=5.00001)
        body = raw_get(api_as("member"), "/key-results/KR-1?as_of=2026-02-15")
        assert b'"attainment": 0.0' in body

    def test_the_key_result_form_refuses_a_huge_target_next_to_the_field(self, world, objective):
        response = signed_in(world, "member").post(
            "/okrs/objectives/O-1/key-results/new/",
            {"title": "Huge", "metric": "number", "start": "0", "target": "1e300",
             "direction": "auto"},
        )  # fmt: skip
        assert response.status_code == 200
        assert "less than or equal to" in response.content.decode()
        assert not KeyResult.objects.filter(title="Huge").exists()

    def test_the_check_in_page_refuses_a_huge_value(self, world, objective, mid_quarter):
        KeyResultFactory(objective=objective, key="KR-1", owner=world.user("member"))
        response = signed_in(world, "member").post(
            "/okrs/check-in/", {"KR-1-value": "1e300", "KR-1-confidence": "5"}
        )
        assert "less than or equal to" in response.content.decode()
        assert not CheckIn.objects.exists()

    def test_the_objective_page_writes_a_big_value_compactly(self, world, objective):
        kr = KeyResultFactory(objective=objective, key="KR-1", start=0, target=1.2e12)
        CheckInFactory(key_result=kr, at=date(2026, 2, 1), value=-0.0001)
        text = signed_in(world, "viewer").get("/okrs/objectives/O-1/").content.decode()
        assert "1.2T" in text
        assert "1200000000000" not in text
        assert re.search(r"[\s>]-0[\s<;]", text) is None  # '-0' as a number, not in a date


class TestDates:
    def test_a_cycle_ending_9999_is_refused_by_the_api(self, api_as):
        response = api_as("admin").post(
            "/cycles", {"key": "far", "name": "Far", "start": "2026-01-01", "end": "9999-12-31"}
        )
        assert response.status == 400
        assert response.json["field"] == "end"
        assert not Cycle.objects.filter(key="far").exists()

    def test_a_cycle_ending_9999_is_refused_by_the_page(self, world):
        response = signed_in(world, "admin").post(
            "/okrs/cycles/new/",
            {"key": "far", "name": "Far", "start": "2026-01-01", "end": "9999-12-31",
             "state": "planning"},
        )  # fmt: skip
        assert "between 2000-01-01 and 2100-12-31" in response.content.decode()
        assert not Cycle.objects.filter(key="far").exists()

    def test_a_check_in_dated_in_2030_is_refused(self, api_as, objective, mid_quarter):
        KeyResultFactory(objective=objective, key="KR-1")
        response = api_as("member").post(
            "/key-results/KR-1/check-ins", {"value": 5, "confidence": 5, "at": "2030-01-01"}
        )
        assert response.status == 400
        assert response.json["field"] == "at"
        assert "after today (2026-02-15)" in response.json["detail"]
        assert not CheckIn.objects.exists()

    def test_a_check_in_before_the_cycles_start_is_refused(self, api_as, objective, mid_quarter):
        KeyResultFactory(objective=objective, key="KR-1")
        response = api_as("member").post(
            "/key-results/KR-1/check-ins", {"value": 5, "confidence": 5, "at": "2025-12-31"}
        )
        assert response.status == 400
        assert response.json["field"] == "at"
        assert not CheckIn.objects.exists()

    def test_today_is_the_workspaces_today(self, api_as, world, objective, time_machine):
        # 23:30 UTC on 14 February is already 15 February in Auckland.
        time_machine.move_to(datetime(2026, 2, 14, 23, 30, tzinfo=UTC), tick=False)
        world.workspace.timezone = "Pacific/Auckland"
        world.workspace.save()
        KeyResultFactory(objective=objective, key="KR-1")
        api = api_as("member")
        ok = api.post(
            "/key-results/KR-1/check-ins", {"value": 5, "confidence": 5, "at": "2026-02-15"}
        )
        assert ok.status == 201
        late = api.post(
            "/key-results/KR-1/check-ins", {"value": 5, "confidence": 5, "at": "2026-02-16"}
        )
        assert late.status == 400

    def test_a_check_in_after_the_cycle_ended_lands_on_its_last_day(self, api_as, objective):
        # Today (the real clock) is after the fixture's 2026-q1 cycle.
        KeyResultFactory(objective=objective, key="KR-1")
        response = api_as("member").post(
            "/key-results/KR-1/check-ins", {"value": 5, "confidence": 5}
        )
        assert response.status == 201
        assert response.json["at"] == "2026-03-31"

    def test_closing_a_cycle_never_changes_its_figures(self, world, time_machine):
        # The reported case: a KPI-driven key result read 0.675 before the close, 0.7 after,
        # because a KPI value dated after the cycle's end counted until the close.
        time_machine.move_to(datetime(2026, 4, 20, 12, tzinfo=UTC), tick=False)
        kpi = KPIFactory(workspace=world.workspace)
        kr = KeyResultFactory(
            objective__workspace=world.workspace,
            objective__cycle=world.cycle,
            kpi=kpi,
            start=0,
            target=100,
        )
        manual = KeyResultFactory(objective=kr.objective, start=0, target=100)
        KPIValueFactory(kpi=kpi, at=date(2026, 3, 30), value=67.5)
        KPIValueFactory(kpi=kpi, at=date(2026, 4, 15), value=70)
        CheckInFactory(key_result=manual, at=date(2026, 3, 1), value=40)
        today = date(2026, 4, 20)
        before = scoreboard([world.cycle], as_of=today)
        assert before.key_results[kr.id].progress == 0.675
        actions.close_cycle(world.cycle, actor=world.user("admin"))
        world.cycle.refresh_from_db()
        after = scoreboard([world.cycle], as_of=today)
        assert after.key_results == before.key_results
        assert after.objectives == before.objectives


class TestDoneOrNotDone:
    def test_the_api_takes_true_and_false(self, api_as, done, mid_quarter):
        api = api_as("member")
        assert (
            api.post("/key-results/KR-done/check-ins", {"value": False, "confidence": 5}).status
            == 201
        )
        response = api.post(
            "/key-results/KR-done/check-ins", {"value": True, "confidence": 9, "at": "2026-02-14"}
        )
        assert response.status == 201
        assert dict(CheckIn.objects.values_list("at", "value")) == {
            date(2026, 2, 15): 0.0,
            date(2026, 2, 14): 1.0,
        }

    def test_the_api_still_takes_1_and_0(self, api_as, done, mid_quarter):
        response = api_as("member").post(
            "/key-results/KR-done/check-ins", {"value": 1, "confidence": 5}
        )
        assert response.status == 201
        assert CheckIn.objects.get().value == 1.0

    def test_the_api_refuses_5_for_a_done_key_result(self, api_as, done, mid_quarter):
        response = api_as("member").post(
            "/key-results/KR-done/check-ins", {"value": 5, "confidence": 5}
        )
        assert response.status == 400
        assert response.json["field"] == "value"
        assert not CheckIn.objects.exists()

    def test_the_api_refuses_true_for_a_number_key_result(self, api_as, objective, mid_quarter):
        KeyResultFactory(objective=objective, key="KR-1")
        response = api_as("member").post(
            "/key-results/KR-1/check-ins", {"value": True, "confidence": 5}
        )
        assert response.status == 400
        assert response.json["field"] == "value"

    def test_the_check_in_page_shows_a_checkbox_and_saves_done(self, world, done, mid_quarter):
        client = signed_in(world, "member")
        page = client.get("/okrs/check-in/").content.decode()
        assert 'type="checkbox" name="KR-done-value"' in page
        response = client.post(
            "/okrs/check-in/", {"KR-done-value": "on", "KR-done-confidence": "8"}
        )
        assert "Saved 1 check-in" in response.content.decode()
        assert CheckIn.objects.get().value == 1.0

    def test_an_unchanged_checkbox_row_is_skipped(self, world, done, mid_quarter):
        response = signed_in(world, "member").post("/okrs/check-in/", {"KR-done-confidence": "7"})
        assert not CheckIn.objects.exists()
        assert response.status_code == 200


class TestCheckInDate:
    def test_the_check_in_page_back_dates_within_the_cycle(self, world, objective, mid_quarter):
        KeyResultFactory(objective=objective, key="KR-1", owner=world.user("member"))
        client = signed_in(world, "member")
        page = client.get("/okrs/check-in/").content.decode()
        assert 'min="2026-01-01"' in page
        assert 'max="2026-02-15"' in page
        client.post(
            "/okrs/check-in/", {"KR-1-value": "5", "KR-1-confidence": "5", "KR-1-at": "2026-02-01"}
        )
        assert CheckIn.objects.get().at == date(2026, 2, 1)

    @pytest.mark.parametrize(
        ("at", "message"), [("2025-12-31", "before the cycle"), ("2026-02-16", "after today")]
    )
    def test_the_check_in_page_refuses_a_date_outside_the_cycle_or_ahead(
        self, world, objective, mid_quarter, at, message
    ):
        KeyResultFactory(objective=objective, key="KR-1", owner=world.user("member"))
        response = signed_in(world, "member").post(
            "/okrs/check-in/", {"KR-1-value": "5", "KR-1-confidence": "5", "KR-1-at": at}
        )
        assert message in response.content.decode()
        assert not CheckIn.objects.exists()
