"""The scan: reminders on the workspace's day and hour in its time zone, and the events the
date causes, each recorded once however often the scan runs (frozen clock)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from headway.core.tests.factories import (
    CheckInFactory,
    CycleFactory,
    DependencyFactory,
    InitiativeFactory,
    KeyResultFactory,
    KPIFactory,
    KPIValueFactory,
    ObjectiveFactory,
)
from headway.domain.types import Cadence
from headway.events.models import DomainEvent, LastSeen
from headway.events.scan import scan, stale_period

pytestmark = pytest.mark.django_db


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def events(kind: str, **data) -> list[DomainEvent]:
    rows = DomainEvent.objects.filter(kind=kind).order_by("id")
    return [e for e in rows if all(e.data.get(k) == v for k, v in data.items())]


@pytest.fixture
def clock(time_machine):
    def move(moment: datetime) -> None:
        time_machine.move_to(moment, tick=False)

    return move


class Rhythm:
    """A workspace in `tz` checking in on Mondays at 10:00 with a day of grace, a cycle from
    March to April 2026 and three key results made on 20 March: Max's, Ada's and an unowned
    one of Lea's objective."""

    def __init__(self, world, tz: str):
        world.workspace.timezone = tz
        world.workspace.save()
        self.world = world
        cycle = CycleFactory(
            workspace=world.workspace, start=date(2026, 3, 1), end=date(2026, 4, 30)
        )
        self.objective = ObjectiveFactory(
            workspace=world.workspace, cycle=cycle, owner=world.user("lead")
        )
        self.maxs = KeyResultFactory(objective=self.objective, owner=world.user("member"))
        self.adas = KeyResultFactory(objective=self.objective, owner=world.user("admin"))
        self.unowned = KeyResultFactory(objective=self.objective, owner=None)


@pytest.fixture
def berlin(world, clock):
    clock(utc(2026, 3, 20, 12))
    return Rhythm(world, "Europe/Berlin")


@pytest.fixture
def los_angeles(world, clock):
    clock(utc(2026, 2, 20, 12))
    return Rhythm(world, "America/Los_Angeles")


def overdue(week: str, number: int) -> dict[int, int | None]:
    """The key results reminded for `week` with reminder `number`, and to whom."""
    return {
        e.subject_id: e.owner_id for e in events("check_in.overdue", week=week, reminder=number)
    }


class TestReminders:
    def test_berlin_is_reminded_at_ten_in_summer_time(self, berlin, clock):
        # Summer time began on Sunday 29 March: 10:00 in Berlin is 08:00 UTC, not 09:00.
        CheckInFactory(key_result=berlin.adas, at=date(2026, 3, 30))
        clock(utc(2026, 3, 30, 7, 59))
        scan()
        assert overdue("2026-W14", 1) == {}
        clock(utc(2026, 3, 30, 8, 0))
        scan()
        world = berlin.world
        assert overdue("2026-W14", 1) == {
            berlin.maxs.pk: world.user("member").pk,
            berlin.unowned.pk: world.user("lead").pk,  # the objective's owner answers for it
        }

    def test_before_the_change_ten_in_berlin_was_nine_utc(self, berlin, clock):
        clock(utc(2026, 3, 23, 8, 59))
        scan()
        assert overdue("2026-W13", 1) == {}
        clock(utc(2026, 3, 23, 9, 0))
        scan()
        assert set(overdue("2026-W13", 1)) == {berlin.maxs.pk, berlin.adas.pk, berlin.unowned.pk}

    def test_los_angeles_is_reminded_at_ten_in_its_own_zone(self, los_angeles, clock):
        # Summer time began on Sunday 8 March: 10:00 PDT is 17:00 UTC (18:00 the week before).
        clock(utc(2026, 3, 9, 16, 59))  # 17:59 in Berlin: a Berlin workspace would have had it
        scan()
        assert overdue("2026-W11", 1) == {}
        clock(utc(2026, 3, 9, 17, 0))
        scan()
        assert len(overdue("2026-W11", 1)) == 3

    def test_the_second_reminder_comes_after_the_grace_to_those_still_missing(self, berlin, clock):
        clock(utc(2026, 3, 30, 8))
        scan()
        clock(utc(2026, 3, 30, 15))
        CheckInFactory(key_result=berlin.adas, at=date(2026, 3, 30))  # after the first reminder
        clock(utc(2026, 3, 31, 7, 59))
        scan()
        assert overdue("2026-W14", 2) == {}
        clock(utc(2026, 3, 31, 8))
        scan()
        assert set(overdue("2026-W14", 2)) == {berlin.maxs.pk, berlin.unowned.pk}
        assert set(overdue("2026-W14", 1)) == {berlin.maxs.pk, berlin.adas.pk, berlin.unowned.pk}

    def test_a_late_reading_entered_this_week_counts(self, berlin, clock):
        clock(utc(2026, 3, 30, 6))
        CheckInFactory(key_result=berlin.maxs, at=date(2026, 3, 27))  # last Friday's, typed now
        clock(utc(2026, 3, 30, 8))
        scan()
        assert berlin.maxs.pk not in overdue("2026-W14", 1)
        assert berlin.adas.pk in overdue("2026-W14", 1)

    def test_last_weeks_check_in_does_not_count(self, berlin, clock):
        CheckInFactory(key_result=berlin.maxs, at=date(2026, 3, 27))  # entered on 20 March
        clock(utc(2026, 3, 30, 8))
        scan()
        assert berlin.maxs.pk in overdue("2026-W14", 1)

    def test_running_the_scan_twice_records_nothing_new(self, berlin, clock):
        clock(utc(2026, 3, 31, 9))
        scan()
        count = DomainEvent.objects.count()
        assert len(overdue("2026-W14", 2)) == 3
        assert scan() == {}
        assert DomainEvent.objects.count() == count

    def test_a_worker_down_at_the_first_reminder_sends_only_the_second(self, berlin, clock):
        clock(utc(2026, 4, 1, 12))
        scan()
        assert overdue("2026-W14", 1) == {}
        assert len(overdue("2026-W14", 2)) == 3

    def test_no_grace_no_second_reminder(self, berlin, clock):
        workspace = berlin.world.workspace
        workspace.reminder_grace_hours = 0
        workspace.save()
        clock(utc(2026, 4, 2, 12))
        scan()
        assert len(overdue("2026-W14", 1)) == 3
        assert overdue("2026-W14", 2) == {}

    def test_the_workspaces_day_and_hour_decide(self, berlin, clock):
        workspace = berlin.world.workspace
        workspace.check_in_weekday, workspace.check_in_hour = 4, 16  # Fridays at 16:00
        workspace.save()
        clock(utc(2026, 4, 3, 13, 59))  # Friday 15:59 in Berlin
        scan()
        assert overdue("2026-W14", 1) == {}
        clock(utc(2026, 4, 3, 14))
        scan()
        assert len(overdue("2026-W14", 1)) == 3

    def test_key_results_added_after_the_check_in_moment_wait_for_next_week(self, berlin, clock):
        clock(utc(2026, 3, 30, 9))
        late = KeyResultFactory(objective=berlin.objective, owner=berlin.world.user("member"))
        scan()
        assert late.pk not in overdue("2026-W14", 1)
        assert berlin.maxs.pk in overdue("2026-W14", 1)

    def test_a_key_result_nobody_answers_for_reminds_nobody(self, berlin, clock):
        ownerless = ObjectiveFactory(workspace=berlin.world.workspace, cycle=berlin.objective.cycle)
        orphan = KeyResultFactory(objective=ownerless, owner=None)
        clock(utc(2026, 3, 30, 8))
        scan()
        assert orphan.pk not in overdue("2026-W14", 1)

    def test_a_key_result_fed_by_a_fresh_kpi_is_not_due(self, berlin, clock):
        kpi = KPIFactory(workspace=berlin.world.workspace)
        KPIValueFactory(kpi=kpi, at=date(2026, 3, 25))
        fed = KeyResultFactory(
            objective=berlin.objective, owner=berlin.world.user("member"), kpi=kpi
        )
        stale_kpi = KPIFactory(workspace=berlin.world.workspace)
        KPIValueFactory(kpi=stale_kpi, at=date(2026, 3, 1))
        fed_stale = KeyResultFactory(
            objective=berlin.objective, owner=berlin.world.user("member"), kpi=stale_kpi
        )
        clock(utc(2026, 3, 30, 8))
        scan()
        assert fed.pk not in overdue("2026-W14", 1)
        assert fed_stale.pk in overdue("2026-W14", 1)

    def test_closed_and_future_cycles_are_left_alone(self, berlin, clock):
        cycle = berlin.objective.cycle
        cycle.state = "closed"
        cycle.save()
        clock(utc(2026, 3, 30, 8))
        scan()
        assert overdue("2026-W14", 1) == {}

    def test_the_reminder_names_its_subject(self, berlin, clock):
        clock(utc(2026, 3, 30, 8))
        scan()
        (event,) = DomainEvent.objects.filter(kind="check_in.overdue", subject_id=berlin.maxs.pk)
        assert (event.subject_type, event.subject_key, event.title) == (
            "key_result",
            berlin.maxs.key,
            berlin.maxs.title,
        )
        assert event.objective_id == berlin.objective.pk
        assert event.once == f"check_in.overdue:{berlin.maxs.pk}:2026-W14:1"
        assert event.at == utc(2026, 3, 30, 8)
        assert event.data == {"week": "2026-W14", "reminder": 1}

    def test_other_workspaces_keep_their_own_rhythm(self, berlin, world, clock):
        other = ObjectiveFactory(
            workspace=world.other,
            cycle=CycleFactory(
                workspace=world.other, start=date(2026, 3, 1), end=date(2026, 4, 30)
            ),
            owner=world.user("stranger"),
        )
        KeyResultFactory(objective=other, owner=world.user("stranger"))
        clock(utc(2026, 3, 30, 8))  # 08:00 in UTC, the other workspace's zone
        scan()
        assert DomainEvent.objects.filter(workspace=world.other, data__week="2026-W14").count() == 0
        assert (
            DomainEvent.objects.filter(workspace=world.workspace, data__week="2026-W14").count()
            == 3
        )


@pytest.fixture
def quarter(world, clock):
    """Q1 2026 (1 January to 31 March, UTC): a key result at half its target since January."""
    clock(utc(2026, 1, 10, 12))
    objective = ObjectiveFactory(
        workspace=world.workspace, cycle=world.cycle, owner=world.user("lead"), team=world.web
    )
    kr = KeyResultFactory(objective=objective, owner=world.user("member"))
    CheckInFactory(key_result=kr, at=date(2026, 1, 10), value=50.0)
    objective.refresh_from_db()
    # The check-in recorded its own events (okrs.announce: milestones, at risk to on track);
    # these tests look at what the scan records.
    DomainEvent.objects.all().delete()
    return objective, kr


class TestStatusByDate:
    def test_a_status_the_date_changes_is_recorded_with_from_and_to(self, quarter, clock):
        objective, kr = quarter
        clock(utc(2026, 2, 15, 12))  # half the quarter gone: 50 % is on track
        scan()
        assert events("key_result.status_changed") == []  # the first status seen is remembered
        clock(utc(2026, 3, 1, 12))  # two thirds gone: 50 % is at risk
        scan()
        (changed,) = events("key_result.status_changed")
        assert changed.data == {"from": "on_track", "to": "at_risk", "worsened": True}
        assert (changed.subject_id, changed.owner_id, changed.team_id) == (
            kr.pk,
            kr.owner_id,
            objective.team_id,
        )
        (also,) = events("objective.status_changed")
        assert also.data == {"from": "on_track", "to": "at_risk", "worsened": True}
        assert also.subject_id == objective.pk
        assert scan() == {}

    def test_each_change_is_recorded_once(self, quarter, clock):
        clock(utc(2026, 2, 15, 12))
        scan()
        clock(utc(2026, 3, 1, 12))
        scan()
        clock(utc(2026, 3, 1, 18))
        scan()
        clock(utc(2026, 3, 20, 12))  # 88 % gone: 50 % is off track
        scan()
        changes = [(e.data["from"], e.data["to"]) for e in events("key_result.status_changed")]
        assert changes == [("on_track", "at_risk"), ("at_risk", "off_track")]

    def test_a_second_worker_comparing_at_the_same_time_records_nothing_new(self, quarter, clock):
        clock(utc(2026, 2, 15, 12))
        scan()
        clock(utc(2026, 3, 1, 12))
        seen = list(LastSeen.objects.values_list("subject_type", "subject_id", "status"))
        scan()
        # The second worker read the statuses last seen before the first one's commit.
        for subject_type, subject_id, status in seen:
            LastSeen.objects.filter(subject_type=subject_type, subject_id=subject_id).update(
                status=status
            )
        scan()
        assert len(events("key_result.status_changed")) == 1
        assert len(events("objective.status_changed")) == 1

    def test_a_check_in_that_restores_it_is_seen_as_a_change_back(self, quarter, clock):
        _, kr = quarter
        clock(utc(2026, 2, 15, 12))
        scan()
        clock(utc(2026, 3, 1, 12))
        scan()
        CheckInFactory(key_result=kr, at=date(2026, 3, 1), value=90.0)
        scan()
        back = events("key_result.status_changed", to="on_track")
        assert [e.data for e in back] == [{"from": "at_risk", "to": "on_track", "worsened": False}]


class TestDateDrivenEvents:
    def test_a_stale_kpi_is_announced_once_per_period(self, world, clock):
        clock(utc(2026, 2, 1, 12))
        kpi = KPIFactory(workspace=world.workspace, cadence="weekly", owner=world.user("member"))
        KPIValueFactory(kpi=kpi, at=date(2026, 2, 1))
        fresh = KPIFactory(workspace=world.workspace, cadence="monthly")
        KPIValueFactory(kpi=fresh, at=date(2026, 2, 1))
        KPIFactory(workspace=world.workspace, cadence="daily")  # no value: never stale
        clock(utc(2026, 2, 15, 12))  # 14 days: not yet more than two weeks
        scan()
        assert events("kpi.stale") == []
        clock(utc(2026, 2, 16, 12))
        scan()
        scan()
        (stale,) = events("kpi.stale")
        assert (stale.subject_id, stale.owner_id) == (kpi.pk, world.user("member").pk)
        assert stale.data == {"last_at": "2026-02-01", "cadence": "weekly"}
        clock(utc(2026, 2, 22, 12))  # the same week
        scan()
        clock(utc(2026, 2, 23, 12))  # the next one: still stale
        scan()
        assert [e.once for e in events("kpi.stale")] == [
            f"kpi.stale:{kpi.pk}:2026-W08",
            f"kpi.stale:{kpi.pk}:2026-W09",
        ]

    def test_stale_periods(self):
        day = date(2026, 2, 16)
        assert stale_period(Cadence.DAILY, day) == "2026-02-16"
        assert stale_period(Cadence.WEEKLY, day) == "2026-W08"
        assert stale_period(Cadence.MONTHLY, day) == "2026-02"
        assert stale_period(Cadence.QUARTERLY, day) == "2026-Q1"

    def test_an_initiative_past_due_is_announced_once_per_due_date(self, world, clock):
        clock(utc(2026, 2, 1, 12))
        objective = ObjectiveFactory(
            workspace=world.workspace, cycle=world.cycle, owner=world.user("lead")
        )
        late = InitiativeFactory(objective=objective, due=date(2026, 2, 10), status="doing")
        InitiativeFactory(objective=objective, due=date(2026, 2, 10), status="done")
        InitiativeFactory(objective=objective, due=date(2026, 2, 10), status="dropped")
        InitiativeFactory(objective=objective, due=date(2026, 2, 20), status="todo")
        clock(utc(2026, 2, 10, 23))  # due today: not late yet
        scan()
        assert events("initiative.overdue") == []
        clock(utc(2026, 2, 11, 12))
        scan()
        scan()
        (event,) = events("initiative.overdue")
        assert event.subject_id == late.pk
        assert event.owner_id == world.user("lead").pk  # the objective's owner: it has none
        assert event.data == {"due": "2026-02-10", "status": "doing"}
        late.due = date(2026, 2, 12)
        late.save()
        clock(utc(2026, 2, 13, 12))
        scan()
        assert [e.data["due"] for e in events("initiative.overdue")] == ["2026-02-10", "2026-02-12"]

    def test_a_cycle_start_and_end_are_announced_once(self, world, clock):
        clock(utc(2026, 3, 1, 12))
        next_cycle = CycleFactory(
            workspace=world.workspace,
            state="planning",
            start=date(2026, 4, 1),
            end=date(2026, 6, 30),
        )
        scan()
        assert events("cycle.started") == []  # Q1 began two months ago: old news
        assert events("cycle.ending") == []
        clock(utc(2026, 3, 24, 12))
        scan()
        (ending,) = events("cycle.ending")
        assert ending.subject_id == world.cycle.pk
        assert ending.data == {"start": "2026-01-01", "end": "2026-03-31", "days_left": 7}
        clock(utc(2026, 3, 30, 12))
        scan()
        assert len(events("cycle.ending")) == 1
        clock(utc(2026, 4, 1, 6))
        scan()
        scan()
        (started,) = events("cycle.started")
        assert started.subject_id == next_cycle.pk
        assert started.data == {"start": "2026-04-01", "end": "2026-06-30", "days_left": 90}

    def test_a_cycle_started_is_announced_in_the_workspaces_time_zone(self, world, clock):
        world.workspace.timezone = "Pacific/Auckland"
        world.workspace.save()
        CycleFactory(workspace=world.workspace, start=date(2026, 4, 1), end=date(2026, 6, 30))
        clock(utc(2026, 3, 31, 10))  # 23:00 on 31 March in Auckland
        scan()
        assert events("cycle.started") == []
        clock(utc(2026, 3, 31, 11))  # midnight, 1 April
        scan()
        assert len(events("cycle.started")) == 1

    def test_a_dependency_on_something_at_risk_is_announced(self, quarter, world, clock):
        failing, _ = quarter
        mine = ObjectiveFactory(
            workspace=world.workspace, cycle=world.cycle, owner=world.user("admin")
        )
        dependency = DependencyFactory(objective=mine, depends_on_objective=failing)
        clock(utc(2026, 2, 15, 12))  # on track
        scan()
        assert events("dependency.at_risk") == []
        clock(utc(2026, 3, 1, 12))  # at risk
        scan()
        scan()
        (event,) = events("dependency.at_risk")
        assert (event.subject_type, event.subject_id) == ("dependency", dependency.pk)
        assert event.owner_id == world.user("admin").pk  # who depends on it hears
        assert event.data == {
            "depends_on_type": "objective",
            "depends_on_key": failing.key,
            "status": "at_risk",
        }
        clock(utc(2026, 3, 20, 12))  # off track: worse again
        scan()
        assert [e.data["status"] for e in events("dependency.at_risk")] == ["at_risk", "off_track"]

    def test_a_new_dependency_on_a_key_result_already_at_risk_is_announced(
        self, quarter, world, clock
    ):
        _, kr = quarter
        clock(utc(2026, 3, 1, 12))
        mine = ObjectiveFactory(
            workspace=world.workspace, cycle=world.cycle, owner=world.user("admin")
        )
        DependencyFactory(objective=mine, depends_on_objective=None, depends_on_key_result=kr)
        scan()
        (event,) = events("dependency.at_risk")
        assert event.data["depends_on_type"] == "key_result"
        assert event.data["status"] == "at_risk"
