"""Changes to memberships: an admin adds a member (a new user, or an existing one when the
instance allows it), invites someone, gives a member another role, or removes one; a signed-in
user answers an invitation or creates a workspace; API tokens are created and revoked. The plan
import creates or updates its workspace, accounts and memberships in bulk (`upsert_*`)."""

from __future__ import annotations

import secrets
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import available_timezones

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from headway.accounts.models import ApiToken, Invitation, Membership, User, Workspace, hash_token
from headway.core.errors import Conflict, Forbidden, Invalid, NotFound
from headway.core.timeutil import today_in
from headway.core.unique import free_key
from headway.domain.policy import may_create_workspace
from headway.domain.rhythm import WEEKDAYS, Rhythm, validate_rhythm
from headway.domain.types import CycleState, Role, RuleViolation
from headway.history.actions import BATCH, Batch, assign, record


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


# Invitations ---------------------------------------------------------------------------------


def account_for(login: str) -> User | None:
    """The one account a username or e-mail address names, or None (none, or several)."""
    field = "email__iexact" if "@" in login else "username__iexact"
    users = list(User.objects.filter(**{field: login})[:2])
    return users[0] if len(users) == 1 else None


@transaction.atomic
def invite(
    workspace: Workspace, login: str, role: Role, *, actor: User | None, via: str = ""
) -> Invitation:
    """Invite whoever has the username or e-mail `login` to join `workspace` with `role`.

    The answer is the same whether or not such an account exists: nothing is attached until
    its owner accepts. Only someone already a member here, or already invited, is refused.
    """
    login = login.strip().lower()
    if not login:
        raise Invalid("login", "give a username or an e-mail address")
    if len(login) > 254:
        raise Invalid("login", "at most 254 characters")
    members = Membership.objects.filter(workspace=workspace)
    if members.filter(user__username__iexact=login).exists() or (
        "@" in login and members.filter(user__email__iexact=login).exists()
    ):
        raise Conflict(f"{login} is already a member of this workspace", field="login")
    pending = Invitation.objects.select_for_update().filter(
        workspace=workspace, login=login, state=Invitation.State.PENDING
    )
    if pending.exists():
        raise Conflict(f"{login} is already invited", field="login")
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                workspace=workspace, login=login, role=role.value, invited_by=actor,
                user=account_for(login),
            )  # fmt: skip
    except IntegrityError as error:  # the same login invited at the same moment
        raise Conflict(f"{login} is already invited", field="login") from error
    record(
        workspace,
        actor=actor,
        verb="invited",
        subject=invitation,
        changes={"login": login, "role": role.value},
        summary=f"{login} as {role.label.lower()}",
        via=via,
    )
    return invitation


def invitations_for_user(user: User) -> list[Invitation]:
    """The pending invitations made to `user`'s account, oldest first."""
    rows = Invitation.objects.filter(state=Invitation.State.PENDING, user=user)
    return list(rows.select_related("workspace", "invited_by").order_by("created_at"))


@transaction.atomic
def answer_invitation(
    invitation_id: int, user: User, *, accept: bool, via: str = ""
) -> Membership | None:
    """Accept (the user joins with the offered role) or decline one of the user's invitations."""
    if not 0 < invitation_id < 2**62:
        raise NotFound("invitation")
    invitation = (
        Invitation.objects.select_for_update()
        .filter(pk=invitation_id, user=user, state=Invitation.State.PENDING)
        .select_related("workspace")
        .first()
    )
    if invitation is None:
        raise NotFound("invitation")
    invitation.state = Invitation.State.ACCEPTED if accept else Invitation.State.DECLINED
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["state", "answered_at"])
    workspace = invitation.workspace
    if not accept:
        record(workspace, actor=user, verb="declined", subject=invitation,
               summary=invitation.login, via=via)  # fmt: skip
        return None
    if Membership.objects.filter(workspace=workspace, user=user).exists():
        raise Conflict(f"you are already a member of {workspace.name}")
    return add_member(workspace, user, Role(invitation.role), actor=user, via=via)


@transaction.atomic
def revoke_invitation(invitation: Invitation, *, actor: User | None, via: str = "") -> None:
    """Withdraw a pending invitation (an answered one stays as it is)."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.state != Invitation.State.PENDING:
        raise Conflict(f"the invitation is already {invitation.get_state_display().lower()}")
    invitation.state = Invitation.State.REVOKED
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["state", "answered_at"])
    record(invitation.workspace, actor=actor, verb="revoked", subject=invitation,
           summary=invitation.login, via=via)  # fmt: skip


# Workspaces ----------------------------------------------------------------------------------


def free_workspace_key(name: str) -> str:
    """A key made from `name` that no workspace uses yet."""
    return free_key(Workspace.objects.all(), slugify(name)[:56].strip("-") or "workspace")


@transaction.atomic
def create_workspace(
    user: User,
    *,
    name: str,
    timezone_name: str,
    cycle_name: str,
    cycle_start: date,
    cycle_end: date,
    via: str = "",
) -> Membership:
    """A new workspace with its first cycle; `user` becomes its admin (docs/members.md)."""
    from headway.okrs.actions import create_cycle  # okrs builds on accounts, not the reverse

    if not may_create_workspace(
        is_staff=user.is_staff or user.is_superuser,
        anyone_allowed=settings.ANYONE_CREATES_WORKSPACES,
    ):
        raise Forbidden("Only the instance's staff may create workspaces here.")
    name, cycle_name = name.strip(), cycle_name.strip()
    if not name:
        raise Invalid("name", "give the workspace a name")
    if len(name) > 200:
        raise Invalid("name", "at most 200 characters")
    if timezone_name not in available_timezones():
        raise Invalid("timezone", f"unknown time zone {timezone_name[:64]!r} (e.g. Europe/Paris)")
    if not cycle_name:
        raise Invalid("cycle_name", "give the first cycle a name (e.g. Q1 2027)")
    if len(cycle_name) > 200:
        raise Invalid("cycle_name", "at most 200 characters")
    if cycle_end < cycle_start:
        raise Invalid("cycle_end", "must be on or after the start")
    workspace = Workspace.objects.create(
        key=free_workspace_key(name), name=name, timezone=timezone_name
    )
    membership = add_member(workspace, user, Role.ADMIN, actor=user, via=via)
    state = CycleState.ACTIVE if cycle_start <= today_in(timezone_name) else CycleState.PLANNING
    create_cycle(
        workspace, actor=user, via=via, key=slugify(cycle_name)[:64] or "cycle",
        name=cycle_name, start=cycle_start, end=cycle_end, state=state.value,
    )  # fmt: skip
    return membership


@transaction.atomic
def set_check_in_rhythm(
    workspace: Workspace, rhythm: Rhythm, *, actor: User | None, via: str = ""
) -> dict[str, list[Any]]:
    """Set the workspace's check-in day, hour and reminder grace (docs/rhythm.md); answer
    what changed, recorded in the history."""
    try:
        validate_rhythm(rhythm)
    except RuleViolation as error:
        raise Invalid(error.field, error.reason) from error
    values = {
        "check_in_weekday": rhythm.weekday,
        "check_in_hour": rhythm.hour,
        "reminder_grace_hours": rhythm.grace_hours,
    }
    changes = assign(workspace, values)
    if changes:
        workspace.save(update_fields=list(changes))
        record(
            workspace,
            actor=actor,
            verb="updated",
            subject=workspace,
            changes=changes,
            summary=f"check-ins due {WEEKDAYS[rhythm.weekday]}s at {rhythm.hour:02d}:00",
            via=via,
        )
    return changes


# Bulk writes (the plan import) -------------------------------------------------------------

NO_CONTEXT: dict[str, int | None] = {}


@transaction.atomic
def upsert_workspace(
    values: Mapping[str, Any], *, actor: User | None, via: str
) -> tuple[Batch, bool]:
    """Create the workspace `values["key"]`, or update its fields; answer the Batch of a bulk
    write into it (holding this change's event) and whether the workspace is new."""
    found = Workspace.objects.filter(key=values["key"]).first()
    workspace = found or Workspace.objects.create(**values)
    batch = Batch(workspace, actor, via)
    if found is None:
        shown = {name: batch.show(None, value) for name, value in values.items()}
        batch.add_event("created", workspace, shown, NO_CONTEXT)
        batch.count("workspace", 1, 0)
    elif changes := batch.assign(found, values, {}):
        found.save()
        batch.add_event("updated", found, changes, NO_CONTEXT)
        batch.count("workspace", 0, 1)
    return batch, found is None


@dataclass(frozen=True, slots=True)
class UserRow:
    """An account to write: `role` None when it is only referred to, not made a member."""

    username: str
    name: str
    email: str
    role: str | None


@transaction.atomic
def upsert_users(
    batch: Batch,
    items: Sequence[UserRow],
    users: Mapping[str, User],
    *,
    shared: Collection[int],
) -> dict[str, User]:
    """Create missing accounts (no usable password) and update the name and e-mail of members
    whose account is this workspace's alone; answer `users` with the new accounts.

    Accounts in `shared` (members of other workspaces too) and non-members are never changed.
    The caller checked that usernames and e-mails are free whatever the case.
    """
    found = dict(users)
    new_users, changed_users = [], []
    for item in items:
        values = {"name": item.name, "email": item.email}
        user = found.get(item.username)
        if user is not None and (user.pk in shared or item.role is None):
            continue
        if user is None:
            user = User(username=item.username, **values)
            user.set_unusable_password()
            new_users.append(user)
        elif batch.assign(user, values, {}):
            changed_users.append(user)
    User.objects.bulk_create(new_users, batch_size=BATCH)
    if changed_users:
        User.objects.bulk_update(changed_users, ["name", "email"], batch_size=BATCH)
    for user in new_users:
        found[user.username] = user
        batch.remember("user", user.pk, user.username)
    batch.count("user", len(new_users), len(changed_users))
    return found


@transaction.atomic
def upsert_memberships(batch: Batch, items: Sequence[UserRow], users: Mapping[str, User]) -> None:
    """Give each member of `items` (role not None) their role in the batch's workspace; a
    membership not named stays. The caller checked that an admin remains."""
    memberships = {m.user_id: m for m in Membership.objects.filter(workspace=batch.workspace)}
    new_members, changed_members = [], []
    for item in items:
        if item.role is None:
            continue
        user = users[item.username]
        membership = memberships.get(user.pk)
        if membership is None:
            new_members.append(Membership(workspace=batch.workspace, user=user, role=item.role))
            member_event(batch, "joined", user, {"role": item.role})
        elif membership.role != item.role:
            member_event(batch, "updated", user, {"role": [membership.role, item.role]})
            membership.role = item.role
            changed_members.append(membership)
    Membership.objects.bulk_create(new_members, batch_size=BATCH)
    if changed_members:
        Membership.objects.bulk_update(changed_members, ["role"], batch_size=BATCH)
    batch.count("membership", len(new_members), len(changed_members))


def member_event(batch: Batch, verb: str, user: User, changes: dict[str, Any]) -> None:
    created = batch.add_event(verb, user, changes, NO_CONTEXT, summary=user.display_name)
    created.subject_type = "member"
    created.subject_key = user.username


@transaction.atomic
def set_passwords(usernames: Iterable[str], password: str) -> None:
    """Give these accounts one password (the demo's logins)."""
    for user in User.objects.filter(username__in=list(usernames)):
        user.set_password(password)
        user.save(update_fields=["password"])


# API tokens (shown once, stored as a SHA-256 digest) ------------------------------------------

TOKEN_PREFIX = "hw_"  # noqa: S105 (not a secret: marks Headway tokens in logs)


@transaction.atomic
def create_token(
    membership: Membership,
    *,
    actor: Membership | None,
    name: str = "",
    expires_in_days: int | None = None,
    via: str = "",
) -> tuple[ApiToken, str]:
    """A new token for `membership`; returns the row and the only copy of the raw token."""
    if expires_in_days is not None and expires_in_days < 1:
        raise Invalid("expires", "must be at least 1 day")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        workspace_id=membership.workspace_id,
        user_id=membership.user_id,
        name=name,
        prefix=raw[:10],
        digest=hash_token(raw),
        expires_at=(timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None),
    )
    record(
        membership.workspace,
        actor=actor.user if actor else None,
        verb="created",
        subject=token,
        changes={"user": membership.user.username, "name": name, "prefix": token.prefix},
        summary=f"API token {token.prefix}… for {membership.user.username}",
        via=via,
    )
    return token, raw


@transaction.atomic
def revoke_token(token: ApiToken, *, actor: Membership | None, via: str = "") -> ApiToken:
    """Revoke a token at once; revoking twice is harmless."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(
            token.workspace,
            actor=actor.user if actor else None,
            verb="revoked",
            subject=token,
            summary=f"API token {token.prefix}…",
            via=via,
        )
    return token
