"""Who may do what, and who sees which objective, as a table (docs/scoring.md §8)."""

from itertools import product

import pytest

from headway.domain.policy import (
    Action,
    Relation,
    can_see,
    may,
    may_change,
    may_create_workspace,
)
from headway.domain.types import Role, Visibility

STRANGER = Relation()
OWNER = Relation(is_owner=True)
MEMBER_OF_TEAM = Relation(in_team=True)
LEAD_ABOVE = Relation(leads_above=True)  # leads an ancestor team, not in the object's team
LEAD_OF_TEAM = Relation(in_team=True, leads_above=True)

RELATIONS = {
    "stranger": STRANGER,
    "owner": OWNER,
    "team member": MEMBER_OF_TEAM,
    "lead above": LEAD_ABOVE,
    "team lead": LEAD_OF_TEAM,
}

VIEW_ONLY = frozenset({Action.VIEW})
WRITES = frozenset({Action.CREATE, Action.EDIT, Action.CHECK_IN, Action.POST_VALUE})
EVERYTHING = frozenset(Action)

# role -> relation -> the actions allowed.
ALLOWED: dict[Role, dict[str, frozenset[Action]]] = {
    Role.ADMIN: dict.fromkeys(RELATIONS, EVERYTHING),
    Role.MEMBER: {
        "stranger": VIEW_ONLY,
        "owner": VIEW_ONLY | WRITES | {Action.TOKEN},
        "team member": VIEW_ONLY | WRITES,
        "lead above": VIEW_ONLY,
        "team lead": VIEW_ONLY | WRITES,
    },
    Role.VIEWER: dict.fromkeys(RELATIONS, VIEW_ONLY) | {"owner": VIEW_ONLY | {Action.TOKEN}},
}

# (visibility, relation) -> seen by a member or a viewer. Admins see everything.
SEEN: dict[tuple[Visibility, str], bool] = {
    (Visibility.WORKSPACE, "stranger"): True,
    (Visibility.WORKSPACE, "owner"): True,
    (Visibility.WORKSPACE, "team member"): True,
    (Visibility.WORKSPACE, "lead above"): True,
    (Visibility.WORKSPACE, "team lead"): True,
    (Visibility.TEAM, "stranger"): False,
    (Visibility.TEAM, "owner"): True,
    (Visibility.TEAM, "team member"): True,
    (Visibility.TEAM, "lead above"): True,
    (Visibility.TEAM, "team lead"): True,
    (Visibility.PRIVATE, "stranger"): False,
    (Visibility.PRIVATE, "owner"): True,
    (Visibility.PRIVATE, "team member"): True,
    (Visibility.PRIVATE, "lead above"): False,
    (Visibility.PRIVATE, "team lead"): True,
}


class TestMay:
    @pytest.mark.parametrize(("role", "action", "relation"), list(product(Role, Action, RELATIONS)))
    def test_it_follows_the_table(self, role: Role, action: Action, relation: str) -> None:
        assert may(role, action, RELATIONS[relation]) is (action in ALLOWED[role][relation])

    def test_the_table_covers_every_role_and_relation(self) -> None:
        assert set(ALLOWED) == set(Role)
        assert all(set(row) == set(RELATIONS) for row in ALLOWED.values())

    def test_only_an_admin_may_manage(self) -> None:
        for role, relation in product(Role, RELATIONS.values()):
            assert may(role, Action.MANAGE, relation) is (role is Role.ADMIN)

    def test_the_relation_defaults_to_none_at_all(self) -> None:
        assert may(Role.MEMBER, Action.VIEW) is True
        assert may(Role.MEMBER, Action.CREATE) is False
        assert may(Role.ADMIN, Action.MANAGE) is True

    def test_a_viewer_may_not_check_in_even_on_what_they_own(self) -> None:
        assert may(Role.VIEWER, Action.CHECK_IN, Relation(is_owner=True, in_team=True)) is False


class TestTokensAndWorkspaces:
    @pytest.mark.parametrize("role", list(Role))
    def test_everyone_holds_tokens_of_their_own_and_only_an_admin_others(self, role: Role) -> None:
        assert may(role, Action.TOKEN, OWNER) is True
        assert may(role, Action.TOKEN, LEAD_OF_TEAM) is (role is Role.ADMIN)

    def test_staff_create_workspaces_and_others_only_when_the_instance_allows(self) -> None:
        assert may_create_workspace(is_staff=True, anyone_allowed=False) is True
        assert may_create_workspace(is_staff=False, anyone_allowed=False) is False
        assert may_create_workspace(is_staff=False, anyone_allowed=True) is True


class TestCanSee:
    @pytest.mark.parametrize(
        ("role", "visibility", "relation"),
        list(product([Role.MEMBER, Role.VIEWER], Visibility, RELATIONS)),
    )
    def test_it_follows_the_table(self, role: Role, visibility: Visibility, relation: str) -> None:
        assert can_see(role, visibility, RELATIONS[relation]) is SEEN[(visibility, relation)]

    @pytest.mark.parametrize(("visibility", "relation"), list(product(Visibility, RELATIONS)))
    def test_an_admin_sees_everything(self, visibility: Visibility, relation: str) -> None:
        assert can_see(Role.ADMIN, visibility, RELATIONS[relation]) is True

    def test_the_table_covers_every_visibility_and_relation(self) -> None:
        assert set(SEEN) == set(product(Visibility, RELATIONS))

    def test_a_lead_above_sees_a_team_objective_but_not_a_private_one(self) -> None:
        assert can_see(Role.MEMBER, Visibility.TEAM, LEAD_ABOVE) is True
        assert can_see(Role.MEMBER, Visibility.PRIVATE, LEAD_ABOVE) is False


class TestAction:
    def test_it_has_a_label(self) -> None:
        assert Action.CHECK_IN.label == "Check in"
        assert Action.POST_VALUE.value == "post_value"


# may_change: the one write decision (edit the object as it is, create it where it lands) ----


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("current", [None, *RELATIONS])
@pytest.mark.parametrize("placed", [None, *RELATIONS])
def test_a_write_needs_edit_where_it_is_and_create_where_it_lands(role, current, placed):
    now = RELATIONS[current] if current else None
    then = RELATIONS[placed] if placed else None
    expected = (
        (now is not None or then is not None)
        and (now is None or may(role, Action.EDIT, now))
        and (then is None or may(role, Action.CREATE, then))
    )
    assert may_change(role, now, then) is expected


def test_a_member_may_not_hand_their_objective_to_another_team_and_owner():
    assert may_change(Role.MEMBER, OWNER, None)  # a rename
    assert may_change(Role.MEMBER, OWNER, MEMBER_OF_TEAM)  # to someone else in their team
    assert not may_change(Role.MEMBER, OWNER, STRANGER)  # to another team and owner
    assert not may_change(Role.MEMBER, None, LEAD_ABOVE)  # leading above gives no write
    assert may_change(Role.ADMIN, STRANGER, STRANGER)
    assert not may_change(Role.VIEWER, OWNER, None)
