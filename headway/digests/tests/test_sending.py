"""The digests end to end: who gets which, when, once (digests.sending and its job), with a
frozen clock, Django's locmem e-mail and Huey's immediate mode."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from io import StringIO
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from huey.contrib.djhuey import HUEY

from headway.accounts.models import Membership
from headway.core.tests.factories import (
    CheckInFactory,
    KeyResultFactory,
    KPIFactory,
    KPIValueFactory,
    MembershipFactory,
    ObjectiveFactory,
    UserFactory,
)
from headway.digests import content
from headway.digests.models import DigestSend
from headway.digests.sending import send_digests
from headway.digests.tasks import send
from headway.digests.tests.fixtures import MONDAY
from headway.domain.events import Kind
from headway.events.actions import Happened, record
from headway.notifications.models import Follow
from headway.notifications.preferences import set_preferences, set_quiet_hours
from headway.okrs.announce import objective_subject

pytestmark = pytest.mark.django_db


def to(address: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if m.to == [address]]


def subjects() -> list[tuple[str, str]]:
    return sorted((m.to[0], m.subject) for m in mail.outbox)


class TestWeeklyDigest:
    def test_each_person_with_something_to_tell_gets_one_message(self, world, web_objective):
        send_digests(MONDAY)
        # Max: a key result due for a check-in; Lea leads the team above web: a missed check-in.
        # Ada, Vic and the stranger have nothing to hear of: no empty digest.
        assert subjects() == [
            ("lea@example.com", "Your week in Acme"),
            ("max@example.com", "Your week in Acme"),
        ]
        text = to("max@example.com")[0].body
        assert "LCP under 2s" in text
        assert "due for a check-in" in text
        assert "NOT CHECKED IN THIS WEEK IN YOUR TEAMS: 1" in to("lea@example.com")[0].body

    def test_a_lead_hears_of_blockers_and_key_results_that_worsened(self, world, web_objective):
        kr = web_objective.key_results.get()
        CheckInFactory(
            key_result=kr, at=date(2026, 2, 10), value=5, blockers="Help needed. The CDN"
        )
        send_digests(MONDAY)
        text = to("lea@example.com")[0].body
        assert "OPEN BLOCKERS IN YOUR TEAMS: 1\n- Help requested: LCP under 2s: The CDN" in text
        assert "WORSENED IN YOUR TEAMS THIS WEEK: 1\n- LCP under 2s: Status changed from" in text
        assert "Check-in streak" not in text  # Lea answers for no key result

    def test_a_second_run_sends_nothing_new(self, world, web_objective):
        send_digests(MONDAY)
        send_digests(MONDAY + timedelta(minutes=30))
        send_digests(MONDAY + timedelta(days=1))
        assert len(mail.outbox) == 2
        # Ada and Vic had nothing to hear of: their rows say so, and nothing went to them.
        empty = DigestSend.objects.filter(workspace=world.workspace, period="2026-W08", empty=True)
        assert empty.count() == 2

    def test_it_comes_with_html_and_an_unsubscribe_link(self, world, web_objective):
        send_digests(MONDAY)
        message = to("max@example.com")[0]
        html = message.alternatives[0][0]
        assert "LCP under 2s" in html
        assert f'href="{settings.BASE_URL}{reverse("okrs:check-in")}"' in html
        assert message.extra_headers["List-Unsubscribe"].startswith("<http")

    def test_it_is_not_sent_before_its_moment(self, world, web_objective):
        send_digests(MONDAY - timedelta(minutes=1))
        assert mail.outbox == []
        assert not DigestSend.objects.exists()

    def test_someone_who_turned_it_off_gets_none(self, world, web_objective):
        set_preferences(
            world.user("member").pk, world.workspace.pk, {("digest.weekly", "email"): False}
        )
        send_digests(MONDAY)
        assert [m.to for m in mail.outbox] == [["lea@example.com"]]

    def test_it_waits_for_the_end_of_someones_quiet_hours(self, world, web_objective):
        set_quiet_hours(world.user("member").pk, world.workspace.pk, (22, 9))
        send_digests(MONDAY)
        assert [m.to for m in mail.outbox] == [["lea@example.com"]]
        send_digests(MONDAY + timedelta(hours=1))
        assert len(to("max@example.com")) == 1

    def test_what_you_follow_and_what_moved_is_in_it(self, world, web_objective):
        Follow.objects.create(
            workspace=world.workspace, user=world.user("viewer"), objective=web_objective
        )
        subject = objective_subject(web_objective)
        record(
            world.workspace.pk,
            [Happened(Kind.OBJECTIVE_MILESTONE, subject, {"milestone": 50}, "m50")],
            at=MONDAY - timedelta(days=2),
        )
        send_digests(MONDAY)
        text = to("vic@example.com")[0].body
        assert "Faster pages: Reached 50 % of its target. (you follow it)" in text
        assert "(you own it)" in to("max@example.com")[0].body

    def test_the_workspace_time_zone_decides_when(self, world, web_objective):
        world.workspace.timezone = "America/New_York"
        world.workspace.save()
        # Due at 08:00 in New York: 13:00 UTC in February.
        send_digests(datetime(2026, 2, 16, 12, 30, tzinfo=UTC))
        assert mail.outbox == []
        send_digests(datetime(2026, 2, 16, 13, 0, tzinfo=UTC))
        assert len(mail.outbox) == 2

    def test_a_failure_is_recorded_and_tried_again_later(self, world, web_objective):
        real = mail.EmailMultiAlternatives.send
        calls = {"n": 0}

        def flaky(message, fail_silently=False):
            calls["n"] += 1
            if calls["n"] == 1:
                raise OSError("mail server down")
            return real(message, fail_silently=fail_silently)

        with mock.patch.object(mail.EmailMultiAlternatives, "send", flaky):
            send_digests(MONDAY)
            failed = DigestSend.objects.get(error__contains="mail server down")
            assert failed.attempts == 1
            assert failed.sent_at is None
            assert len(mail.outbox) == 1
            send_digests(MONDAY + timedelta(seconds=30))  # before its back-off: nothing
            assert len(mail.outbox) == 1
            send_digests(MONDAY + timedelta(minutes=2))
        assert len(mail.outbox) == 2
        failed.refresh_from_db()
        assert failed.sent_at is not None
        assert failed.error == ""

    def test_two_workers_racing_send_once(self, world, web_objective):
        # The second worker finds the rows claimed by the first (a claim is a conditional
        # update), so the people are each sent one message.
        send_digests(MONDAY)
        DigestSend.objects.update(sent_at=None, claimed_at=MONDAY)
        send_digests(MONDAY + timedelta(minutes=1))
        assert len(mail.outbox) == 2

    def test_the_job_runs_twice_an_hour_and_sends(self, world, web_objective, immediate):
        names = {t.name for t in HUEY.read_periodic(datetime(2026, 2, 16, 8, 5))}
        assert "send" in names
        assert not {t.name for t in HUEY.read_periodic(datetime(2026, 2, 16, 8, 0))} & {"send"}
        send()
        assert len(mail.outbox) == 2

    def test_a_persons_digest_costs_the_same_queries_however_big_the_org(
        self, world, web_objective
    ):
        def count() -> int:
            membership = Membership.objects.select_related("user", "workspace").get(
                pk=world.member.pk
            )
            with CaptureQueriesContext(connection) as queries:
                content.weekly(membership, MONDAY)
            return len(queries)

        small = count()
        for i in range(15):
            objective = ObjectiveFactory(
                workspace=world.workspace,
                cycle=world.cycle,
                team=world.web,
                owner=world.user("member"),
            )
            KeyResultFactory(objective=objective, owner=world.user("member"), title=f"KR {i}")
            other = UserFactory(username=f"u{i}")
            MembershipFactory(user=other, workspace=world.workspace, role="member")
        assert count() == small


class TestKPIReview:
    FIRST_WORKING_DAY = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # Monday 2 March, 10:00

    @pytest.fixture
    def web_kpi(self, world, time_machine):
        time_machine.move_to(datetime(2026, 1, 20, tzinfo=UTC), tick=False)
        kpi = KPIFactory(
            workspace=world.workspace, team=world.web, name="Uptime", cadence="monthly"
        )
        KPIValueFactory(kpi=kpi, at=date(2026, 1, 31), value=80)
        time_machine.move_to(datetime(2026, 2, 27, tzinfo=UTC), tick=False)
        KPIValueFactory(kpi=kpi, at=date(2026, 2, 27), value=95)
        time_machine.move_to(self.FIRST_WORKING_DAY, tick=False)
        return kpi

    def reviews(self):
        return sorted(m.to[0] for m in mail.outbox if m.subject.startswith("KPI review"))

    def test_the_teams_members_get_its_kpis_and_their_change_over_the_month(self, world, web_kpi):
        send_digests(self.FIRST_WORKING_DAY)
        assert self.reviews() == ["max@example.com"]
        message = next(m for m in mail.outbox if m.subject == "KPI review for February 2026")
        assert "Uptime: green, 95.0" in message.body
        assert "+15 over the month (better)" in message.body

    def test_it_waits_for_the_first_working_day_and_goes_once(self, world, web_kpi):
        send_digests(datetime(2026, 3, 1, 12, tzinfo=UTC))  # Sunday
        assert self.reviews() == []
        send_digests(self.FIRST_WORKING_DAY)
        send_digests(self.FIRST_WORKING_DAY + timedelta(hours=5))
        assert self.reviews() == ["max@example.com"]

    def test_the_team_lead_gets_it_too(self, world, web_kpi):
        world.web.lead = world.user("admin")
        world.web.save()
        send_digests(self.FIRST_WORKING_DAY)
        assert self.reviews() == ["ada@example.com", "max@example.com"]


class TestRetrospectiveReminder:
    AFTER_END = datetime(2026, 4, 1, 10, tzinfo=UTC)  # Q1 2026 ended on 31 March

    @pytest.fixture
    def objectives(self, world, time_machine):
        time_machine.move_to(datetime(2026, 1, 5, tzinfo=UTC), tick=False)
        ObjectiveFactory(
            workspace=world.workspace, cycle=world.cycle, owner=world.user("member"), title="Grow"
        )
        ObjectiveFactory(
            workspace=world.workspace,
            cycle=world.cycle,
            owner=world.user("lead"),
            retrospective="We learned to ship smaller.",
        )
        time_machine.move_to(self.AFTER_END, tick=False)

    def reminders(self):
        return sorted(m.to[0] for m in mail.outbox if "retrospectives" in m.subject)

    def test_owners_without_a_retrospective_get_one_reminder(self, world, objectives):
        send_digests(self.AFTER_END)
        send_digests(self.AFTER_END + timedelta(days=3))
        assert self.reminders() == ["max@example.com"]
        body = next(m.body for m in mail.outbox if "retrospectives" in m.subject)
        assert "- Grow: http" in body

    def test_a_closed_cycle_reminds_nobody(self, world, objectives):
        world.cycle.state = "closed"
        world.cycle.save()
        send_digests(self.AFTER_END)
        assert self.reminders() == []

    def test_long_after_the_end_nobody_is_reminded(self, world, objectives):
        send_digests(self.AFTER_END + timedelta(days=30))
        assert self.reminders() == []


class TestPreview:
    def test_it_prints_a_persons_digest_and_sends_nothing(self, world, web_objective):
        out = StringIO()
        call_command("digest", "max", "--workspace", "acme", stdout=out)
        assert "Subject: Your week in Acme" in out.getvalue()
        assert "LCP under 2s" in out.getvalue()
        assert mail.outbox == []
        assert not DigestSend.objects.exists()

    def test_it_says_when_there_is_nothing_to_tell(self, world, web_objective):
        out = StringIO()
        call_command("digest", "ada", "--workspace", "acme", stdout=out)
        assert "Nothing to tell" in out.getvalue()
