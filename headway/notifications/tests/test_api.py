"""The notifications API: one's own inbox, preferences and follows only."""

from __future__ import annotations

import pytest
from django.utils import timezone

from headway.core.tests.factories import KeyResultFactory, KPIFactory, ObjectiveFactory
from headway.events.models import DomainEvent
from headway.notifications.models import Follow, Notification, Preference
from headway.notifications.preferences import wants

pytestmark = pytest.mark.django_db


def notify(world, user, title="Be fast", workspace=None, read=False):
    workspace = workspace or world.workspace
    event = DomainEvent.objects.create(
        workspace=workspace, kind="key_result.milestone", at=timezone.now(),
        subject_type="objective", subject_id=1, subject_key="fast", title=title,
        data={"milestone": 50}, fanned_out=True,
    )  # fmt: skip
    return Notification.objects.create(
        workspace=workspace, recipient=user, event=event, reason="owner", created=event.at,
        read_at=event.at if read else None,
    )  # fmt: skip


class TestInbox:
    def test_it_lists_only_the_callers_own_newest_first(self, world, api_as):
        notify(world, world.user("member"), "Older")
        notify(world, world.user("member"), "Newer", read=True)
        notify(world, world.user("admin"), "Ada's")
        notify(world, world.user("stranger"), "Elsewhere", workspace=world.other)
        body = api_as("member").get("/notifications").json
        assert body["count"] == 2
        assert [n["title"] for n in body["items"]] == ["Newer", "Older"]
        first = body["items"][1]
        assert first["text"] == "Reached 50 % of its target."
        assert first["url"] == "http://127.0.0.1:8000/okrs/objectives/fast/"
        assert first["email"] == "none"
        unread = api_as("member").get("/notifications?unread=true").json
        assert [n["title"] for n in unread["items"]] == ["Older"]

    def test_marking_read_one_and_all(self, world, api_as):
        one = notify(world, world.user("member"))
        notify(world, world.user("member"))
        response = api_as("member").post(f"/notifications/{one.pk}/read")
        assert response.status == 200
        assert response.json["read_at"] is not None
        assert api_as("member").post("/notifications/read-all").json == {"marked": 1}
        assert not Notification.objects.filter(read_at__isnull=True).exists()

    def test_someone_elses_notification_is_not_found(self, world, api_as):
        theirs = notify(world, world.user("member"))
        assert api_as("admin").post(f"/notifications/{theirs.pk}/read").status == 404
        theirs.refresh_from_db()
        assert theirs.read_at is None


class TestPreferences:
    def test_it_shows_the_defaults_and_stores_only_what_differs(self, world, api_as):
        body = api_as("member").get("/notifications/preferences").json
        kinds = {k["kind"]: k for k in body["kinds"]}
        assert kinds["kpi.status_changed"]["email"] is True
        assert kinds["digest.weekly"] == {
            "kind": "digest.weekly", "label": "Digest: weekly personal digest",
            "in_app": None, "email": True,
        }  # fmt: skip
        assert body["quiet_hours"] is None
        change = {
            "kinds": {"kpi.stale": {"email": True}, "kpi.status_changed": {"email": True}},
            "quiet_hours": {"start": 22, "end": 7},
        }
        body = api_as("member").put("/notifications/preferences", change).json
        assert body["quiet_hours"] == {"start": 22, "end": 7}
        assert Preference.objects.count() == 1  # kpi.status_changed by e-mail is the default
        member = world.user("member")
        assert wants(member.pk, world.workspace.pk, "kpi.stale", "email")
        api_as("member").put("/notifications/preferences", {"kinds": {}})
        assert api_as("member").get("/notifications/preferences").json["quiet_hours"] == {
            "start": 22, "end": 7,
        }  # fmt: skip

    def test_it_refuses_an_unknown_kind_or_a_digest_in_the_app(self, world, api_as):
        response = api_as("member").put(
            "/notifications/preferences", {"kinds": {"nope": {"email": True}}}
        )
        assert response.status == 400
        assert response.json["field"] == "kinds.nope"
        response = api_as("member").put(
            "/notifications/preferences", {"kinds": {"digest.weekly": {"in_app": True}}}
        )
        assert response.status == 400
        assert Preference.objects.count() == 0


class TestFollows:
    def test_following_listing_and_unfollowing(self, world, api_as):
        objective = ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, key="fast")
        KeyResultFactory(objective=objective, key="p95")
        KPIFactory(workspace=world.workspace, key="mrr", name="MRR")
        client = api_as("viewer")
        for kind, key in (("objective", "fast"), ("key_result", "p95"), ("kpi", "mrr"),
                          ("team", "web")):  # fmt: skip
            assert client.post("/follows", {"type": kind, "key": key}).status == 201
        again = client.post("/follows", {"type": "kpi", "key": "mrr"})
        assert again.status == 201
        body = client.get("/follows").json
        assert body["count"] == 4
        assert {(f["type"], f["key"]) for f in body["items"]} == {
            ("objective", "fast"), ("key_result", "p95"), ("kpi", "mrr"), ("team", "web"),
        }  # fmt: skip
        assert client.delete(f"/follows/{again.json['id']}").status == 204
        assert Follow.objects.count() == 3

    def test_what_the_caller_cannot_see_cannot_be_followed(self, world, api_as):
        ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, key="secret",
                         visibility="private", owner=world.user("admin"))  # fmt: skip
        response = api_as("viewer").post("/follows", {"type": "objective", "key": "secret"})
        assert response.status == 404
        response = api_as("viewer").post("/follows", {"type": "cycle", "key": "2026-q1"})
        assert response.status == 422
        assert Follow.objects.count() == 0
