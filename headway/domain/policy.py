"""Who may do what: the whole permission matrix as pure rules (docs/api.md, "Who may do what").

`headway.access` applies these rules to database objects; pages, the API, exports and
commands all go through it, so this table is the one place where authorization is decided.
"""

from __future__ import annotations

from dataclasses import dataclass

from headway.domain.types import Choice, Role, Visibility


class Action(Choice):
    VIEW = "view"
    CREATE = "create"  # objectives, key results, initiatives, KPIs, dependencies
    EDIT = "edit"  # edit or delete the same objects
    CHECK_IN = "check_in"  # key results
    POST_VALUE = "post_value"  # KPI values
    MANAGE = "manage"  # teams, cycles, members, other people's tokens, workspace settings
    TOKEN = "token"  # noqa: S105 (an action: hold API tokens; is_owner = the caller's own)


@dataclass(frozen=True, slots=True)
class Relation:
    """How the caller stands to one object.

    is_owner: the caller owns the object (for a key result: the KR or its objective).
    in_team: the caller is a member (or the lead) of the object's team.
    leads_above: the caller leads the object's team or one of its ancestor teams.
    """

    is_owner: bool = False
    in_team: bool = False
    leads_above: bool = False


def can_see(role: Role, visibility: Visibility, relation: Relation) -> bool:
    """Whether an objective (and all that hangs from it) is visible to the caller.

    workspace: everyone in the workspace. team: its team's members, the leads of its team and of
    the ancestor teams, its owner, admins. private: its owner, its team's members, admins.
    """
    if role is Role.ADMIN or visibility is Visibility.WORKSPACE:
        return True
    if relation.is_owner or relation.in_team:
        return True
    return visibility is Visibility.TEAM and relation.leads_above


def may(role: Role, action: Action, relation: Relation = Relation()) -> bool:
    """Whether the caller may take `action` on an object they can see.

    admin: everything. member: view, and create / edit / check in / post values on what they
    own or what belongs to one of their teams; never manage. viewer: view only. Everyone may
    hold API tokens of their own (a viewer's token reads only, as the viewer does).
    """
    if action is Action.VIEW or role is Role.ADMIN:
        return True
    if action is Action.TOKEN:
        return relation.is_owner
    if role is Role.VIEWER or action is Action.MANAGE:
        return False
    return relation.is_owner or relation.in_team


def may_create_workspace(*, is_staff: bool, anyone_allowed: bool) -> bool:
    """Whether a signed-in user may create a workspace (and become its admin).

    Staff and superusers may (the operator, after `headway createsuperuser`); anyone signed in
    may when the instance allows it (HEADWAY_ANYONE_CREATES_WORKSPACES, docs/members.md).
    """
    return is_staff or anyone_allowed


def may_change(role: Role, current: Relation | None, placed: Relation | None) -> bool:
    """Whether the caller may create an object, or change one, so that it lands at `placed`.

    One decision for pages and the API (docs/api.md, "Who may do what"). `current` is how the
    caller stands to the object as it is (None: it is being created); `placed` is how they stand
    to where the write puts it (None: the write moves nothing: no new owner, team or objective).
    A member may edit what they own or what is their team's, and may only put an object where
    they could have created it: they may not hand their objective to another team and owner,
    nor add a key result or initiative to an objective they may not edit.
    """
    if current is None and placed is None:
        return False  # a creation always has a place
    if current is not None and not may(role, Action.EDIT, current):
        return False
    return placed is None or may(role, Action.CREATE, placed)
