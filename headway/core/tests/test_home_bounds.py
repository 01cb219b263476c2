"""The home pages' lists that grow with the organisation show their first rows, how many
there are in all, and where the rest are."""

from __future__ import annotations

import re
from datetime import date

import pytest

from headway.core.tests.factories import (
    CheckInFactory,
    KeyResultFactory,
    KPIFactory,
    KPIValueFactory,
    ObjectiveFactory,
)
from headway.core.tests.fixtures import signed_in
from headway.focus import LIST_SIZE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mid_quarter")]

MANY = LIST_SIZE + 4


def red_kpis(world, count: int, owner: str) -> None:
    for n in range(count):
        kpi = KPIFactory(workspace=world.workspace, key=f"churn-{n:02d}", name=f"Churn {n:02d}",
                         owner=world.user(owner), direction="lower_is_better",
                         target=2, green=3, red=5)  # fmt: skip
        KPIValueFactory(kpi=kpi, at=date(2026, 2, 12), value=8)


def kpi_names(page: str) -> list[str]:
    return re.findall(r"Churn \d\d", page)


def test_a_viewer_sees_the_first_kpis_needing_attention_and_how_many_more(world):
    red_kpis(world, MANY, "admin")
    green = KPIFactory(workspace=world.workspace, name="Uptime", target=99, green=98, red=95)
    KPIValueFactory(kpi=green, at=date(2026, 2, 12), value=99.9)
    page = signed_in(world, "viewer").get("/").content.decode()
    assert sorted(set(kpi_names(page))) == [f"Churn {n:02d}" for n in range(LIST_SIZE)]
    assert f"({MANY} of {MANY + 1})" in page
    assert "and 4 more" in page
    assert 'href="/kpis/?status=red"' in page


def test_a_short_list_says_nothing_more(world):
    red_kpis(world, 2, "admin")
    page = signed_in(world, "viewer").get("/").content.decode()
    assert len(set(kpi_names(page))) == 2
    assert "(2 of 2)" in page
    assert "more:" not in page


def test_a_viewer_sees_the_first_company_objectives_and_the_count(world):
    for n in range(MANY):
        ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, team=world.company,
                         title=f"Company goal {n:02d}", owner=world.user("admin"))  # fmt: skip
    ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, team=world.company,
                     title="Company goal secret", owner=world.user("admin"),
                     visibility="private")  # fmt: skip
    page = signed_in(world, "viewer").get("/").content.decode()
    shown = sorted(set(re.findall(r"Company goal \w+", page)))
    assert shown == [f"Company goal {n:02d}" for n in range(LIST_SIZE)]
    assert f'Company objectives <span class="small muted">({MANY})</span>' in page
    assert 'and 4 more: <a href="/okrs/">see them all</a>' in page


def test_a_member_sees_the_first_of_their_kpis_needing_attention(world):
    red_kpis(world, MANY, "member")
    elsewhere = KPIFactory(workspace=world.workspace, name="Someone else's",
                                    owner=world.user("admin"))  # fmt: skip
    page = signed_in(world, "member").get("/").content.decode()
    assert len(set(kpi_names(page))) == LIST_SIZE
    assert f'My KPIs needing attention <span class="small muted">({MANY})</span>' in page
    assert "and 4 more" in page
    assert elsewhere.name not in page


def test_a_lead_sees_the_first_blockers_of_their_teams_and_the_count(world):
    objective = ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, team=world.web,
                                 owner=world.user("member"))  # fmt: skip
    for n in range(MANY):
        kr = KeyResultFactory(objective=objective, key=f"B{n:02d}", title=f"Blocked {n:02d}")
        CheckInFactory(key_result=kr, at=date(2026, 2, 10), blockers="Waiting on legal")
    page = signed_in(world, "lead").get("/").content.decode()
    assert len(set(re.findall(r"Blocked \d\d", page))) == LIST_SIZE
    assert f'in my teams <span class="small muted">({MANY})</span>' in page
    assert 'and 4 more: <a href="/teams/">see them all</a>' in page
