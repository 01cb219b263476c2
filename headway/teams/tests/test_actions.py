import pytest

from headway.core.errors import Conflict, Invalid
from headway.core.tests.factories import ObjectiveFactory
from headway.history.models import Event
from headway.teams import actions
from headway.teams.models import Team


class TestUpdateTeam:
    def test_it_refuses_to_make_a_team_its_own_ancestor(self, world):
        with pytest.raises(Invalid, match="parent"):
            actions.update_team(world.company, actor=None, parent=world.web)
        world.company.refresh_from_db()
        assert world.company.parent is None

    def test_it_records_membership_changes(self, world):
        actions.update_team(world.web, actor=world.user("admin"), members=[world.user("viewer")])
        assert list(world.web.members.values_list("username", flat=True)) == ["vic"]
        event = Event.objects.get(subject_key="web", verb="updated")
        assert event.changes == {"members": [["max"], ["vic"]]}
        assert event.actor == world.user("admin")


class TestDeleteTeam:
    def test_it_refuses_while_objectives_still_belong_to_the_team(self, world):
        ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, team=world.web)
        with pytest.raises(Conflict, match="web"):
            actions.delete_team(world.web, actor=None)
        assert Team.objects.filter(key="web").exists()
        assert not Event.objects.filter(verb="deleted").exists()

    def test_it_deletes_an_empty_team_and_records_it(self, world):
        actions.delete_team(world.web, actor=None)
        assert not Team.objects.filter(key="web").exists()
        assert Event.objects.filter(verb="deleted", subject_key="web").exists()
