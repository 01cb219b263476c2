"""The pages: the inbox and its unread count, marking read (plain and HTMX), the
preferences page, the unsubscribe page, the Follow buttons."""

from __future__ import annotations

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from headway.core.tests.factories import KeyResultFactory, KPIFactory, ObjectiveFactory
from headway.core.tests.fixtures import signed_in
from headway.events.models import DomainEvent
from headway.notifications.mailer import unsubscribe_token
from headway.notifications.models import Follow, Notification, Preference, QuietHours
from headway.notifications.preferences import wants

pytestmark = pytest.mark.django_db


def notify(world, user, title="Be fast", kind="objective.milestone"):
    event = DomainEvent.objects.create(
        workspace=world.workspace, kind=kind, at=timezone.now(), subject_type="kpi",
        subject_id=1, subject_key="mrr", title=title, data={"milestone": 50}, fanned_out=True,
    )  # fmt: skip
    return Notification.objects.create(
        workspace=world.workspace, recipient=user, event=event, reason="owner", created=event.at
    )


class TestInbox:
    def test_it_shows_the_callers_entries_unread_marked_and_counted_in_the_header(self, world):
        mine = notify(world, world.user("member"), "Monthly revenue")
        notify(world, world.user("admin"), "Ada's own")
        page = signed_in(world, "member").get("/notifications/").content.decode()
        assert "Monthly revenue" in page
        assert "Ada&#x27;s own" not in page
        assert "Ada's own" not in page
        assert 'aria-label="1 unread"' in page
        assert f'id="notification-{mine.pk}"' in page
        assert 'href="/kpis/mrr/"' in page

    def test_nothing_unread_shows_no_count(self, world):
        page = signed_in(world, "member").get("/kpis/").content.decode()
        assert 'href="/notifications/"' in page
        assert "unread" not in page

    def test_the_header_caps_its_count(self, world):
        for _ in range(100):
            notify(world, world.user("member"))
        page = signed_in(world, "member").get("/kpis/").content.decode()
        assert 'aria-label="99+ unread"' in page

    def test_mark_read_with_htmx_swaps_the_entry(self, world):
        mine = notify(world, world.user("member"))
        client = signed_in(world, "member")
        response = client.post(f"/notifications/{mine.pk}/read/", headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert "Mark read" not in response.content.decode()
        assert f'id="notification-{mine.pk}"' in response.content.decode()
        mine.refresh_from_db()
        assert mine.read_at is not None

    def test_mark_all_read_and_someone_elses_entry(self, world):
        notify(world, world.user("member"))
        theirs = notify(world, world.user("admin"))
        client = signed_in(world, "member")
        assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
        assert client.post("/notifications/read-all/").status_code == 302
        assert list(Notification.objects.filter(read_at__isnull=True)) == [theirs]

    def test_marking_read_needs_post_and_csrf(self, world):
        mine = notify(world, world.user("member"))
        client = Client(enforce_csrf_checks=True)
        client.force_login(world.user("member"))
        assert client.get(f"/notifications/{mine.pk}/read/").status_code == 405
        assert client.post(f"/notifications/{mine.pk}/read/").status_code == 403

    def test_it_shows_a_failed_email(self, world):
        mine = notify(world, world.user("member"))
        Notification.objects.filter(pk=mine.pk).update(
            email_error="SMTPServerDisconnected: gone", email_attempts=4
        )
        page = signed_in(world, "member").get("/notifications/").content.decode()
        assert "could not be sent (4 attempts): SMTPServerDisconnected: gone" in page

    def test_signed_out_is_sent_to_sign_in(self, world):
        assert Client().get("/notifications/").status_code == 302


class TestPreferencesPage:
    def test_it_saves_the_grid_and_the_quiet_hours(self, world):
        client = signed_in(world, "member")
        page = client.get("/notifications/preferences/").content.decode()
        assert 'name="kpi.stale:in_app" checked' in page
        assert 'name="digest.weekly:in_app"' not in page
        assert 'href="/digests/"' in page  # each digest as it would be sent now
        form = {"kpi.stale:email": "on", "quiet_start": "22", "quiet_end": "7"}
        assert client.post("/notifications/preferences/", form).status_code == 302
        member = world.user("member")
        assert wants(member.pk, world.workspace.pk, "kpi.stale", "email")
        assert not wants(member.pk, world.workspace.pk, "kpi.stale", "in_app")
        assert not wants(member.pk, world.workspace.pk, "digest.weekly", "email")
        assert QuietHours.objects.get().start_hour == 22

    def test_one_quiet_hour_alone_is_refused_and_nothing_is_saved(self, world):
        client = signed_in(world, "member")
        response = client.post("/notifications/preferences/", {"quiet_start": "22"})
        assert response.status_code == 200
        assert "Give both hours" in response.content.decode()
        assert not Preference.objects.exists()


class TestUnsubscribe:
    def test_get_asks_and_post_turns_off_that_kinds_email_without_a_session(self, world):
        member = world.user("member")
        token = unsubscribe_token(member.pk, world.workspace.pk, "kpi.status_changed")
        client = Client(enforce_csrf_checks=True)
        page = client.get(f"/notifications/unsubscribe/{token}/")
        assert page.status_code == 200
        assert "Turn off these e-mails" in page.content.decode()
        assert wants(member.pk, world.workspace.pk, "kpi.status_changed", "email")
        response = client.post(
            f"/notifications/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"}
        )
        assert response.status_code == 200
        assert "Unsubscribed" in response.content.decode()
        assert not wants(member.pk, world.workspace.pk, "kpi.status_changed", "email")
        assert wants(member.pk, world.workspace.pk, "kpi.status_changed", "in_app")

    def test_a_bad_or_altered_token_is_a_clear_400(self, world):
        token = unsubscribe_token(world.user("member").pk, world.workspace.pk, "kpi.stale")
        for bad in ("nonsense", token[:-2] + "xx", signing.dumps({"k": "kpi.stale"})):
            response = Client().post(f"/notifications/unsubscribe/{bad}/")
            assert response.status_code == 400
            assert "This link does not work" in response.content.decode()
        assert not Preference.objects.exists()

    def test_an_expired_token_is_a_400(self, world, time_machine):
        time_machine.move_to("2026-01-01 12:00Z", tick=False)
        token = unsubscribe_token(world.user("member").pk, world.workspace.pk, "kpi.stale")
        time_machine.move_to("2026-12-01 12:00Z", tick=False)
        assert Client().get(f"/notifications/unsubscribe/{token}/").status_code == 400


class TestFollowButtons:
    def test_objective_key_result_kpi_and_team_pages_have_one(self, world):
        objective = ObjectiveFactory(
            workspace=world.workspace, cycle=world.cycle, key="fast", owner=world.user("admin")
        )
        KeyResultFactory(objective=objective, key="p95")
        KPIFactory(workspace=world.workspace, key="mrr")
        client = signed_in(world, "viewer")
        page = client.get("/okrs/objectives/fast/").content.decode()
        assert 'action="/notifications/follow/objective/fast/"' in page
        assert 'action="/notifications/follow/key_result/p95/"' in page
        kpi_page = client.get("/kpis/mrr/").content.decode()
        assert 'action="/notifications/follow/kpi/mrr/"' in kpi_page
        assert (
            'action="/notifications/follow/team/web/"' in client.get("/teams/web/").content.decode()
        )

    def test_the_button_toggles_with_htmx(self, world):
        objective = ObjectiveFactory(
            workspace=world.workspace, cycle=world.cycle, key="fast", owner=world.user("admin")
        )
        client = signed_in(world, "viewer")
        url = "/notifications/follow/objective/fast/"
        response = client.post(url, headers={"HX-Request": "true"})
        assert "Unfollow" in response.content.decode()
        assert Follow.objects.get().objective == objective
        assert "Unfollow" in client.get("/okrs/objectives/fast/").content.decode()
        response = client.post(url)
        assert response.status_code == 302
        assert response["Location"] == "/okrs/objectives/fast/"
        assert not Follow.objects.exists()

    def test_what_one_cannot_see_cannot_be_followed(self, world):
        ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, key="secret",
                         visibility="private", owner=world.user("admin"))  # fmt: skip
        client = signed_in(world, "viewer")
        assert client.post("/notifications/follow/objective/secret/").status_code == 404
        assert client.post("/notifications/follow/cycle/2026-q1/").status_code == 404
        assert not Follow.objects.exists()
