"""'Start an OKR from this KPI': a key result from the KPI's current value to its target that
moves as the KPI does, and a form that can be submitted with that one key result."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from headway.core.tests.factories import KPIFactory, KPIValueFactory
from headway.okrs.models import KeyResult, Objective
from headway.okrs.scoring import scoreboard

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mid_quarter")]


@pytest.fixture
def red_kpi(world):
    kpi = KPIFactory(workspace=world.workspace, key="nps", name="NPS", team=world.web,
                     direction="higher_is_better", target=50, green=45, red=30)  # fmt: skip
    KPIValueFactory(kpi=kpi, at=date(2026, 2, 1), value=20)
    return kpi


def member(world) -> Client:
    client = Client()
    client.force_login(world.user("member"))
    return client


def post_from_kpi(client: Client, kr: dict[str, object]) -> object:
    data: dict[str, object] = {
        "title": "Improve NPS", "cycle": "2026-q1", "team": "web", "owner": "max",
        "kind": "committed", "visibility": "workspace",
        "kr-TOTAL_FORMS": "5", "kr-INITIAL_FORMS": "0", "kr-MIN_NUM_FORMS": "0",
        "kr-MAX_NUM_FORMS": "5",
    }  # fmt: skip
    for i in range(5):
        data |= {f"kr-{i}-metric": "number", f"kr-{i}-direction": "auto"}
    data |= {f"kr-0-{name}": value for name, value in kr.items()}
    return client.post("/okrs/objectives/new/?kpi=nps", data)


class TestStartFromKpi:
    def test_it_proposes_a_key_result_from_the_current_value_to_the_target(self, world, red_kpi):
        response = member(world).get("/okrs/objectives/new/?kpi=nps")
        kr = response.context["formset"].forms[0].initial
        assert (kr["start"], kr["target"], kr["direction"]) == (20, 50, "auto")
        assert kr["title"] == "NPS from 20 to 50"

    def test_its_one_key_result_is_enough_to_submit_and_it_moves_with_the_kpi(self, world, red_kpi):
        client = member(world)
        kr = client.get("/okrs/objectives/new/?kpi=nps").context["formset"].forms[0].initial
        response = post_from_kpi(
            client,
            {"title": kr["title"], "start": kr["start"], "target": kr["target"],
             "direction": kr["direction"], "kpi": "nps", "owner": "max"},
        )  # fmt: skip
        assert response.status_code == 302, response.context["formset"].non_form_errors()
        objective = Objective.objects.get(title="Improve NPS")
        saved = KeyResult.objects.get(objective=objective)
        assert (saved.direction, saved.start, saved.kpi) == ("auto", 20, red_kpi)
        KPIValueFactory(kpi=red_kpi, at=date(2026, 2, 10), value=35)
        figures = scoreboard([world.cycle], as_of=date(2026, 2, 15)).key_results[saved.pk]
        assert figures.progress == pytest.approx(0.5)

    def test_without_a_kpi_the_form_still_wants_two_key_results(self, world, red_kpi):
        client = member(world)
        data: dict[str, object] = {
            "title": "One KR", "cycle": "2026-q1", "team": "web", "owner": "max",
            "kind": "committed", "visibility": "workspace", "kr-TOTAL_FORMS": "5",
            "kr-INITIAL_FORMS": "0", "kr-MIN_NUM_FORMS": "0", "kr-MAX_NUM_FORMS": "5",
            "kr-0-title": "A", "kr-0-metric": "boolean", "kr-0-direction": "auto",
        }  # fmt: skip
        client.post("/okrs/objectives/new/", data)
        assert not Objective.objects.filter(title="One KR").exists()
