"""The OKR pages read the stored figures of the rows they show: the same figures as computing
the whole cycle from its readings, for a cost that does not grow with the cycle."""

from __future__ import annotations

from datetime import date
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from headway import access
from headway.core.tests.factories import (
    CheckInFactory,
    CycleFactory,
    DependencyFactory,
    KeyResultFactory,
    KPIFactory,
    KPIValueFactory,
    ObjectiveFactory,
)
from headway.core.tests.fixtures import signed_in
from headway.domain.types import Status
from headway.okrs import actions, scoring
from headway.okrs.models import Cycle, Objective
from headway.okrs.scoring import Scoreboard, scoreboard
from headway.pages.http import today

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mid_quarter")]


def objective(world: Any, key: str, *readings: float, cycle: Cycle | None = None, **fields: Any):
    """An objective of the web team owned by the member, with one key result per reading (a
    check-in at that value on 1 February, or on 1 November for an earlier cycle)."""
    cycle = cycle or world.cycle
    defaults = {"title": f"Objective {key}", "team": world.web, "owner": world.user("member")}
    made = ObjectiveFactory(workspace=world.workspace, cycle=cycle, key=key, **defaults | fields)
    for n, value in enumerate(readings):
        kr = KeyResultFactory(objective=made, key=f"{key}-kr{n}", owner=made.owner)
        at = date(2026, 2, 1) if cycle.start.year == 2026 else date(2025, 11, 1)
        CheckInFactory(key_result=kr, at=at, value=value)
    return made


@pytest.fixture
def okrs(world: Any) -> dict[str, Objective]:
    """A company objective without key results of its own, a department objective below it
    with a done/not-done and a KPI-driven key result, team objectives below that at every
    status, one with no key result, a private one, and dependencies, one of them on an
    objective of a closed cycle."""
    company = objective(world, "co", team=world.company, owner=world.user("admin"))
    department = objective(world, "dept", 60, parent=company, team=world.product)
    done = KeyResultFactory(objective=department, key="dept-done", metric="boolean", target=1)
    CheckInFactory(key_result=done, value=1)
    kpi = KPIFactory(workspace=world.workspace, key="nps", team=world.product)
    KeyResultFactory(objective=department, key="dept-kpi", kpi=kpi, start=0, target=100)
    KPIValueFactory(kpi=kpi, at=date(2026, 2, 10), value=42)
    made = {"co": company, "dept": department}
    for key, readings in {
        "ahead": (95, 80),
        "middling": (30,),
        "late": (5, 10),
        "done": (100,),
        "empty": (),
    }.items():
        made[key] = objective(world, key, *readings, parent=department)
    objective(world, "secret", 70, parent=company, owner=world.user("admin"), visibility="private")
    past = CycleFactory(
        workspace=world.workspace, key="2025-q4", start=date(2025, 10, 1), end=date(2025, 12, 31)
    )
    made["old"] = objective(world, "old", 40, 90, cycle=past)
    actions.close_cycle(past, actor=world.user("admin"))
    for target in (made["late"], made["old"]):
        DependencyFactory(
            workspace=world.workspace, objective=department, depends_on_objective=target
        )
    DependencyFactory(
        workspace=world.workspace,
        objective=department,
        depends_on_objective=None,
        depends_on_key_result=made["ahead"].key_results.first(),
    )
    return made


def computed(cycle: Cycle, world: Any) -> Scoreboard:
    """Every figure of the cycle computed from its readings (or frozen, once closed)."""
    return scoreboard([Cycle.objects.get(pk=cycle.pk)], as_of=today(world.member))


def tree_nodes(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m for n in nodes for m in (n, *tree_nodes(n["children"] or []))]


class TestTheFiguresShownAreTheComputedOnes:
    def test_in_the_tree_and_an_opened_branch(self, world, okrs):
        board = computed(world.cycle, world)
        client = signed_in(world, "admin")
        for url in ("/okrs/", "/okrs/tree/late/"):
            nodes = tree_nodes(client.get(url).context["nodes"])
            shown = {n["id"]: n["figures"] for n in nodes}
            assert shown == {pk: board.objectives[pk] for pk in shown}
        assert len(shown) == 8  # the branch down to "late": co, dept, its five, the secret

    def test_on_an_objectives_page(self, world, okrs):
        board = computed(world.cycle, world)
        frozen = computed(Cycle.objects.get(key="2025-q4"), world)
        context = signed_in(world, "admin").get("/okrs/objectives/dept/").context
        assert context["figures"] == board.objectives[okrs["dept"].pk]
        assert {r["kr"].key: r["figures"] for r in context["key_results"]} == {
            kr.key: board.key_results[kr.pk] for kr in okrs["dept"].key_results.all()
        }
        assert [c["figures"] for c in context["children"]] == [
            board.objectives[c.pk] for c in Objective.objects.filter(parent=okrs["dept"])
        ]
        expected = {
            okrs["late"].pk: board.objectives[okrs["late"].pk],
            okrs["old"].pk: frozen.objectives[okrs["old"].pk],
        }
        ahead = board.key_results[okrs["ahead"].key_results.first().pk]
        for row in context["depends_on"]:
            target = row["d"].depends_on_objective_id
            figures = expected[target] if target else ahead
            assert (row["status"], row["progress"]) == (figures.status, figures.progress)

    def test_in_the_review(self, world, okrs):
        board = computed(world.cycle, world)
        rows = signed_in(world, "admin").get("/okrs/review/").context["rows"]
        assert len(rows) == 8
        assert [r["figures"] for r in rows] == [board.objectives[r["objective"].pk] for r in rows]

    def test_in_the_review_of_a_closed_cycle_they_are_the_frozen_ones(self, world, okrs):
        frozen = computed(Cycle.objects.get(key="2025-q4"), world)
        rows = signed_in(world, "admin").get("/okrs/review/2025-q4/").context["rows"]
        assert [r["figures"] for r in rows] == [frozen.objectives[okrs["old"].pk]]

    def test_on_the_check_in_page_before_and_after_saving(self, world, okrs):
        client = signed_in(world, "member")
        rows = client.get("/okrs/check-in/").context["rows"]
        board = computed(world.cycle, world)
        assert len(rows) == 9
        assert [r["figures"] for r in rows] == [board.key_results[r["kr"].pk] for r in rows]

        form = {f"{r['kr'].key}-confidence": "7" for r in rows} | {
            "middling-kr0-value": "70",
            "dept-done-value": "on",  # unchanged: still done
        }
        response = client.post("/okrs/check-in/", form)
        assert response.context["saved"] == 1
        rows = response.context["rows"]
        board = computed(world.cycle, world)
        middling = next(r["figures"] for r in rows if r["kr"].key == "middling-kr0")
        assert middling.current == 70
        assert [r["figures"] for r in rows] == [board.key_results[r["kr"].pk] for r in rows]


class TestTheTreesStatusFilter:
    def test_it_lists_the_visible_objectives_with_that_computed_status(self, world, okrs):
        board = computed(world.cycle, world)
        visible = access.objectives_for(world.member).filter(cycle=world.cycle).order_by("title")
        client = signed_in(world, "member")
        found = {}
        for status in Status:
            nodes = client.get("/okrs/", {"status": status.value}).context["nodes"]
            found[status] = [n["objective"].key for n in nodes]
            assert found[status] == [
                o.key for o in visible if board.objectives[o.pk].status == status.value
            ]
        assert sum(1 for keys in found.values() if keys) >= 3  # several statuses are shown
        assert all("empty" not in keys for keys in found.values())  # no key result: no status

    def test_in_a_closed_cycle_it_uses_the_frozen_statuses(self, world, okrs):
        frozen = computed(Cycle.objects.get(key="2025-q4"), world).objectives[okrs["old"].pk]
        client = signed_in(world, "member")
        for status in Status:
            nodes = client.get("/okrs/", {"cycle": "2025-q4", "status": status.value}).context[
                "nodes"
            ]
            assert [n["objective"].key for n in nodes] == (
                ["old"] if frozen.status == status.value else []
            )


PAGES = [
    ("member", "/okrs/"),
    ("member", "/okrs/?status=off_track"),
    ("member", "/okrs/?q=objective&status=on_track"),
    ("member", "/okrs/tree/late/"),
    ("admin", "/okrs/objectives/dept/"),
    ("admin", "/okrs/review/"),
    ("member", "/okrs/check-in/"),
]


def test_pages_read_only_their_rows_whatever_the_size_of_the_cycle(world, okrs):
    """No page of today computes a cycle's scoreboard, and the queries stay the same with ten
    times as many objectives (with key results and check-ins) in the cycle."""
    clients = {persona: signed_in(world, persona) for persona in ("member", "admin")}

    def counts() -> list[int]:
        measured = []
        for persona, url in PAGES:
            with CaptureQueriesContext(connection) as queries:
                assert clients[persona].get(url).status_code == 200
            measured.append(len(queries))
        return measured

    with mock.patch.object(scoring, "compute_into", wraps=scoring.compute_into) as compute:
        before = counts()
        for n in range(80):
            objective(world, f"more-{n}", n, 100 - n, parent=okrs["dept"] if n % 2 else None)
        after = counts()
    assert after == before
    compute.assert_not_called()
