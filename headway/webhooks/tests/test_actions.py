"""Dispatching events to webhooks and sending them to a real receiver on 127.0.0.1."""

from __future__ import annotations

import base64
import hashlib
import hmac
import socket
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from standardwebhooks.webhooks import Webhook as Verifier

from headway.domain.events import Kind
from headway.domain.webhooks import DISABLE_AFTER, MAX_ATTEMPTS
from headway.events.models import DomainEvent
from headway.webhooks import actions
from headway.webhooks.models import Delivery, Webhook
from headway.webhooks.tests.helpers import happen, receiver

T0 = datetime(2026, 2, 15, 12, tzinfo=UTC)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(T0, tick=False)
    return time_machine


class TestDispatch:
    def test_a_new_webhook_hears_nothing_from_before_it_existed(self, world, hook_for) -> None:
        happen(world)
        hook_for("http://127.0.0.1:9/hook")
        assert actions.dispatch() == 0
        happen(world, Kind.CYCLE_CLOSED)
        assert actions.dispatch() == 1
        assert Delivery.objects.get().kind == "cycle.closed"

    def test_it_delivers_the_kinds_subscribed_to_only(self, world, hook_for) -> None:
        hook = hook_for("http://127.0.0.1:9/hook", events=["kpi.stale"])
        happen(world, Kind.KPI_STALE)
        happen(world, Kind.CYCLE_CLOSED)
        actions.dispatch()
        assert [d.kind for d in Delivery.objects.all()] == ["kpi.stale"]
        hook.refresh_from_db()
        assert hook.cursor == DomainEvent.objects.latest("id").pk  # both considered

    def test_two_dispatches_make_one_delivery(self, world, hook_for) -> None:
        hook = hook_for("http://127.0.0.1:9/hook")
        happen(world)
        assert actions.dispatch() == 1
        assert actions.dispatch() == 0
        # Even a cursor moved back (a second worker that read it before the first moved it)
        # makes no second delivery: the unique constraint drops it.
        Webhook.objects.filter(pk=hook.pk).update(cursor=0)
        actions.dispatch()
        assert Delivery.objects.count() == 1

    def test_another_workspaces_events_are_not_sent(self, world, hook_for) -> None:
        hook_for("http://127.0.0.1:9/hook")
        from headway.events.actions import Happened, Subject, record

        subject = Subject(type="kpi", id=2, key="glx", title="Globex KPI")
        record(world.other.pk, [Happened(Kind.KPI_STALE, subject)])
        assert actions.dispatch() == 0

    def test_a_disabled_webhook_gets_no_deliveries(self, world, hook_for) -> None:
        hook = hook_for("http://127.0.0.1:9/hook")
        actions.update_webhook(hook, {"active": False})
        happen(world)
        assert actions.dispatch() == 0


class TestSending:
    def test_the_receiver_verifies_the_signature(self, world, hook_for, clock) -> None:
        with receiver(204) as (url, received):
            hook = hook_for(url)
            happen(world, Kind.KPI_STATUS_CHANGED, **{"from": "amber", "to": "red"})
            actions.dispatch()
            assert actions.send_due() == 1
        ((_path, headers, body),) = received.requests
        payload = Verifier(hook.secret).verify(body, headers)
        delivery = Delivery.objects.get()
        assert headers["webhook-id"] == delivery.message_id
        assert headers["webhook-timestamp"] == str(int(T0.timestamp()))
        assert payload["type"] == "kpi.status_changed"
        assert payload["timestamp"] == "2026-02-15T12:00:00Z"
        assert payload["data"] == {
            "workspace": "acme",
            "subject": {"type": "kpi", "key": "mrr", "title": "Monthly revenue"},
            "objective": None,
            "url": "http://127.0.0.1:8000/kpis/mrr/",
            "actor": "ada",
            "details": {"from": "amber", "to": "red"},
        }
        assert (delivery.status, delivery.attempts, delivery.last_response_code) == (
            "succeeded",
            1,
            204,
        )
        assert actions.send_due() == 0  # sent once

    def test_the_signature_follows_the_specs_recipe(self, world, hook_for, clock) -> None:
        with receiver(200) as (url, received):
            hook = hook_for(url)
            happen(world)
            actions.dispatch()
            actions.send_due()
        _, headers, body = received.requests[0]
        key = base64.b64decode(hook.secret.removeprefix("whsec_"))
        signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
        expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        assert headers["webhook-signature"] == f"v1,{expected}"

    def test_a_claimed_delivery_is_not_sent_by_a_second_worker(self, world, hook_for, clock):
        with receiver(204) as (url, received):
            hook_for(url)
            happen(world)
            actions.dispatch()
            delivery = Delivery.objects.get()
            assert actions.claim(delivery.pk, T0) is not None
            assert actions.deliver(delivery.pk, now=T0) is None  # the other worker has it
        assert received.requests == []

    def test_it_retries_with_backoff_then_fails(self, world, hook_for, clock) -> None:
        with receiver(503) as (url, received):
            hook = hook_for(url)
            happen(world)
            actions.dispatch()
            waits = []
            now = T0
            for _ in range(MAX_ATTEMPTS):
                delivery = actions.deliver(Delivery.objects.get().pk, now=now)
                assert delivery is not None
                assert actions.deliver(delivery.pk, now=now) is None  # not due again yet
                if delivery.next_attempt_at:
                    waits.append(delivery.next_attempt_at - now)
                    now = delivery.next_attempt_at
        assert waits == [
            timedelta(minutes=1),
            timedelta(minutes=5),
            timedelta(minutes=30),
            timedelta(hours=2),
            timedelta(hours=8),
        ]
        delivery = Delivery.objects.get()
        assert (delivery.status, delivery.attempts) == ("failed", MAX_ATTEMPTS)
        assert delivery.last_response_code == 503
        assert "HTTP 503" in delivery.last_error
        assert len(received.requests) == MAX_ATTEMPTS
        assert len({h["webhook-id"] for _, h, _ in received.requests}) == 1
        hook.refresh_from_db()
        assert hook.consecutive_failures == 1
        assert hook.active

    def test_a_sweep_sends_a_retry_once_it_is_due(self, world, hook_for, clock) -> None:
        with receiver(500, 204) as (url, received):
            hook_for(url)
            happen(world)
            actions.dispatch()
            assert actions.send_due() == 1
            assert actions.send_due(T0 + timedelta(seconds=59)) == 0
            assert actions.send_due(T0 + timedelta(minutes=1)) == 1
        delivery = Delivery.objects.get()
        assert (delivery.status, delivery.attempts) == ("succeeded", 2)
        assert len(received.requests) == 2

    @pytest.mark.parametrize("status", [400, 404, 301])
    def test_a_refusal_is_not_retried(self, world, hook_for, clock, status) -> None:
        with receiver(status) as (url, received):
            hook_for(url)
            happen(world)
            actions.dispatch()
            actions.send_due()
            assert actions.send_due(T0 + timedelta(days=1)) == 0
        delivery = Delivery.objects.get()
        assert (delivery.status, delivery.last_response_code) == ("failed", status)
        assert len(received.requests) == 1  # the redirect was not followed

    def test_a_network_error_is_retried(self, world, hook_for, clock) -> None:
        with receiver() as (url, _):
            pass  # the port is closed again
        hook_for(url)
        happen(world)
        actions.dispatch()
        actions.send_due()
        delivery = Delivery.objects.get()
        assert delivery.status == "retrying"
        assert delivery.last_response_code is None
        assert "Error" in delivery.last_error

    def test_repeated_failures_disable_the_webhook_and_tell_the_admins(
        self, world, hook_for, clock, django_capture_on_commit_callbacks
    ) -> None:
        world.admin.user.email = "ada@acme.example"
        world.admin.user.save()
        with receiver(400) as (url, _received):
            hook = hook_for(url)
            for n in range(DISABLE_AFTER):
                happen(world, key=f"kpi-{n}")
            actions.dispatch()
            with django_capture_on_commit_callbacks(execute=True):
                actions.send_due()
            happen(world, key="later")
            assert actions.dispatch() == 0
        hook.refresh_from_db()
        assert not hook.active
        assert hook.consecutive_failures == DISABLE_AFTER
        assert "5 deliveries in a row failed" in hook.disabled_reason
        (message,) = mail.outbox
        assert message.to == ["ada@acme.example"]
        assert "was disabled" in message.subject
        assert hook.disabled_reason in message.body
        assert url.split("/hook")[0] in message.body
        assert "/hook" not in message.body

        # Re-enabled, it starts again with no failures.
        actions.update_webhook(hook, {"active": True})
        hook.refresh_from_db()
        assert (hook.active, hook.consecutive_failures, hook.disabled_reason) == (True, 0, "")

    def test_a_success_resets_the_failures(self, world, hook_for, clock) -> None:
        with receiver(400, 204) as (url, _):
            hook = hook_for(url)
            happen(world, key="a")
            happen(world, key="b")
            actions.dispatch()
            actions.send_due()
        hook.refresh_from_db()
        assert hook.consecutive_failures == 0
        assert sorted(Delivery.objects.values_list("status", flat=True)) == [
            "failed",
            "succeeded",
        ]

    def test_gone_disables_at_once(self, world, hook_for, clock) -> None:
        with receiver(410) as (url, _):
            hook = hook_for(url)
            happen(world)
            actions.dispatch()
            actions.send_due()
        hook.refresh_from_db()
        assert not hook.active
        assert "410" in hook.disabled_reason


class TestFormats:
    def test_slack_gets_a_message_with_text_and_blocks(self, world, hook_for, clock) -> None:
        with receiver(200) as (url, received):
            hook_for(url, format="slack")
            happen(world, Kind.KPI_STATUS_CHANGED, **{"from": "amber", "to": "red"})
            actions.dispatch()
            actions.send_due()
        (body,) = received.bodies
        assert body["text"] == "Kpi: status changed (amber → red): mrr Monthly revenue"
        section, context = body["blocks"]
        assert section["type"] == "section"
        assert section["text"]["type"] == "mrkdwn"
        assert "<http://127.0.0.1:8000/kpis/mrr/|Open in Headway>" in section["text"]["text"]
        assert context["type"] == "context"

    def test_slack_text_is_escaped(self, world, hook_for, clock) -> None:
        with receiver(200) as (url, received):
            hook_for(url, format="slack")
            from headway.events.actions import Happened, Subject, record

            subject = Subject(type="objective", id=1, key="O-1", title="<b>R&D</b>")
            record(world.workspace.pk, [Happened(Kind.OBJECTIVE_ACHIEVED, subject)])
            actions.dispatch()
            actions.send_due()
        assert "&lt;b&gt;R&amp;D&lt;/b&gt;" in received.bodies[0]["text"]

    def test_teams_gets_an_adaptive_card(self, world, hook_for, clock) -> None:
        with receiver(202) as (url, received):
            hook_for(url, format="teams")
            happen(world)
            actions.dispatch()
            actions.send_due()
        (body,) = received.bodies
        assert body["type"] == "message"
        (attachment,) = body["attachments"]
        assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
        card = attachment["content"]
        assert (card["type"], card["version"]) == ("AdaptiveCard", "1.2")
        assert card["body"][0]["text"] == "Kpi: stale: mrr Monthly revenue"
        assert card["actions"] == [
            {
                "type": "Action.OpenUrl",
                "title": "Open in Headway",
                "url": "http://127.0.0.1:8000/kpis/mrr/",
            }
        ]
        assert Delivery.objects.get().status == "succeeded"


class TestRequestForgery:
    def test_a_name_resolving_to_a_private_address_is_refused_at_send_time(
        self, world, hook_for, clock, settings, monkeypatch
    ) -> None:
        hook = hook_for("https://hooks.example.com/in")
        settings.HEADWAY_WEBHOOK_ALLOW_PRIVATE = False
        monkeypatch.setattr(
            socket,
            "getaddrinfo",
            lambda *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", 443))],
        )
        happen(world)
        actions.dispatch()
        actions.send_due()
        delivery = Delivery.objects.get(webhook=hook)
        assert delivery.status == "retrying"
        assert "refused: hooks.example.com resolves to 10.0.0.7" in delivery.last_error

    def test_the_connection_goes_to_the_address_checked(
        self, world, hook_for, clock, monkeypatch
    ) -> None:
        """The name is resolved once: the request reaches the checked address, whatever a
        second lookup would answer, and carries the name in its Host header."""
        with receiver(204) as (url, received):
            port = int(url.split(":")[2].split("/")[0])
            hook_for(f"http://receiver.test:{port}/hook")
            lookups = []
            real = socket.getaddrinfo

            def resolve(host, *args, **kwargs):
                if host != "receiver.test":
                    return real(host, *args, **kwargs)
                lookups.append(host)
                # The first answer is checked; a second would point elsewhere (rebinding).
                address = "127.0.0.1" if len(lookups) == 1 else "192.0.2.1"
                return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

            monkeypatch.setattr(socket, "getaddrinfo", resolve)
            happen(world)
            actions.dispatch()
            actions.send_due()
        assert lookups == ["receiver.test"]
        assert Delivery.objects.get().status == "succeeded"
        assert received.requests[0][1]["host"] == f"receiver.test:{port}"

    def test_an_address_literal_is_checked_again_at_send_time(
        self, world, hook_for, clock, settings
    ) -> None:
        hook_for("http://127.0.0.1:9/hook")
        settings.HEADWAY_WEBHOOK_ALLOW_PRIVATE = False  # turned off after the webhook was made
        happen(world)
        actions.dispatch()
        actions.send_due()
        assert "refused" in Delivery.objects.get().last_error


def test_the_spec_test_vector_verifies() -> None:
    """NOTES.md's vector, computed by the reference library and by hand: our signer agrees."""
    secret = "whsec_aGVhZHdheS10ZXN0LXNlY3JldC0zMi1ieXRlcyEhISE="
    body = (
        '{"type":"kr.progress_threshold","timestamp":"2026-01-01T00:00:00Z","data":'
        '{"workspace":"acme","key_result":"KR-12","threshold":50}}'
    )
    at = datetime.fromtimestamp(1767225600, tz=UTC)
    signature = Verifier(secret).sign("msg_2Kx0Example", at, body)
    assert signature == "v1,iCvVaaAHrbDjVggzl7sBX8+CxXZ6MsT2nbBtQfP8a38="


class TestLateCommits:
    def test_an_event_committed_after_a_later_one_is_still_delivered(
        self, world, hook_for, time_machine
    ) -> None:
        """On PostgreSQL an event can commit after one with a higher id was dispatched: the
        cursor has moved past it, and the look-back finds it (once)."""
        time_machine.move_to(T0, tick=False)
        hook = hook_for("http://127.0.0.1:9/hook")
        time_machine.move_to(T0 + timedelta(seconds=1), tick=False)
        happen(world, key="early-id")
        straggler = DomainEvent.objects.latest("id")
        happen(world, key="later-id")
        later = DomainEvent.objects.latest("id")
        # The later one was dispatched first, as if the straggler had not committed yet.
        actions.delivery_of(hook, later, T0).save()
        Webhook.objects.filter(pk=hook.pk).update(cursor=later.pk)
        assert actions.dispatch() == 1
        assert actions.dispatch() == 0
        assert Delivery.objects.get(event=straggler)
        # Past the look-back it is given up.
        Delivery.objects.filter(event=straggler).delete()
        time_machine.move_to(T0 + actions.LOOKBACK + timedelta(seconds=2), tick=False)
        assert actions.dispatch() == 0

    def test_a_re_enabled_webhook_does_not_send_what_happened_while_disabled(
        self, world, hook_for
    ) -> None:
        hook = hook_for("http://127.0.0.1:9/hook")
        actions.update_webhook(hook, {"active": False})
        happen(world)
        actions.update_webhook(hook, {"active": True})
        assert actions.dispatch() == 0
        happen(world, key="after")
        assert actions.dispatch() == 1


def test_a_committed_event_reaches_the_receiver_through_the_queue(
    world, hook_for, immediate, django_capture_on_commit_callbacks
) -> None:
    """record -> commit -> `recorded` -> dispatch job -> commit -> sending job -> receiver."""
    with receiver(204) as (url, received):
        hook = hook_for(url, events=["objective.achieved"])
        with django_capture_on_commit_callbacks(execute=True):
            happen(world, Kind.OBJECTIVE_ACHIEVED, key="O-1")
            happen(world, Kind.KPI_STALE)  # not subscribed to
    (_, headers, body) = received.requests[0]
    assert len(received.requests) == 1
    assert Verifier(hook.secret).verify(body, headers)["type"] == "objective.achieved"
    assert Delivery.objects.get().status == "succeeded"
