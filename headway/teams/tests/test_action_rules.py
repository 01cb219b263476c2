"""Every rule of the team actions, called directly: what a success stores and records in the
history, and that a refusal names its field and changes nothing (no row, no event)."""

from __future__ import annotations

from headway.core.errors import Conflict, Invalid
from headway.core.tests.factories import KPIFactory, ObjectiveFactory, TeamFactory
from headway.core.tests.fixtures import nothing_changes, refused, the_event
from headway.teams import actions
from headway.teams.models import Team


class TestCreateTeam:
    def test_it_stores_it_with_its_members_and_records_it(self, world):
        team = actions.create_team(
            world.workspace, actor=world.user("admin"), via="api", key="mobile", name="Mobile",
            parent=world.product, lead=world.user("lead"), members=[world.user("member")],
        )  # fmt: skip
        assert Team.objects.get(key="mobile").parent == world.product
        assert list(team.members.values_list("username", flat=True)) == ["max"]
        event = the_event(
            verb="created", subject_type="team", subject_key="mobile", summary=str(team)
        )
        assert (event.team_id, event.actor, event.via) == (team.pk, world.user("admin"), "api")
        assert {k: event.changes[k] for k in ("key", "name", "parent", "lead", "kind")} == {
            "key": "mobile",
            "name": "Mobile",
            "parent": "product",
            "lead": "lea",
            "kind": "team",
        }

    def test_a_parent_in_another_workspace_is_refused(self, world):
        theirs = TeamFactory(workspace=world.other, key="product")
        with refused(Invalid, "unknown team", field="parent"):
            actions.create_team(world.workspace, actor=None, key="mobile", name="M", parent=theirs)

    def test_a_taken_key_is_refused(self, world):
        with refused(Conflict, "web"):
            actions.create_team(world.workspace, actor=None, key="web", name="Web again")


class TestUpdateTeam:
    def test_it_records_what_changed_in_the_teams_history(self, world):
        actions.update_team(world.web, actor=world.user("admin"), via="web", name="Web & apps")
        assert Team.objects.get(key="web").name == "Web & apps"
        event = the_event(
            verb="updated",
            subject_key="web",
            changes={"name": ["Web", "Web & apps"]},
            team_id=world.web.pk,
        )
        assert (event.actor, event.via) == (world.user("admin"), "web")

    def test_the_same_members_in_another_order_record_nothing(self, world):
        world.web.members.add(world.user("viewer"))
        with nothing_changes():
            actions.update_team(
                world.web, actor=None, members=[world.user("viewer"), world.user("member")]
            )

    def test_a_team_cannot_be_its_own_parent(self, world):
        with refused(Invalid, "its own ancestor", field="parent"):
            actions.update_team(world.web, actor=None, parent=world.web)

    def test_a_loop_through_the_tree_is_refused(self, world):
        with refused(Invalid, "its own ancestor", field="parent"):
            actions.update_team(world.product, actor=None, parent=world.web)

    def test_a_parent_in_another_workspace_is_refused(self, world):
        theirs = TeamFactory(workspace=world.other, key="company")
        with refused(Invalid, "unknown team"):
            actions.update_team(world.web, actor=None, parent=theirs)

    def test_members_of_a_refused_change_are_kept(self, world):
        with refused(Invalid, "its own ancestor", field="parent"):
            actions.update_team(
                world.product, actor=None, parent=world.web, members=[world.user("viewer")]
            )


class TestDeleteTeam:
    def test_a_team_with_child_teams_is_kept(self, world):
        with refused(Conflict, "'product' still has", field="key"):
            actions.delete_team(world.product, actor=None)

    def test_a_team_with_kpis_is_kept(self, world):
        KPIFactory(workspace=world.workspace, team=world.web)
        with refused(Conflict, "'web' still has"):
            actions.delete_team(world.web, actor=None)

    def test_a_team_with_objectives_is_kept(self, world):
        ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, team=world.web)
        with refused(Conflict, "'web' still has"):
            actions.delete_team(world.web, actor=None)

    def test_deleting_an_empty_team_records_who_and_how(self, world):
        actions.delete_team(world.web, actor=world.user("admin"), via="api")
        event = the_event(
            verb="deleted", subject_type="team", subject_key="web", team_id=world.web.pk
        )
        assert (event.actor, event.via) == (world.user("admin"), "api")
