"""E-mail: HEADWAY_EMAIL_URL, the message the mailer builds, and sending that claims each row,
records failures and retries them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.test import override_settings

from headway.core.emailurl import CONSOLE, SMTP, email_settings
from headway.events.models import DomainEvent
from headway.notifications import delivery
from headway.notifications.mailer import NoAddress, read_unsubscribe_token, send_email
from headway.notifications.models import Notification


class TestEmailUrl:
    def test_schemes(self):
        assert email_settings("") == {"EMAIL_BACKEND": CONSOLE}
        assert email_settings("console://") == {"EMAIL_BACKEND": CONSOLE}
        tls = email_settings("smtp+tls://me%40acme.org:p%2Fss@mail.internal:2587")
        assert tls["EMAIL_BACKEND"] == SMTP
        assert (tls["EMAIL_HOST"], tls["EMAIL_PORT"]) == ("mail.internal", 2587)
        assert (tls["EMAIL_HOST_USER"], tls["EMAIL_HOST_PASSWORD"]) == ("me@acme.org", "p/ss")
        assert (tls["EMAIL_USE_TLS"], tls["EMAIL_USE_SSL"]) == (True, False)
        ssl = email_settings("smtp+ssl://mail.internal")
        assert (ssl["EMAIL_PORT"], ssl["EMAIL_USE_SSL"], ssl["EMAIL_USE_TLS"]) == (465, True, False)
        plain = email_settings("smtp://mail.internal")
        assert (plain["EMAIL_PORT"], plain["EMAIL_USE_TLS"]) == (25, False)

    @pytest.mark.parametrize(
        ("url", "message"),
        [
            ("imap://mail", "must start with smtp://"),
            ("mail.internal:25", "must start with smtp://"),
            ("smtp://mail:port", "port that is not a number"),
            ("smtp://", "names no host"),
        ],
    )
    def test_mistakes_name_the_setting(self, url, message):
        with pytest.raises(ValueError, match=message) as error:
            email_settings(url)
        assert "HEADWAY_EMAIL_URL" in str(error.value)


pytestmark = pytest.mark.django_db


def a_notification(world, **fields) -> Notification:
    event = DomainEvent.objects.create(
        workspace=world.workspace, kind="kpi.status_changed", at=datetime.now(UTC),
        subject_type="kpi", subject_id=1, subject_key="mrr", title="MRR",
        data={"from": "amber", "to": "red", "worsened": True}, fanned_out=True,
    )  # fmt: skip
    return Notification.objects.create(
        workspace=world.workspace, recipient=world.user("member"), event=event, reason="owner",
        created=event.at, email_due=datetime.now(UTC), **fields,
    )  # fmt: skip


class TestSendEmail:
    @override_settings(BASE_URL="https://okr.acme.org", HEADWAY_EMAIL_FROM="Headway <h@acme.org>")
    def test_it_sends_text_and_html_with_a_signed_unsubscribe_link(self, world):
        send_email(world.user("member"), workspace=world.workspace, subject="Your week",
                   text="Three things moved.", html="<p>Three things moved.</p>",
                   kind="digest.weekly")  # fmt: skip
        (message,) = mail.outbox
        assert message.to == ["max@example.com"]
        assert message.from_email == "Headway <h@acme.org>"
        link = message.extra_headers["List-Unsubscribe"].strip("<>")
        assert link.startswith("https://okr.acme.org/notifications/unsubscribe/")
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert link in message.body
        assert "Three things moved." in message.alternatives[0][0]
        token = link.rstrip("/").rsplit("/", 1)[1]
        wish = read_unsubscribe_token(token)
        assert (wish.user_id, wish.workspace_id, wish.kind) == (
            world.user("member").pk, world.workspace.pk, "digest.weekly",
        )  # fmt: skip

    def test_a_person_without_an_address_is_refused(self, world):
        user = world.user("member")
        user.email = ""
        with pytest.raises(NoAddress):
            send_email(user, workspace=world.workspace, subject="s", text="t", html="h",
                       kind="digest.weekly")  # fmt: skip


class TestDelivery:
    def test_a_failure_is_recorded_retried_and_finally_left_on_the_entry(
        self, world, monkeypatch, time_machine
    ):
        time_machine.move_to("2026-02-16 12:00Z", tick=False)
        n = a_notification(world)

        def fail(*args, **kwargs):
            raise SMTPServerDisconnected("gone")

        monkeypatch.setattr(delivery, "send_email", fail)
        now = datetime(2026, 2, 16, 12, tzinfo=UTC)
        for attempt, wait in enumerate([1, 5, 30], start=1):
            assert delivery.send_due(now) == 0
            n.refresh_from_db()
            assert n.email_attempts == attempt
            assert n.email_error == "SMTPServerDisconnected: gone"
            assert n.email_due == now + timedelta(minutes=wait)
            assert delivery.send_due(now) == 0  # not due again yet
            now = n.email_due
        delivery.send_due(now)
        n.refresh_from_db()
        assert (n.email_attempts, n.email_due, n.email_sent_at) == (4, None, None)
        monkeypatch.undo()
        assert delivery.send_due(now + timedelta(days=1)) == 0
        assert mail.outbox == []

    def test_a_retry_that_works_clears_the_error(self, world):
        n = a_notification(world, email_error="timed out", email_attempts=1)
        assert delivery.send_due() == 1
        n.refresh_from_db()
        assert (n.email_error, n.email_attempts) == ("", 2)
        assert n.email_sent_at is not None

    def test_a_row_claimed_by_another_worker_is_left_to_it(self, world):
        now = datetime.now(UTC)
        n = a_notification(world, email_claimed_at=now)
        assert delivery.send_due(now) == 0
        assert delivery.send_one(n.pk, now) is False
        later = now + delivery.CLAIM_TIMEOUT + timedelta(seconds=1)
        assert delivery.send_due(later) == 1  # that worker died: the claim is taken again
        assert len(mail.outbox) == 1
        assert delivery.send_due(later) == 0
