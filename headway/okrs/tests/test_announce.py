"""The events the writes record (docs/notifications.md): milestones once, statuses that change,
low confidence and help requests, KPIs changing colour, a closed cycle; imports and repairs
record none."""

from __future__ import annotations

from datetime import date

import pytest

from headway.core.tests.factories import KeyResultFactory, KPIFactory, ObjectiveFactory
from headway.events.models import DomainEvent
from headway.kpis.actions import ValueIn, record_kpi_values, update_kpi
from headway.okrs.actions import close_cycle, record_check_in
from headway.okrs.figures import refresh_cycles

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mid_quarter")]


@pytest.fixture
def kr(world):
    """max's key result from 0 to 100, the only one of its objective, mid-quarter."""
    objective = ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, key="fast",
                                 title="Make the web app fast", team=world.web,
                                 owner=world.user("lead"))  # fmt: skip
    return KeyResultFactory(objective=objective, key="p95", target=100.0,
                            owner=world.user("member"))  # fmt: skip


def events(kind: str | None = None) -> list[tuple[str, str, dict]]:
    rows = DomainEvent.objects.order_by("id")
    if kind:
        rows = rows.filter(kind=kind)
    return [(e.kind, e.subject_key, e.data) for e in rows]


def check_in(world, kr, value: float, confidence: int = 7, **fields) -> None:
    kr.refresh_from_db()
    record_check_in(kr, actor=world.user("member"), value=value, confidence=confidence, **fields)


def milestones(kind: str = "key_result.milestone") -> list[int]:
    return [data["milestone"] for _, _, data in events(kind)]


class TestMilestones:
    def test_a_check_in_records_each_milestone_it_crosses_for_the_kr_and_its_objective(
        self, world, kr
    ):
        check_in(world, kr, 60)
        assert milestones() == [25, 50]
        assert milestones("objective.milestone") == [25, 50]
        event = DomainEvent.objects.get(kind="key_result.milestone", data__milestone=50)
        assert (event.subject_type, event.subject_key, event.owner, event.team) == (
            "key_result", "p95", world.user("member"), world.web,
        )  # fmt: skip
        assert event.actor == world.user("member")
        assert event.data["progress"] == pytest.approx(0.6)

    def test_a_milestone_is_recorded_once_even_when_progress_dips_and_rises_again(
        self, world, kr, time_machine
    ):
        check_in(world, kr, 55)
        check_in(world, kr, 55)  # the same check-in again
        time_machine.move_to("2026-02-17 12:00Z", tick=False)
        check_in(world, kr, 40, at=date(2026, 2, 16))
        check_in(world, kr, 56, at=date(2026, 2, 17))
        assert milestones() == [25, 50]

    def test_reaching_the_target_achieves_the_objective(self, world, kr):
        check_in(world, kr, 100)
        assert milestones() == [25, 50, 75, 100]
        assert [key for _, key, _ in events("objective.achieved")] == ["fast"]

    def test_a_check_in_that_moves_nothing_records_nothing(self, world, kr):
        check_in(world, kr, 10)
        before = DomainEvent.objects.count()
        check_in(world, kr, 10)
        assert DomainEvent.objects.count() == before


class TestStatuses:
    def test_a_status_change_records_from_to_and_whether_it_worsened(self, world, kr):
        check_in(world, kr, 50)  # half-way, mid-quarter: on track (was off track at 0)
        check_in(world, kr, 20, at=date(2026, 2, 14))  # an earlier date: 50 stays the latest
        check_in(world, kr, 10, at=date(2026, 2, 15))  # replaces the 50 of today: off track
        changes = [(d["from"], d["to"], d["worsened"]) for _, _, d in events(
            "key_result.status_changed")]  # fmt: skip
        assert changes == [("off_track", "on_track", False), ("on_track", "off_track", True)]
        objective = [(d["from"], d["to"]) for _, _, d in events("objective.status_changed")]
        assert objective == [("off_track", "on_track"), ("on_track", "off_track")]

    def test_low_confidence_caps_the_status_of_a_key_result_on_track(self, world, kr):
        check_in(world, kr, 50)
        check_in(world, kr, 50, confidence=2, at=date(2026, 2, 14))  # earlier: 50 still latest
        assert events("key_result.status_changed")[-1][2]["to"] == "on_track"
        check_in(world, kr, 50, confidence=2)  # today's, replaced: confidence 2
        assert events("key_result.status_changed")[-1][2] == {
            "from": "on_track", "to": "at_risk", "worsened": True,
        }  # fmt: skip

    def test_no_status_is_news_once_the_cycle_has_ended_but_milestones_are(
        self, world, kr, time_machine
    ):
        time_machine.move_to("2026-04-05 12:00Z", tick=False)  # ended, not closed yet
        check_in(world, kr, 60, at=date(2026, 3, 30))
        assert events("key_result.status_changed") == []
        assert milestones() == [25, 50]


class TestDependencies:
    def test_the_owner_of_a_dependent_objective_hears_that_its_dependency_is_off_track(
        self, world, kr
    ):
        from headway.okrs.models import Dependency

        dependent = ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, key="launch",
                                     title="Launch", owner=world.user("admin"))  # fmt: skip
        Dependency.objects.create(workspace=world.workspace, objective=dependent,
                                  depends_on_key_result=kr)  # fmt: skip
        check_in(world, kr, 50)  # on track
        assert events("dependency.at_risk") == []
        check_in(world, kr, 10, at=date(2026, 2, 15))  # off track
        event = DomainEvent.objects.get(kind="dependency.at_risk")
        assert (event.subject_key, event.owner, event.objective) == (
            "launch", world.user("admin"), dependent,
        )  # fmt: skip
        assert event.data == {"depends_on_type": "key_result", "depends_on_key": "p95",
                              "status": "off_track"}  # fmt: skip


class TestCheckIns:
    def test_low_confidence_and_help_requests_are_recorded_once_a_day(self, world, kr):
        check_in(world, kr, 10, confidence=3, blockers="Help needed. Waiting for a DBA")
        check_in(world, kr, 10, confidence=3, blockers="Help needed. Waiting for a DBA")
        assert [k for k, _, _ in events() if k.startswith("check_in")] == [
            "check_in.low_confidence", "check_in.help_requested",
        ]  # fmt: skip
        data = events("check_in.help_requested")[0][2]
        assert data == {"value": 10.0, "confidence": 3, "at": "2026-02-15",
                        "blockers": "Help needed. Waiting for a DBA"}  # fmt: skip

    def test_a_confident_check_in_without_a_help_request_is_not_news(self, world, kr):
        check_in(world, kr, 10, confidence=4, blockers="Waiting for legal")
        assert [k for k, _, _ in events() if k.startswith("check_in")] == []


class TestKPIs:
    def test_a_value_that_turns_a_kpi_red_is_recorded_once(self, world):
        kpi = KPIFactory(workspace=world.workspace, key="nps", team=world.web,
                         owner=world.user("lead"))  # fmt: skip
        record_kpi_values(kpi, [ValueIn(date(2026, 2, 1), 95.0)], actor=None)
        assert events("kpi.status_changed") == []  # no data before: nothing to change from
        record_kpi_values(kpi, [ValueIn(date(2026, 2, 8), 60.0)], actor=None)
        record_kpi_values(kpi, [ValueIn(date(2026, 2, 8), 60.0)], actor=None)  # again
        assert events("kpi.status_changed") == [
            ("kpi.status_changed", "nps", {"from": "green", "to": "red", "worsened": True})
        ]

    def test_a_threshold_edit_that_changes_the_colour_is_news(self, world):
        kpi = KPIFactory(workspace=world.workspace, key="nps")
        record_kpi_values(kpi, [ValueIn(date(2026, 2, 1), 80.0)], actor=None)  # amber
        update_kpi(kpi, actor=world.user("admin"), green=75.0)
        assert events("kpi.status_changed")[-1][2] == {
            "from": "amber", "to": "green", "worsened": False,
        }  # fmt: skip


class TestCycles:
    def test_closing_a_cycle_is_news(self, world, kr):
        close_cycle(world.cycle, actor=world.user("admin"))
        assert events("cycle.closed") == [
            ("cycle.closed", "2026-q1", {"start": "2026-01-01", "end": "2026-03-31"})
        ]


def test_a_bulk_refresh_records_nothing(world, kr):
    from headway.okrs.models import KeyResult

    KeyResult.objects.filter(pk=kr.pk).update(progress=0.9)  # as a stale stored figure
    before = DomainEvent.objects.count()
    refresh_cycles([world.cycle])
    assert DomainEvent.objects.count() == before
