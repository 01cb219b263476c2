"""The fan-out: who hears each event in the app and by e-mail, preferences, quiet hours, no
duplicates when it runs again."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from headway.core.tests.factories import KeyResultFactory, KPIFactory, ObjectiveFactory
from headway.domain.events import Kind
from headway.events.actions import Happened, Subject, record
from headway.events.models import DomainEvent
from headway.notifications.delivery import send_due
from headway.notifications.fanout import fan_out_pending
from headway.notifications.models import Follow, Notification
from headway.notifications.preferences import set_preferences, set_quiet_hours
from headway.okrs.announce import kr_subject

pytestmark = pytest.mark.django_db


@pytest.fixture
def kr(world):
    objective = ObjectiveFactory(
        workspace=world.workspace, cycle=world.cycle, team=world.web, owner=world.user("member")
    )
    return KeyResultFactory(objective=objective, owner=world.user("member"), title="Signups")


def heard(kind: str) -> dict[str, Notification]:
    rows = Notification.objects.filter(event__kind=kind).select_related("recipient")
    return {n.recipient.username: n for n in rows}


class TestFanOut:
    def test_owner_and_followers_hear_a_milestone_in_the_app_only(self, world, kr):
        Follow.objects.create(workspace=world.workspace, user=world.user("viewer"), key_result=kr)
        record(
            world.workspace.pk,
            [Happened(Kind.KEY_RESULT_MILESTONE, kr_subject(kr), {"milestone": 50})],
        )
        fanned = fan_out_pending()
        assert [e.kind for e in fanned] == ["key_result.milestone"]
        found = heard("key_result.milestone")
        assert set(found) == {"max", "vic"}
        assert all(n.email_due is None for n in found.values())
        assert send_due() == 0
        assert mail.outbox == []

    def test_a_worsened_status_reaches_the_leads_above_by_email(self, world, kr):
        data = {"from": "on_track", "to": "off_track", "worsened": True}
        record(world.workspace.pk, [Happened(Kind.KEY_RESULT_STATUS_CHANGED, kr_subject(kr), data)])
        fan_out_pending()
        assert set(heard("key_result.status_changed")) == {"max", "lea"}
        assert send_due() == 2
        assert sorted(m.to[0] for m in mail.outbox) == ["lea@example.com", "max@example.com"]
        message = mail.outbox[0]
        assert "Signups" in message.subject
        assert f"/okrs/objectives/{kr.objective.key}/#kr-{kr.key}" in message.body
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message.alternatives[0][1] == "text/html"

    def test_running_again_delivers_nothing_twice(self, world, kr):
        data = {"from": "on_track", "to": "off_track", "worsened": True}
        record(world.workspace.pk, [Happened(Kind.KEY_RESULT_STATUS_CHANGED, kr_subject(kr), data)])
        fan_out_pending()
        send_due()
        assert fan_out_pending() == []
        assert send_due() == 0
        assert len(mail.outbox) == 2
        assert Notification.objects.count() == 2

    def test_the_actor_does_not_hear_of_their_own_check_in(self, world, kr):
        record(
            world.workspace.pk,
            [Happened(Kind.CHECK_IN_LOW_CONFIDENCE, kr_subject(kr), {"confidence": 2})],
            actor_id=world.user("member").pk,
        )
        fan_out_pending()
        assert set(heard("check_in.low_confidence")) == set()

    def test_preferences_turn_channels_off_and_on(self, world, kr):
        member = world.user("member")
        set_preferences(member.pk, world.workspace.pk, {("key_result.milestone", "email"): True})
        set_preferences(member.pk, world.workspace.pk, {("key_result.milestone", "in_app"): False})
        record(
            world.workspace.pk,
            [Happened(Kind.KEY_RESULT_MILESTONE, kr_subject(kr), {"milestone": 25})],
        )
        fan_out_pending()
        n = heard("key_result.milestone")["max"]
        assert not n.in_app
        assert n.email_due is not None

    def test_quiet_hours_hold_the_email_until_they_end(self, world, kr, time_machine):
        time_machine.move_to(datetime(2026, 2, 16, 23, tzinfo=UTC), tick=False)
        set_quiet_hours(world.user("member").pk, world.workspace.pk, (22, 7))
        data = {"from": "on_track", "to": "off_track", "worsened": True}
        record(world.workspace.pk, [Happened(Kind.KEY_RESULT_STATUS_CHANGED, kr_subject(kr), data)])
        fan_out_pending()
        assert heard("key_result.status_changed")["max"].in_app
        assert send_due() == 1  # Lea, who keeps no quiet hours
        time_machine.move_to(datetime(2026, 2, 17, 6, 59, tzinfo=UTC), tick=False)
        assert send_due() == 0
        time_machine.move_to(datetime(2026, 2, 17, 7, 0, tzinfo=UTC), tick=False)
        assert send_due() == 1
        assert [m.to[0] for m in mail.outbox] == ["lea@example.com", "max@example.com"]

    def test_kpi_turning_red_emails_its_owner(self, world):
        kpi = KPIFactory(workspace=world.workspace, owner=world.user("member"))
        subject = Subject("kpi", kpi.pk, kpi.key, kpi.name, owner_id=kpi.owner_id)
        data = {"from": "amber", "to": "red", "worsened": True}
        record(world.workspace.pk, [Happened(Kind.KPI_STATUS_CHANGED, subject, data)])
        fan_out_pending()
        assert send_due() == 1
        assert mail.outbox[0].to == ["max@example.com"]


class TestTwoWorkers:
    def test_an_event_fanned_out_again_adds_no_row_and_sends_nothing_twice(self, world, kr):
        """What a second worker that read the same event before the first committed does:
        its rows conflict with the first's and are dropped; the e-mails are claimed once."""
        data = {"from": "on_track", "to": "off_track", "worsened": True}
        record(world.workspace.pk, [Happened(Kind.KEY_RESULT_STATUS_CHANGED, kr_subject(kr), data)])
        fan_out_pending()
        assert send_due() == 2
        DomainEvent.objects.update(fanned_out=False)
        assert len(fan_out_pending()) == 1
        assert Notification.objects.count() == 2
        assert send_due() == 0
        assert len(mail.outbox) == 2

    def test_a_run_is_bounded_and_the_next_carries_on(self, world, kr):
        subject = kr_subject(kr)
        record(world.workspace.pk, [
            Happened(Kind.KEY_RESULT_MILESTONE, subject, {"milestone": m}) for m in range(5)
        ])  # fmt: skip
        assert len(fan_out_pending(max_chunks=0)) == 0
        assert len(fan_out_pending()) == 5
        assert not DomainEvent.objects.filter(fanned_out=False).exists()


class TestQueryCount:
    def test_a_chunk_reads_in_the_same_queries_at_n_and_10_n_events(self, world):
        def measure(n: int) -> int:
            happened = []
            for _ in range(n):
                objective = ObjectiveFactory(
                    workspace=world.workspace, cycle=world.cycle, team=world.web,
                    owner=world.user("member"),
                )  # fmt: skip
                kr = KeyResultFactory(objective=objective, owner=world.user("member"))
                Follow.objects.create(workspace=world.workspace, user=world.user("viewer"),
                                      objective=objective)  # fmt: skip
                data = {"from": "on_track", "to": "off_track", "worsened": True}
                happened.append(Happened(Kind.KEY_RESULT_STATUS_CHANGED, kr_subject(kr), data))
            record(world.workspace.pk, happened)
            with CaptureQueriesContext(connection) as queries:
                assert len(fan_out_pending()) == n
            # The rows' INSERT goes in batches on SQLite (its limit of parameters a query):
            # the reads and the marking are what must not grow with the events.
            return sum(not q["sql"].startswith("INSERT") for q in queries.captured_queries)

        measure(1)  # the first transaction of a test opens its savepoint outside the capture
        assert measure(3) == measure(30)
        assert Notification.objects.count() == 34 * 3  # max, lea (lead above), vic (follower)
