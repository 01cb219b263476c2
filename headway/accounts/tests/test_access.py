"""The access module: who sees which objective, and who may change what, on real rows."""

import pytest

from headway import access
from headway.core.errors import Forbidden, NotFound
from headway.core.tests.factories import (
    KeyResultFactory,
    KPIFactory,
    ObjectiveFactory,
    TeamFactory,
)
from headway.domain.policy import Action


def objective(world, key, *, visibility, team=None, owner=None):
    return ObjectiveFactory(
        workspace=world.workspace,
        cycle=world.cycle,
        key=key,
        visibility=visibility,
        team=team,
        owner=owner,
    )


class TestObjectiveVisibility:
    @pytest.mark.parametrize(
        ("persona", "expected"),
        [
            ("admin", {"PUB", "WEB-TEAM", "WEB-PRIV", "OPS-PRIV"}),
            ("member", {"PUB", "WEB-TEAM", "WEB-PRIV"}),  # member of web
            ("lead", {"PUB", "WEB-TEAM"}),  # leads product, web's parent: team, not private
            ("viewer", {"PUB"}),
        ],
    )
    def test_it_lists_only_what_each_persona_may_see(self, world, persona, expected):
        ops = TeamFactory(workspace=world.workspace, key="ops", parent=world.company)
        objective(world, "PUB", visibility="workspace", team=ops)
        objective(world, "WEB-TEAM", visibility="team", team=world.web)
        objective(world, "WEB-PRIV", visibility="private", team=world.web)
        objective(world, "OPS-PRIV", visibility="private", team=ops)
        membership = getattr(world, persona)
        keys = set(access.objectives_for(membership).values_list("key", flat=True))
        assert keys == expected
        for key in {"PUB", "WEB-TEAM", "WEB-PRIV", "OPS-PRIV"} - expected:
            with pytest.raises(NotFound):
                access.get_objective(membership, key)

    def test_an_owner_sees_their_private_objective_outside_their_teams(self, world):
        ops = TeamFactory(workspace=world.workspace, key="ops")
        objective(world, "MINE", visibility="private", team=ops, owner=world.user("viewer"))
        assert access.get_objective(world.viewer, "MINE").key == "MINE"

    def test_key_results_of_a_hidden_objective_are_hidden_too(self, world):
        ops = TeamFactory(workspace=world.workspace, key="ops")
        hidden = objective(world, "OPS-PRIV", visibility="private", team=ops)
        KeyResultFactory(objective=hidden, key="KR-HIDDEN")
        assert not access.key_results_for(world.member).filter(key="KR-HIDDEN").exists()
        with pytest.raises(NotFound):
            access.get_key_result(world.member, "KR-HIDDEN")


class TestOtherWorkspaces:
    def test_the_same_key_in_another_workspace_does_not_exist_for_you(self, world):
        objective(world, "O-1", visibility="workspace")
        ObjectiveFactory(workspace=world.other, key="O-1", title="Globex secret")
        mine = access.get_objective(world.member, "O-1")
        assert mine.workspace_id == world.workspace.id
        theirs = access.get_objective(world.stranger, "O-1")
        assert theirs.title == "Globex secret"

    def test_an_admin_of_another_workspace_gets_not_found_not_forbidden(self, world):
        objective(world, "ACME-ONLY", visibility="workspace")
        KPIFactory(workspace=world.workspace, key="revenue")
        with pytest.raises(NotFound):
            access.get_objective(world.stranger, "ACME-ONLY", Action.EDIT)
        with pytest.raises(NotFound):
            access.get_kpi(world.stranger, "revenue", Action.POST_VALUE)


class TestWriteRights:
    def test_a_member_may_check_in_on_their_teams_key_results_only(self, world):
        ours = objective(world, "WEB", visibility="workspace", team=world.web)
        theirs = objective(world, "CO", visibility="workspace", team=world.company)
        KeyResultFactory(objective=ours, key="KR-WEB")
        KeyResultFactory(objective=theirs, key="KR-CO")
        assert access.get_key_result(world.member, "KR-WEB", Action.CHECK_IN)
        with pytest.raises(Forbidden):
            access.get_key_result(world.member, "KR-CO", Action.CHECK_IN)

    def test_a_member_may_check_in_on_a_key_result_they_own_anywhere(self, world):
        theirs = objective(world, "CO", visibility="workspace", team=world.company)
        KeyResultFactory(objective=theirs, key="KR-CO", owner=world.user("member"))
        assert access.get_key_result(world.member, "KR-CO", Action.CHECK_IN)

    def test_a_viewer_may_read_but_never_write(self, world):
        objective(world, "PUB", visibility="workspace", team=world.web)
        KPIFactory(workspace=world.workspace, key="nps", owner=world.user("viewer"))
        assert access.get_objective(world.viewer, "PUB")
        with pytest.raises(Forbidden):
            access.get_objective(world.viewer, "PUB", Action.EDIT)
        with pytest.raises(Forbidden):
            access.get_kpi(world.viewer, "nps", Action.POST_VALUE)

    def test_only_admins_manage_teams_and_cycles(self, world):
        assert access.get_cycle(world.admin, "2026-q1", Action.MANAGE)
        for persona in ("member", "lead", "viewer"):
            with pytest.raises(Forbidden):
                access.get_team(getattr(world, persona), "web", Action.MANAGE)
