"""The bulk action of teams (the plan import's writes), called directly."""

from headway.history.actions import Batch
from headway.teams import actions
from headway.teams.actions import TeamRow
from headway.teams.models import Team


def batch_of(world):
    batch = Batch(world.workspace, None, "import")
    for persona in ("admin", "member", "lead"):
        user = world.user(persona)
        batch.remember("user", user.pk, user.username)
    for team in (world.company, world.product, world.web):
        batch.remember("team", team.pk, team.key)
    return batch


def rows(world):
    return {team.key: team for team in (world.company, world.product, world.web)}


class TestUpsertTeams:
    def test_a_new_team_gets_its_parent_and_members(self, world):
        batch = batch_of(world)
        values = {"name": "Mobile", "kind": "team", "lead": None}
        actions.upsert_teams(batch, [TeamRow("mobile", values, "product", ["ada", "max"])], {})
        mobile = Team.objects.get(key="mobile")
        assert mobile.parent == world.product
        assert set(mobile.members.values_list("username", flat=True)) == {"ada", "max"}
        [event] = batch.events
        assert event.changes["members"] == ["ada", "max"]
        assert (event.changes["parent"], event.team_id) == ("product", mobile.pk)

    def test_members_become_exactly_those_given_and_the_change_is_recorded(self, world):
        batch = batch_of(world)
        values = {"name": "Web", "kind": "team", "lead": None}
        actions.upsert_teams(batch, [TeamRow("web", values, "product", ["ada"])], rows(world))
        assert list(world.web.members.values_list("username", flat=True)) == ["ada"]
        [event] = batch.events
        assert event.changes == {"members": [["max"], ["ada"]]}

    def test_an_unchanged_team_records_nothing(self, world):
        batch = batch_of(world)
        values = {"name": "Web", "kind": "team", "lead": None}
        actions.upsert_teams(batch, [TeamRow("web", values, "product", ["max"])], rows(world))
        assert batch.events == []
        assert not batch.updated
