"""Changes to memberships: an admin gives a member another role."""

from __future__ import annotations

from django.db import transaction

from headway.accounts.models import Membership, User
from headway.core.errors import Conflict
from headway.domain.types import Role
from headway.history.actions import record


@transaction.atomic
def change_role(membership: Membership, role: Role, *, actor: User | None, via: str = "") -> None:
    """Give `membership` another role; a workspace always keeps at least one admin."""
    old = membership.role
    if old == role.value:
        return
    others = Membership.objects.select_for_update().filter(
        workspace_id=membership.workspace_id, role=Role.ADMIN.value
    )
    if old == Role.ADMIN.value and not others.exclude(pk=membership.pk).exists():
        raise Conflict("a workspace needs at least one admin", field="role")
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
