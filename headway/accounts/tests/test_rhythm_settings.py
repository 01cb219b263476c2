"""The workspace's check-in rhythm on the Settings page, and its action."""

from __future__ import annotations

import pytest

from headway.accounts.actions import set_check_in_rhythm
from headway.accounts.models import Workspace
from headway.core.errors import Invalid
from headway.core.tests.fixtures import refused, signed_in, the_event
from headway.domain.rhythm import Rhythm

pytestmark = pytest.mark.django_db

VALID = {
    "rhythm-check_in_weekday": "4",
    "rhythm-check_in_hour": "16",
    "rhythm-reminder_grace_hours": "48",
}


def stored(workspace: Workspace) -> tuple[int, int, int]:
    workspace.refresh_from_db()
    return workspace.check_in_weekday, workspace.check_in_hour, workspace.reminder_grace_hours


class TestAction:
    def test_a_new_workspace_checks_in_on_monday_at_ten_with_a_day_of_grace(self, world):
        assert stored(world.workspace) == (0, 10, 24)
        assert world.workspace.rhythm == Rhythm(0, 10, 24)

    def test_it_saves_and_records_what_changed(self, world):
        changes = set_check_in_rhythm(
            world.workspace, Rhythm(4, 16, 24), actor=world.user("admin"), via="web"
        )
        assert changes == {"check_in_weekday": [0, 4], "check_in_hour": [10, 16]}
        assert stored(world.workspace) == (4, 16, 24)
        event = the_event(verb="updated", subject_type="workspace", subject_key="acme")
        assert event.summary == "check-ins due Fridays at 16:00"

    def test_the_same_rhythm_again_changes_nothing(self, world):
        assert set_check_in_rhythm(world.workspace, Rhythm(0, 10, 24), actor=None) == {}
        assert stored(world.workspace) == (0, 10, 24)

    @pytest.mark.parametrize(
        ("rhythm", "field"),
        [
            (Rhythm(7, 10, 24), "check_in_weekday"),
            (Rhythm(0, 24, 24), "check_in_hour"),
            (Rhythm(0, 10, 145), "reminder_grace_hours"),
        ],
    )
    def test_a_value_out_of_range_is_refused_by_name(self, world, rhythm, field):
        with refused(Invalid, "must be", field=field):
            set_check_in_rhythm(world.workspace, rhythm, actor=None)


class TestPage:
    def test_admins_see_the_rhythm_on_the_settings_page(self, world):
        text = signed_in(world, "admin").get("/settings/").content.decode()
        assert "Check-in rhythm" in text
        assert '<option value="0" selected>Monday</option>' in text
        assert '<option value="10" selected>10:00</option>' in text

    def test_an_admin_sets_it(self, world):
        response = signed_in(world, "admin").post("/settings/rhythm/", VALID)
        assert response.status_code == 302
        assert stored(world.workspace) == (4, 16, 48)
        page = signed_in(world, "admin").get("/settings/").content.decode()
        assert '<option value="4" selected>Friday</option>' in page

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("reminder_grace_hours", "200", "less than or equal to 144"),
            ("reminder_grace_hours", "-1", "greater than or equal to 0"),
            ("check_in_hour", "24", "Select a valid choice"),
            ("check_in_weekday", "sunday", "Select a valid choice"),
        ],
    )
    def test_a_bad_value_is_shown_at_its_field(self, world, field, value, message):
        response = signed_in(world, "admin").post(
            "/settings/rhythm/", {**VALID, f"rhythm-{field}": value}
        )
        text = response.content.decode()
        assert response.status_code == 200
        assert f'id="id_rhythm-{field}_error"' in text
        assert message in text
        assert stored(world.workspace) == (0, 10, 24)

    @pytest.mark.parametrize("persona", ["member", "viewer"])
    def test_others_may_not(self, world, persona):
        response = signed_in(world, persona).post("/settings/rhythm/", VALID)
        assert response.status_code == 403
        assert stored(world.workspace) == (0, 10, 24)

    def test_it_changes_only_the_callers_workspace(self, world):
        signed_in(world, "stranger").post("/settings/rhythm/", VALID)
        assert stored(world.workspace) == (0, 10, 24)
        assert stored(world.other) == (4, 16, 48)
