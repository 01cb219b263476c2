"""The webhooks API, through the URL stack."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from standardwebhooks.webhooks import Webhook as Verifier

from headway.webhooks.models import Delivery, Webhook
from headway.webhooks.tests.helpers import receiver

NEW = {"url": "https://hooks.example.com/services/T0/B0/secret", "events": ["kpi.stale"]}


class TestCreate:
    def test_it_answers_the_secret_once(self, api_as) -> None:
        admin = api_as("admin")
        created = admin.post("/webhooks", NEW)
        assert created.status == 201, created
        body = created.json
        assert body["secret"].startswith("whsec_")
        assert body["url"] == "https://hooks.example.com/…"
        assert (body["events"], body["format"], body["active"]) == (["kpi.stale"], "standard", True)
        assert body["created_by"] == "ada"
        shown = admin.get(f"/webhooks/{body['id']}")
        assert shown.status == 200
        assert shown.json["secret"] is None
        assert Webhook.objects.get().secret == body["secret"]

    @pytest.mark.parametrize(
        ("url", "reason"),
        [
            ("https://127.0.0.1/hook", "private or loopback"),
            ("https://10.0.0.1/hook", "private or loopback"),
            ("https://[::ffff:127.0.0.1]/hook", "private or loopback"),
            ("https://169.254.169.254/latest", "link-local"),
            ("https://localhost/hook", "localhost"),
            ("http://hooks.example.com/hook", "https"),
        ],
    )
    def test_it_refuses_addresses_it_must_not_reach(self, api_as, url, reason) -> None:
        answer = api_as("admin").post("/webhooks", {**NEW, "url": url})
        assert answer.status == 400
        assert answer.json["field"] == "url"
        assert reason in answer.json["detail"]
        assert not Webhook.objects.exists()

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({**NEW, "events": []}, "events"),
            ({**NEW, "events": ["kpi.unknown"]}, "events[0]"),
            ({**NEW, "format": "irc"}, "format"),
            ({**NEW, "url": "ftp://hooks.example.com/"}, "url"),
            ({"events": ["*"]}, "url"),
        ],
    )
    def test_it_names_the_field_the_schema_refuses(self, api_as, body, field) -> None:
        answer = api_as("admin").post("/webhooks", body)
        assert answer.status == 422
        assert answer.json["field"] == field

    def test_the_setting_allows_a_local_receiver(self, api_as, allow_private) -> None:
        answer = api_as("admin").post("/webhooks", {**NEW, "url": "http://127.0.0.1:9/hook"})
        assert answer.status == 201


class TestAccess:
    def test_only_admins_manage_webhooks(self, api_as, world) -> None:
        hook = api_as("admin").post("/webhooks", NEW).json["id"]
        for persona in ("member", "viewer"):
            client = api_as(persona)
            assert client.get("/webhooks").status == 403
            assert client.post("/webhooks", NEW).status == 403
            assert client.get(f"/webhooks/{hook}").status == 403
            assert client.post(f"/webhooks/{hook}/test").status == 403
            assert client.get(f"/webhooks/{hook}/deliveries").status == 403
        assert Webhook.objects.count() == 1

    def test_another_workspaces_webhook_is_not_found(self, api_as, world) -> None:
        hook = api_as("stranger").post("/webhooks", NEW).json["id"]
        admin = api_as("admin")
        assert admin.get(f"/webhooks/{hook}").status == 404
        assert admin.patch(f"/webhooks/{hook}", {"active": False}).status == 404
        assert admin.delete(f"/webhooks/{hook}").status == 404
        assert admin.get("/webhooks").json["count"] == 0
        assert Webhook.objects.get().active


class TestChange:
    def test_patch_re_enables_and_resets_the_failures(self, api_as) -> None:
        admin = api_as("admin")
        hook = admin.post("/webhooks", NEW).json["id"]
        Webhook.objects.filter(pk=hook).update(
            active=False, consecutive_failures=5, disabled_reason="5 deliveries failed"
        )
        assert admin.get(f"/webhooks/{hook}").json["disabled_reason"] == "5 deliveries failed"
        answer = admin.patch(f"/webhooks/{hook}", {"active": True, "events": ["*"]})
        assert answer.status == 200
        assert answer.json["active"] is True
        assert answer.json["consecutive_failures"] == 0
        assert answer.json["disabled_reason"] == ""
        assert answer.json["events"] == ["*"]
        assert answer.json["secret"] is None

    def test_patch_rotates_the_secret(self, api_as) -> None:
        admin = api_as("admin")
        created = admin.post("/webhooks", NEW).json
        rotated = admin.patch(f"/webhooks/{created['id']}", {"rotate_secret": True}).json
        assert rotated["secret"].startswith("whsec_")
        assert rotated["secret"] != created["secret"]

    def test_a_refused_url_changes_nothing(self, api_as) -> None:
        admin = api_as("admin")
        hook = admin.post("/webhooks", NEW).json["id"]
        answer = admin.patch(f"/webhooks/{hook}", {"url": "https://10.1.1.1/", "format": "slack"})
        assert (answer.status, answer.json["field"]) == (400, "url")
        assert Webhook.objects.get().format == "standard"

    def test_delete_removes_it_and_its_log(self, api_as) -> None:
        admin = api_as("admin")
        hook = admin.post("/webhooks", NEW).json["id"]
        assert admin.delete(f"/webhooks/{hook}").status == 204
        assert not Webhook.objects.exists()
        assert admin.get(f"/webhooks/{hook}").status == 404


class TestPing:
    def test_a_test_reaches_the_receiver_signed(self, api_as, allow_private) -> None:
        admin = api_as("admin")
        with receiver(200) as (url, received):
            created = admin.post("/webhooks", {"url": url, "events": ["*"]}).json
            answer = admin.post(f"/webhooks/{created['id']}/test")
        assert answer.status == 200
        assert answer.json["type"] == "webhook.test"
        assert (answer.json["status"], answer.json["attempts"]) == ("succeeded", 1)
        assert answer.json["response_code"] == 200
        _, headers, body = received.requests[0]
        payload = Verifier(created["secret"]).verify(body, headers)
        assert payload["type"] == "webhook.test"
        assert payload["data"]["workspace"] == "acme"
        log = admin.get(f"/webhooks/{created['id']}/deliveries").json
        assert log["count"] == 1
        assert log["items"][0]["message_id"] == headers["webhook-id"]

    def test_a_failed_test_says_why_and_is_not_retried(self, api_as, allow_private) -> None:
        admin = api_as("admin")
        with receiver(500) as (url, received):
            hook = admin.post("/webhooks", {"url": url, "events": ["*"]}).json["id"]
            answer = admin.post(f"/webhooks/{hook}/test").json
        assert (answer["status"], answer["response_code"]) == ("failed", 500)
        assert answer["next_attempt_at"] is None
        assert len(received.requests) == 1
        assert Webhook.objects.get().consecutive_failures == 0


def test_the_delivery_log_is_paged_newest_first(api_as, hook_for) -> None:
    hook = hook_for("http://127.0.0.1:9/hook")
    for day in range(1, 6):
        at = datetime(2026, 2, day, tzinfo=UTC)
        Delivery.objects.create(
            webhook=hook, kind="kpi.stale", payload={}, created_at=at, updated_at=at
        )
    page = api_as("admin").get(f"/webhooks/{hook.pk}/deliveries", limit=2, offset=1).json
    assert page["count"] == 5
    assert [item["created_at"][:10] for item in page["items"]] == ["2026-02-04", "2026-02-03"]
    assert page["items"][0]["status"] == "pending"
