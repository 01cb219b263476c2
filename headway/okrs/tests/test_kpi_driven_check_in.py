"""A key result driven by a KPI: its check-in records confidence and notes only, the API refuses
a value for it, and My focus does not nag about it while the KPI is fresh."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.test import Client

from headway.core.tests.factories import (
    KeyResultFactory,
    KPIFactory,
    KPIValueFactory,
    ObjectiveFactory,
)
from headway.okrs.models import CheckIn

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mid_quarter")]


@pytest.fixture
def driven(world):
    """max's key result driven by the weekly NPS KPI, whose last value is fresh (12 February)."""
    kpi = KPIFactory(workspace=world.workspace, key="nps", name="NPS", team=world.web,
                     target=50, green=45, red=30, cadence="weekly")  # fmt: skip
    KPIValueFactory(kpi=kpi, at=date(2026, 2, 12), value=35)
    objective = ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, key="delight",
                                 team=world.web, owner=world.user("member"))  # fmt: skip
    return KeyResultFactory(objective=objective, key="nps-kr", title="NPS to 50", kpi=kpi,
                            start=20, target=50, owner=world.user("member"))  # fmt: skip


def member(world) -> Client:
    client = Client()
    client.force_login(world.user("member"))
    return client


class TestCheckInPage:
    def test_the_value_field_says_which_kpi_drives_the_key_result(self, world, driven):
        page = member(world).get("/okrs/check-in/").content.decode()
        assert 'name="nps-kr-value"' not in page
        assert "Driven by the KPI" in page
        assert 'name="nps-kr-confidence"' in page

    def test_a_confidence_and_a_note_are_recorded_without_a_value(self, world, driven):
        response = member(world).post(
            "/okrs/check-in/",
            {"nps-kr-confidence": "4", "nps-kr-note": "Survey delayed", "nps-kr-blockers": ""},
        )
        assert "Saved 1 check-in" in response.content.decode()
        check_in = CheckIn.objects.get(key_result=driven)
        assert (check_in.confidence, check_in.note) == (4, "Survey delayed")
        assert check_in.value == 35  # the KPI's reading that day, for the record

    def test_an_untouched_row_records_nothing(self, world, driven):
        member(world).post("/okrs/check-in/", {"nps-kr-confidence": "7"})
        assert not CheckIn.objects.exists()


class TestCheckInApi:
    def test_a_value_for_a_kpi_driven_key_result_is_refused(self, world, driven, api_as):
        response = api_as("member").post(
            "/key-results/nps-kr/check-ins", {"value": 99, "confidence": 6}
        )
        assert response.status == 400
        assert response.json["field"] == "value"
        assert "driven by the KPI 'nps'" in response.json["detail"]
        assert not CheckIn.objects.exists()

    def test_confidence_and_notes_alone_are_accepted(self, world, driven, api_as):
        response = api_as("member").post(
            "/key-results/nps-kr/check-ins", {"confidence": 6, "note": "On its way"}
        )
        assert response.status == 201
        assert (response.json["value"], response.json["confidence"]) == (35.0, 6)

    def test_a_key_result_without_a_kpi_still_needs_a_value(self, world, driven, api_as):
        KeyResultFactory(objective=driven.objective, key="plain", owner=world.user("member"))
        response = api_as("member").post("/key-results/plain/check-ins", {"confidence": 6})
        assert response.status == 400
        assert response.json["field"] == "value"


class TestMyFocus:
    def test_it_is_not_due_for_a_check_in_while_its_kpi_is_fresh(self, world, driven):
        page = member(world).get("/").content.decode()
        assert "NPS to 50" not in page.split('id="obj-h"')[0]

    def test_it_is_due_when_its_kpi_is_stale(self, world, driven, time_machine):
        time_machine.move_to(datetime(2026, 3, 10, 12, tzinfo=UTC), tick=False)
        page = member(world).get("/").content.decode()
        due = page.split('id="obj-h"')[0]
        assert "NPS to 50" in due
        assert "driven by the KPI NPS, which needs a fresh value" in due
