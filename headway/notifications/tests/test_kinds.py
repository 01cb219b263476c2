"""Every event kind reaches the right people, in the app and by e-mail, through the real path:
the write records the event, its commit queues the fan-out (Huey in immediate mode), which
creates the inbox entries and sends the e-mails (Django's locmem backend)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail

from headway.core.tests.factories import (
    KeyResultFactory,
    KPIFactory,
    KPIValueFactory,
    ObjectiveFactory,
)
from headway.domain.events import Kind
from headway.events.actions import Happened, Subject, record
from headway.kpis.actions import ValueIn, record_kpi_values
from headway.notifications.models import Follow, Notification
from headway.notifications.tasks import sweep
from headway.okrs.actions import close_cycle, record_check_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mid_quarter")]


@pytest.fixture
def setting(world):
    """Team web (lead ada, member max) under product (lead lea); max owns the objective and its
    key result; vic (a viewer) follows the objective."""
    world.web.lead = world.user("admin")
    world.web.save()
    objective = ObjectiveFactory(
        workspace=world.workspace, cycle=world.cycle, team=world.web,
        owner=world.user("member"), key="fast", title="Be fast",
    )  # fmt: skip
    kr = KeyResultFactory(objective=objective, key="p95", owner=world.user("member"))
    kpi = KPIFactory(workspace=world.workspace, team=world.web, owner=world.user("member"),
                     key="uptime", green=99.0, red=95.0, target=99.5)  # fmt: skip
    Follow.objects.create(workspace=world.workspace, user=world.user("viewer"), objective=objective)
    return objective, kr, kpi


def okr_subject(kind_of: str, objective, kr) -> Subject:
    pk, key = (kr.pk, kr.key) if kind_of == "key_result" else (objective.pk, objective.key)
    return Subject(kind_of, pk, key, "T", objective_id=objective.pk, team_id=objective.team_id,
                   owner_id=objective.owner_id)  # fmt: skip


def inbox() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for n in Notification.objects.filter(in_app=True).select_related("event", "recipient"):
        found.setdefault(n.event.kind, set()).add(n.recipient.username)
    return found


def mailed() -> set[str]:
    return {m.to[0].split("@")[0] for m in mail.outbox}


WORSE = {"from": "on_track", "to": "off_track", "worsened": True}
BETTER = {"from": "off_track", "to": "on_track", "worsened": False}
TEAM = {"max", "ada", "vic"}  # owner, team lead, follower of the objective
# (kind, subject type, data, who hears it in the app, who by e-mail)
OKR_KINDS = [
    (Kind.KEY_RESULT_MILESTONE, "key_result", {"milestone": 50}, TEAM, set()),
    (Kind.OBJECTIVE_MILESTONE, "objective", {"milestone": 75}, TEAM, set()),
    (Kind.OBJECTIVE_ACHIEVED, "objective", {"progress": 1.0}, TEAM, set()),
    (Kind.OBJECTIVE_STATUS_CHANGED, "objective", WORSE, TEAM | {"lea"}, TEAM | {"lea"}),
    (Kind.KEY_RESULT_STATUS_CHANGED, "key_result", WORSE, TEAM | {"lea"}, TEAM | {"lea"}),
    (Kind.KEY_RESULT_STATUS_CHANGED, "key_result", BETTER, TEAM, set()),
    (Kind.CHECK_IN_LOW_CONFIDENCE, "key_result", {"confidence": 2}, TEAM, set()),
    (Kind.CHECK_IN_HELP_REQUESTED, "key_result", {"blockers": "Help needed."}, TEAM, TEAM),
    (Kind.CHECK_IN_OVERDUE, "key_result", {"week": "2026-W07", "reminder": 1}, TEAM, set()),
    (Kind.INITIATIVE_OVERDUE, "initiative", {"due": "2026-02-01"}, TEAM, set()),
    (Kind.DEPENDENCY_AT_RISK, "dependency", {"status": "at_risk"}, TEAM, set()),
]


@pytest.mark.usefixtures("immediate")
class TestEveryKind:
    @pytest.mark.parametrize(("kind", "of", "data", "in_app", "by_email"), OKR_KINDS)
    def test_okr_events_reach_owner_lead_and_followers(
        self, world, setting, django_capture_on_commit_callbacks, kind, of, data, in_app, by_email
    ):
        objective, kr, _ = setting
        with django_capture_on_commit_callbacks(execute=True):
            record(world.workspace.pk, [Happened(kind, okr_subject(of, objective, kr), data)])
        assert inbox() == {kind.value: in_app}
        assert mailed() == by_email

    @pytest.mark.parametrize(
        ("data", "by_email"),
        [({"from": "amber", "to": "red", "worsened": True}, {"max", "ada", "lea"}),
         ({"from": "green", "to": "amber", "worsened": True}, set())],
    )  # fmt: skip
    def test_kpi_status_changes_reach_owner_and_leads(
        self, world, setting, django_capture_on_commit_callbacks, data, by_email
    ):
        kpi = setting[2]
        subject = Subject("kpi", kpi.pk, kpi.key, kpi.name, team_id=kpi.team_id,
                          owner_id=kpi.owner_id)  # fmt: skip
        with django_capture_on_commit_callbacks(execute=True):
            record(world.workspace.pk, [Happened(Kind.KPI_STATUS_CHANGED, subject, data)])
            record(world.workspace.pk, [Happened(Kind.KPI_STALE, subject, {"cadence": "weekly"})])
        assert inbox() == {"kpi.status_changed": {"max", "ada", "lea"}, "kpi.stale": {"max", "ada"}}
        assert mailed() == by_email

    @pytest.mark.parametrize("kind", [Kind.CYCLE_STARTED, Kind.CYCLE_ENDING, Kind.CYCLE_CLOSED])
    def test_cycle_news_reaches_every_member_in_the_app(
        self, world, django_capture_on_commit_callbacks, kind
    ):
        cycle = world.cycle
        with django_capture_on_commit_callbacks(execute=True):
            record(
                world.workspace.pk, [Happened(kind, Subject("cycle", cycle.pk, cycle.key, "Q1"))]
            )
        assert inbox() == {kind.value: {"ada", "max", "lea", "vic"}}
        assert mail.outbox == []


@pytest.mark.usefixtures("immediate")
class TestRealWrites:
    def test_a_check_in_crossing_half_way_tells_the_team_not_the_one_who_checked_in(
        self, world, setting, django_capture_on_commit_callbacks
    ):
        _, kr, _ = setting
        kr.owner = world.user("lead")
        kr.save()
        with django_capture_on_commit_callbacks(execute=True):
            record_check_in(kr, actor=world.user("member"), value=60, confidence=7)
        heard = inbox()
        assert heard["key_result.milestone"] == {"lea", "ada", "vic"}
        assert Notification.objects.filter(event__kind="key_result.milestone").count() == 6
        with django_capture_on_commit_callbacks(execute=True):
            record_check_in(kr, actor=world.user("member"), value=60, confidence=7)
        assert Notification.objects.filter(event__kind="key_result.milestone").count() == 6

    def test_a_help_request_emails_the_team_lead(
        self, world, setting, django_capture_on_commit_callbacks
    ):
        _, kr, _ = setting
        with django_capture_on_commit_callbacks(execute=True):
            record_check_in(kr, actor=world.user("member"), value=10, confidence=6,
                            blockers="Help needed. The CDN contract is stuck")  # fmt: skip
        assert inbox()["check_in.help_requested"] == {"ada", "vic"}
        assert mailed() == {"ada", "vic"}
        assert "Help requested: The CDN contract is stuck" in mail.outbox[0].body

    def test_a_kpi_value_that_turns_it_red_emails_its_owner_once(
        self, world, setting, django_capture_on_commit_callbacks
    ):
        kpi = setting[2]
        KPIValueFactory(kpi=kpi, at=date(2026, 2, 9), value=99.5)
        values = [ValueIn(at=date(2026, 2, 14), value=90.0)]
        with django_capture_on_commit_callbacks(execute=True):
            record_kpi_values(kpi, values, actor=world.user("admin"))
        with django_capture_on_commit_callbacks(execute=True):
            record_kpi_values(kpi, values, actor=world.user("admin"))
        assert mailed() == {"max", "lea"}
        assert len(mail.outbox) == 2

    def test_closing_a_cycle_tells_everyone_but_who_closed_it(
        self, world, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            close_cycle(world.cycle, actor=world.user("admin"))
        assert inbox() == {"cycle.closed": {"max", "lea", "vic"}}

    def test_nobody_of_another_workspace_hears_anything(
        self, world, setting, django_capture_on_commit_callbacks
    ):
        objective, kr, _ = setting
        Follow.objects.create(
            workspace=world.other, user=world.user("stranger"), objective=objective
        )
        subject = okr_subject("key_result", objective, kr)
        with django_capture_on_commit_callbacks(execute=True):
            record(world.workspace.pk, [Happened(Kind.KEY_RESULT_MILESTONE, subject, {})])
        assert "sam" not in inbox()["key_result.milestone"]


@pytest.mark.usefixtures("immediate")
def test_the_minute_sweep_fans_out_what_the_queue_lost(world, setting):
    objective, kr, _ = setting
    subject = okr_subject("key_result", objective, kr)
    record(world.workspace.pk, [Happened(Kind.CHECK_IN_HELP_REQUESTED, subject, {})])
    assert inbox() == {}  # the commit's signal never came (a lost queue, a crash)
    sweep()
    assert inbox() == {"check_in.help_requested": TEAM}
    assert mailed() == TEAM
    sweep()
    assert len(mail.outbox) == 3
