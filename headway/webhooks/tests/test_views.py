"""Settings > Webhooks, through the URL stack."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from headway.core.tests.fixtures import signed_in
from headway.webhooks.models import Delivery, Webhook
from headway.webhooks.tests.helpers import receiver

FORM = {"url": "https://hooks.example.com/services/T0/B0/xyz", "events": ["*"], "format": "slack"}


def test_the_settings_page_links_to_webhooks(world) -> None:
    assert "/settings/webhooks/" in signed_in(world, "admin").get("/settings/").text


def test_an_admin_adds_one_and_sees_its_secret_once(world) -> None:
    client = signed_in(world, "admin")
    answer = client.post("/settings/webhooks/", FORM)
    webhook = Webhook.objects.get()
    assert answer.status_code == 302
    assert answer.url == f"/settings/webhooks/{webhook.pk}/"
    page = client.get(answer.url)
    assert webhook.secret in page.text
    assert "no-cache" in page["Cache-Control"]
    assert "/services/" not in page.text  # the Slack URL's secret path stays hidden
    assert webhook.secret not in client.get(answer.url).text
    listing = client.get("/settings/webhooks/").text
    assert "https://hooks.example.com/…" in listing
    assert "Slack incoming webhook" in listing


def test_a_refused_url_is_shown_on_the_form(world) -> None:
    answer = signed_in(world, "admin").post(
        "/settings/webhooks/", {**FORM, "url": "https://192.168.0.10/"}
    )
    assert answer.status_code == 200
    assert "private or loopback" in answer.text
    assert not Webhook.objects.exists()


@pytest.fixture
def hook(world, allow_private):
    return Webhook.objects.create(
        workspace=world.workspace, url="http://127.0.0.1:9/x", events=["kpi.stale"]
    )


def test_an_admin_edits_disables_enables_and_deletes(world, hook) -> None:
    client = signed_in(world, "admin")
    url = f"/settings/webhooks/{hook.pk}/"
    edited = client.post(url, {"url": "", "events": ["cycle.closed"], "format": "teams"})
    assert edited.status_code == 302
    hook.refresh_from_db()
    assert (hook.url, hook.events, hook.format) == (
        "http://127.0.0.1:9/x",
        ["cycle.closed"],
        "teams",
    )
    client.post(f"{url}state/", {"active": "false"})
    hook.refresh_from_db()
    assert not hook.active
    assert "Disabled by an admin." in client.get(url).text
    Webhook.objects.filter(pk=hook.pk).update(consecutive_failures=5)
    client.post(f"{url}state/", {"active": "true"})
    hook.refresh_from_db()
    assert (hook.active, hook.consecutive_failures) == (True, 0)
    assert client.post(f"{url}delete/").status_code == 302
    assert not Webhook.objects.exists()


def test_a_test_is_sent_from_the_page(world, allow_private) -> None:
    client = signed_in(world, "admin")
    with receiver(204) as (address, received):
        hook = Webhook.objects.create(workspace=world.workspace, url=address, events=["*"])
        answer = client.post(f"/settings/webhooks/{hook.pk}/test/", follow=True)
    assert "The test was delivered (HTTP 204)." in answer.text
    assert len(received.requests) == 1
    assert "webhook.test" in answer.text  # in the delivery log


def test_the_delivery_log_is_paged(world, hook) -> None:
    at = datetime(2026, 2, 1, tzinfo=UTC)
    Delivery.objects.bulk_create(
        Delivery(webhook=hook, kind="kpi.stale", payload={}, created_at=at, updated_at=at)
        for _ in range(45)
    )
    page = signed_in(world, "admin").get(f"/settings/webhooks/{hook.pk}/?page=3").text
    assert "41\u201345 of 45" in page
    assert page.count("<code>kpi.stale</code>") == 5


@pytest.mark.parametrize("persona", ["member", "viewer"])
def test_others_may_not_see_or_change_webhooks(world, hook, persona) -> None:
    client = signed_in(world, persona)
    base = f"/settings/webhooks/{hook.pk}/"
    assert client.get("/settings/webhooks/").status_code == 403
    assert client.post("/settings/webhooks/", FORM).status_code == 403
    assert client.get(base).status_code == 403
    for action in ("state/", "test/", "delete/"):
        assert client.post(base + action, {"active": "false"}).status_code == 403
    hook.refresh_from_db()
    assert hook.active
    assert Webhook.objects.count() == 1
    assert not Delivery.objects.exists()


def test_another_workspaces_webhook_is_not_found(world, hook) -> None:
    client = signed_in(world, "stranger")
    base = f"/settings/webhooks/{hook.pk}/"
    assert client.get(base).status_code == 404
    assert client.post(base + "delete/").status_code == 404
    assert Webhook.objects.exists()


def test_a_webhooks_page_costs_the_same_with_ten_times_the_deliveries(world, hook) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(world, "admin")
    at = datetime(2026, 2, 1, tzinfo=UTC)
    counts = []
    for n in (5, 45):
        Delivery.objects.bulk_create(
            Delivery(webhook=hook, kind="kpi.stale", payload={}, created_at=at, updated_at=at)
            for _ in range(n)
        )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/settings/webhooks/{hook.pk}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
