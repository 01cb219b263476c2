"""Changes to memberships: an admin adds a member (an existing or a new user), gives a member
another role, or removes one."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from headway.accounts.models import ApiToken, Membership, User, Workspace
from headway.core.errors import Conflict
from headway.domain.types import Role
from headway.history.actions import record


@transaction.atomic
def change_role(membership: Membership, role: Role, *, actor: User | None, via: str = "") -> None:
    """Give `membership` another role; a workspace always keeps at least one admin."""
    old = membership.role
    if old == role.value:
        return
    ensure_another_admin(membership)
    membership.role = role.value
    membership.save(update_fields=["role"])
    record(
        membership.workspace,
        actor=actor,
        verb="updated",
        subject=membership,
        changes={"role": [old, role.value]},
        summary=f"{membership.user.username} is now {role.label.lower()}",
        via=via,
    )


def ensure_another_admin(membership: Membership) -> None:
    """Refuse to take away the workspace's last admin.

    Every admin membership of the workspace is locked, in id order, until the change commits
    (PostgreSQL; SQLite's BEGIN IMMEDIATE already serializes writers), and the decision is taken
    on the roles as stored now: two admins demoting each other at once queue for the same locks
    in the same order (no deadlock), and the second sees the first's change and is refused.
    """
    admins = list(
        Membership.objects.select_for_update()
        .filter(workspace_id=membership.workspace_id, role=Role.ADMIN.value)
        .order_by("id")
        .values_list("id", flat=True)
    )
    if admins == [membership.pk]:
        raise Conflict("a workspace needs at least one admin", field="role")


@transaction.atomic
def add_member(
    workspace: Workspace, user: User, role: Role, *, actor: User | None, via: str = ""
) -> Membership:
    """Give `user` a role in `workspace`. An unsaved `user` (a new account, its password already
    set) is saved first; its username and email must be free."""
    if user.pk is None:
        if User.objects.filter(username__iexact=user.username).exists():
            raise Conflict(f"the username {user.username!r} is taken", field="username")
        if user.email and User.objects.filter(email__iexact=user.email).exists():
            raise Conflict(f"a user with the email {user.email!r} exists", field="email")
        user.save()
    elif Membership.objects.filter(workspace=workspace, user=user).exists():
        raise Conflict(f"{user.username} is already a member of this workspace", field="user")
    membership = Membership.objects.create(workspace=workspace, user=user, role=role.value)
    record(
        workspace,
        actor=actor,
        verb="joined",
        subject=membership,
        changes={"user": user.username, "role": role.value},
        summary=f"{user.username} as {role.label.lower()}",
        via=via,
    )
    return membership


@transaction.atomic
def remove_member(membership: Membership, *, actor: User | None, via: str = "") -> None:
    """Take `membership` out of its workspace and revoke the user's API tokens there."""
    ensure_another_admin(membership)
    ApiToken.objects.filter(
        workspace_id=membership.workspace_id, user_id=membership.user_id, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    record(
        membership.workspace,
        actor=actor,
        verb="removed",
        subject=membership,
        changes={"user": membership.user.username, "role": membership.role},
        summary=membership.user.username,
        via=via,
    )
    membership.delete()
