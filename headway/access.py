"""THE access module: every page, endpoint, export and command gets objects through here.

The rules are the pure table in `headway.domain.policy`; this module applies them to rows.
Objects of another workspace, and objects the caller may not see, raise `NotFound`: the two
are indistinguishable, so nothing confirms that a key exists elsewhere. A visible object that
the caller's role may not change raises `Forbidden`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from headway.accounts.models import ApiToken, Invitation, Membership, User
from headway.core.errors import Forbidden, Invalid, NotFound
from headway.core.trees import subtree_ids
from headway.domain.policy import Action, Relation, can_see, may, may_change
from headway.domain.types import Role, Visibility
from headway.events.models import DomainEvent
from headway.kpis.models import KPI
from headway.notifications.models import Follow, Notification
from headway.okrs.models import Cycle, Dependency, Initiative, KeyResult, Objective
from headway.okrs.querysets import CycleQuerySet, InitiativeQuerySet, KeyResultQuerySet
from headway.teams.models import Team
from headway.webhooks.models import Delivery, Webhook

M = TypeVar("M", bound=Model)


@dataclass(frozen=True, slots=True)
class TeamContext:
    """The caller's place in the team tree, loaded once per request (two queries, reading the
    caller's teams and the teams below those they lead, not the whole tree)."""

    mine: frozenset[int]  # teams the caller is a member or the lead of
    led_subtree: frozenset[int]  # teams the caller leads, and all their descendants


def team_context(membership: Membership) -> TeamContext:
    cached: TeamContext | None = getattr(membership, "_team_context", None)
    if cached is not None:
        return cached
    teams = Team.objects.filter(workspace_id=membership.workspace_id)
    led = teams.filter(lead_id=membership.user_id)
    member_of = Team.members.through.objects.filter(user_id=membership.user_id)
    mine = teams.filter(Q(pk__in=member_of.values("team_id")) | Q(lead_id=membership.user_id))
    context = TeamContext(
        mine=frozenset(mine.order_by().values_list("id", flat=True)),
        led_subtree=frozenset(subtree_ids(led)),
    )
    membership._team_context = context  # type: ignore[attr-defined]
    return context


def role_of(membership: Membership) -> Role:
    return Role(membership.role)


NO_RELATION = Relation()


def by_id(rows: QuerySet[M], pk: int) -> M | None:
    """The row of `rows` with this id, or None. An id past the database's integers finds nothing
    rather than overflowing in the query."""
    return rows.filter(pk=pk).first() if 0 < pk < 2**62 else None


def check(membership: Membership, action: Action, relation: Relation = NO_RELATION) -> None:
    """Raise Forbidden unless the caller's role allows `action` given `relation`."""
    if not may(role_of(membership), action, relation):
        raise Forbidden()


# Objectives ------------------------------------------------------------------------------


def visible_objectives_q(membership: Membership, prefix: str = "") -> Q:
    """The visibility rule of domain.policy.can_see as a filter (prefix: path to the objective)."""
    if role_of(membership) is Role.ADMIN:
        return Q()
    ctx = team_context(membership)
    return (
        Q(**{f"{prefix}visibility": Visibility.WORKSPACE.value})
        | Q(**{f"{prefix}owner_id": membership.user_id})
        | Q(**{f"{prefix}team_id__in": ctx.mine})
        | Q(
            **{
                f"{prefix}visibility": Visibility.TEAM.value,
                f"{prefix}team_id__in": ctx.led_subtree,
            }
        )
    )


def hidden_objectives_q(membership: Membership) -> Q | None:
    """The visibility filter of someone who may not see every objective; None for an admin."""
    return None if role_of(membership) is Role.ADMIN else visible_objectives_q(membership)


def objectives_for(membership: Membership) -> QuerySet[Objective]:
    return Objective.objects.filter(workspace_id=membership.workspace_id).filter(
        visible_objectives_q(membership)
    )


def relation_to(membership: Membership, *, owner_id: int | None, team_id: int | None) -> Relation:
    """How the caller stands to an object with this owner and team (stored, or about to be)."""
    ctx = team_context(membership)
    return Relation(
        is_owner=owner_id == membership.user_id,
        in_team=team_id in ctx.mine,
        leads_above=team_id in ctx.led_subtree,
    )


def objective_relation(membership: Membership, objective: Objective) -> Relation:
    return relation_to(membership, owner_id=objective.owner_id, team_id=objective.team_id)


def ensure_visible(membership: Membership, objective: Objective, what: str, key: str) -> None:
    relation = objective_relation(membership, objective)
    if not can_see(role_of(membership), Visibility(objective.visibility), relation):
        raise NotFound(what, key)


def access_by_key(
    membership: Membership,
    rows: QuerySet[M],
    key: str,
    action: Action,
    *,
    what: str,
    objective_of: Callable[[M], Objective] | None = None,
    relation: Callable[[Membership, M], Relation] | None = None,
) -> M:
    """The row of `rows` with this key in the caller's workspace, if the caller sees it (the
    objective it belongs to, `objective_of`) and may take `action` on it. A missing row and one
    the caller may not see raise the same NotFound; a visible row that the role may not act on
    raises Forbidden. Callers pass the row's kind, never a permission input."""
    found = rows.filter(workspace_id=membership.workspace_id, key=key).first()
    if found is None:
        raise NotFound(what, key)
    if objective_of is not None:
        ensure_visible(membership, objective_of(found), what, key)
    check(membership, action, NO_RELATION if relation is None else relation(membership, found))
    return found


def get_objective(membership: Membership, key: str, action: Action = Action.VIEW) -> Objective:
    rows = Objective.objects.select_related("cycle", "team", "owner", "parent")
    return access_by_key(
        membership, rows, key, action,
        what="objective", objective_of=lambda o: o, relation=objective_relation,
    )  # fmt: skip


# Key results, initiatives -------------------------------------------------------------------


def key_results_for(membership: Membership) -> KeyResultQuerySet:
    return KeyResult.objects.filter(workspace_id=membership.workspace_id).filter(
        visible_objectives_q(membership, "objective__")
    )


def part_relation(membership: Membership, objective: Objective, owner_id: int | None) -> Relation:
    """How the caller stands to a part of `objective` (a key result, an initiative) owned by
    `owner_id`: as to the objective, and its owner too."""
    base = objective_relation(membership, objective)
    return Relation(
        is_owner=base.is_owner or owner_id == membership.user_id,
        in_team=base.in_team,
        leads_above=base.leads_above,
    )


def key_result_relation(membership: Membership, kr: KeyResult) -> Relation:
    return part_relation(membership, kr.objective, kr.owner_id)


def get_key_result(membership: Membership, key: str, action: Action = Action.VIEW) -> KeyResult:
    rows = KeyResult.objects.select_related("objective", "objective__cycle", "owner", "kpi")
    return access_by_key(
        membership, rows, key, action,
        what="key result", objective_of=lambda kr: kr.objective, relation=key_result_relation,
    )  # fmt: skip


def initiatives_for(membership: Membership) -> InitiativeQuerySet:
    return Initiative.objects.filter(workspace_id=membership.workspace_id).filter(
        visible_objectives_q(membership, "objective__")
    )


def get_initiative(membership: Membership, key: str, action: Action = Action.VIEW) -> Initiative:
    rows = Initiative.objects.select_related("objective", "owner", "key_result")
    return access_by_key(
        membership, rows, key, action,
        what="initiative", objective_of=lambda i: i.objective, relation=initiative_relation,
    )  # fmt: skip


def initiative_relation(membership: Membership, initiative: Initiative) -> Relation:
    return part_relation(membership, initiative.objective, initiative.owner_id)


def dependencies_for(membership: Membership) -> QuerySet[Dependency]:
    """Dependencies whose both ends the caller can see."""
    visible = objectives_for(membership).values("id")
    return Dependency.objects.filter(workspace_id=membership.workspace_id).filter(
        Q(objective_id__in=visible) | Q(key_result__objective_id__in=visible),
        Q(depends_on_objective_id__in=visible) | Q(depends_on_key_result__objective_id__in=visible),
    )


def get_dependency(
    membership: Membership, dependency_id: int, action: Action = Action.VIEW
) -> Dependency:
    """A dependency whose both ends the caller sees; changing it is an edit of what depends."""
    rows = dependencies_for(membership).select_related(
        "objective", "key_result", "key_result__objective", "depends_on_objective",
        "depends_on_key_result",
    )  # fmt: skip
    dependency = by_id(rows, dependency_id)
    if dependency is None:
        raise NotFound("dependency", str(dependency_id))
    check(membership, action, dependency_relation(membership, dependency))
    return dependency


def dependency_relation(membership: Membership, dependency: Dependency) -> Relation:
    """A dependency belongs to the objective or key result that depends."""
    if dependency.key_result is not None:
        return key_result_relation(membership, dependency.key_result)
    assert dependency.objective is not None
    return objective_relation(membership, dependency.objective)


# KPIs, teams, cycles (visible to the whole workspace) -----------------------------------------


def kpis_for(membership: Membership) -> QuerySet[KPI]:
    return KPI.objects.filter(workspace_id=membership.workspace_id)


def kpi_relation(membership: Membership, kpi: KPI) -> Relation:
    return relation_to(membership, owner_id=kpi.owner_id, team_id=kpi.team_id)


def get_kpi(membership: Membership, key: str, action: Action = Action.VIEW) -> KPI:
    rows = KPI.objects.select_related("owner", "team")
    return access_by_key(membership, rows, key, action, what="KPI", relation=kpi_relation)


def teams_for(membership: Membership) -> QuerySet[Team]:
    return Team.objects.filter(workspace_id=membership.workspace_id)


def get_team(membership: Membership, key: str, action: Action = Action.VIEW) -> Team:
    rows = Team.objects.select_related("parent", "lead")
    return access_by_key(membership, rows, key, action, what="team")


def cycles_for(membership: Membership) -> CycleQuerySet:
    return Cycle.objects.filter(workspace_id=membership.workspace_id)


def get_cycle(membership: Membership, key: str, action: Action = Action.VIEW) -> Cycle:
    return access_by_key(membership, Cycle.objects.all(), key, action, what="cycle")


# Domain events, notifications and follows ---------------------------------------------------


def domain_events_for(membership: Membership) -> QuerySet[DomainEvent]:
    """The workspace's domain events about objectives the caller may see, or about none (the
    rule on the joined objective row: no list of every visible objective)."""
    events = DomainEvent.objects.filter(workspace_id=membership.workspace_id)
    if seen := visible_objectives_q(membership, "objective__"):  # Q() for an admin
        events = events.filter(Q(objective__isnull=True) | seen)
    return events


# A person's own notifications and follows, in their current workspace


def notifications_for(membership: Membership) -> QuerySet[Notification]:
    """The caller's inbox: their own notifications in this workspace (never anyone else's)."""
    return Notification.objects.filter(
        workspace_id=membership.workspace_id, recipient_id=membership.user_id, in_app=True
    )


def get_notification(membership: Membership, pk: int) -> Notification:
    found = by_id(notifications_for(membership), pk)
    if found is None:
        raise NotFound("notification", str(pk))
    return found


def follows_for(membership: Membership) -> QuerySet[Follow]:
    """The caller's follows in this workspace, of what they can still see."""
    visible = objectives_for(membership).values("id")
    return Follow.objects.filter(
        Q(objective__isnull=True) | Q(objective_id__in=visible),
        Q(key_result__isnull=True) | Q(key_result__objective_id__in=visible),
        workspace_id=membership.workspace_id,
        user_id=membership.user_id,
    )


def get_follow(membership: Membership, pk: int) -> Follow:
    found = by_id(follows_for(membership), pk)
    if found is None:
        raise NotFound("follow", str(pk))
    return found


Followable = Objective | KeyResult | KPI | Team


def get_followable(membership: Membership, subject_type: str, key: str) -> Followable:
    """What the caller asks to follow: anything they can see (an objective, a key result, a
    KPI, a team); the same NotFound as the object's own page otherwise."""
    getters: dict[str, Callable[[Membership, str], Followable]] = {
        "objective": get_objective,
        "key_result": get_key_result,
        "kpi": get_kpi,
        "team": get_team,
    }
    if subject_type not in getters:
        raise Invalid("type", "give objective, key_result, kpi or team")
    return getters[subject_type](membership, key)


# API tokens and invitations ---------------------------------------------------------------


def tokens_for(membership: Membership) -> QuerySet[ApiToken]:
    """The workspace's tokens an admin sees; anyone else sees their own."""
    tokens = ApiToken.objects.filter(workspace_id=membership.workspace_id)
    if role_of(membership) is not Role.ADMIN:
        tokens = tokens.filter(user_id=membership.user_id)
    return tokens


def get_token(membership: Membership, token_id: int, action: Action = Action.TOKEN) -> ApiToken:
    token = by_id(tokens_for(membership), token_id)
    if token is None:
        raise NotFound("token")
    check(membership, action, Relation(is_owner=token.user_id == membership.user_id))
    return token


def get_invitation(membership: Membership, invitation_id: int) -> Invitation:
    """A pending invitation of the caller's workspace, for an admin."""
    rows = Invitation.objects.filter(
        workspace_id=membership.workspace_id, state=Invitation.State.PENDING
    )
    invitation = by_id(rows, invitation_id)
    if invitation is None:
        raise NotFound("invitation")
    check(membership, Action.MANAGE)
    return invitation


# Writes: the one decision for pages and the API ---------------------------------------------

Writable = Objective | KeyResult | Initiative | KPI

#: The fields whose change moves an object: who owns it, and where it belongs.
PLACEMENT: dict[type[Writable], frozenset[str]] = {
    Objective: frozenset({"owner", "team"}),
    KPI: frozenset({"owner", "team"}),
    KeyResult: frozenset({"owner", "objective"}),
    Initiative: frozenset({"owner", "objective"}),
}


def current_relation(membership: Membership, obj: Writable) -> Relation:
    """How the caller stands to an object as it is stored."""
    if isinstance(obj, Objective):
        return objective_relation(membership, obj)
    if isinstance(obj, KeyResult):
        return key_result_relation(membership, obj)
    if isinstance(obj, Initiative):
        return initiative_relation(membership, obj)
    return kpi_relation(membership, obj)


Subject = Writable | Dependency

#: How the caller stands to something of their own: the most their role allows.
OWN = Relation(is_owner=True)


def may_on(membership: Membership, action: Action, obj: Subject | None = None) -> bool:
    """May the caller take `action` on `obj`, as it is stored (without one: on the workspace,
    as for `Action.MANAGE`)? Pages show a control by it; `check_on` enforces the same rule."""
    if obj is None:
        relation = NO_RELATION
    elif isinstance(obj, Dependency):
        relation = dependency_relation(membership, obj)
    else:
        relation = current_relation(membership, obj)
    return may(role_of(membership), action, relation)


def check_on(membership: Membership, action: Action, obj: Subject | None = None) -> None:
    """Raise Forbidden unless `may_on`."""
    if not may_on(membership, action, obj):
        raise Forbidden()


def may_own(membership: Membership, action: Action) -> bool:
    """May the caller take `action` on something of their own: whether their role offers it at
    all (creating, checking in, holding tokens)."""
    return may(role_of(membership), action, OWN)


def check_own(membership: Membership, action: Action) -> None:
    """Raise Forbidden unless `may_own`."""
    if not may_own(membership, action):
        raise Forbidden()


def placed_relation(membership: Membership, obj: Writable, changes: Mapping[str, Any]) -> Relation:
    """How the caller stands to where a write puts the object.

    A key result or an initiative belongs to its objective: only the objective counts, so owning
    the new key result gives no right to add it to someone else's objective. An objective or a
    KPI lands with its (new) owner and team.
    """
    if isinstance(obj, KeyResult | Initiative):
        objective = changes.get("objective") or obj.objective
        return objective_relation(membership, objective)
    owner = changes["owner"].pk if changes.get("owner") is not None else None
    team = changes["team"].pk if changes.get("team") is not None else None
    return relation_to(
        membership,
        owner_id=owner if "owner" in changes else obj.owner_id,
        team_id=team if "team" in changes else obj.team_id,
    )


def may_write(membership: Membership, obj: Writable, changes: Mapping[str, Any]) -> bool:
    """May this member make these changes to this object? An unsaved `obj` is being created.

    The one write decision that pages and the API take (domain.policy.may_change): the caller
    may edit the object as it is, and may place it where the changes put it.
    """
    current = None if obj.pk is None else current_relation(membership, obj)
    moves = obj.pk is None or not PLACEMENT[type(obj)].isdisjoint(changes)
    placed = placed_relation(membership, obj, changes) if moves else None
    return may_change(role_of(membership), current, placed)


def check_write(
    membership: Membership, obj: Writable, changes: Mapping[str, Any] | None = None
) -> None:
    """Raise Forbidden unless `may_write`."""
    if not may_write(membership, obj, changes or {}):
        raise Forbidden()


def check_placement(membership: Membership, *, owner: User | None, team: Team | None) -> None:
    """Raise Forbidden unless the caller may create an objective with this owner and team."""
    check_write(membership, Objective(), {"owner": owner, "team": team})


def objectives_to_carry(
    membership: Membership, cycle: Cycle, keys: list[str] | None
) -> list[Objective]:
    """The objectives of `cycle` the caller carries over (docs/api.md, "Carrying over").

    Named ones must be visible (else unknown, 400) and editable by the caller (else 403);
    `keys` None means every objective of the cycle the caller may edit. Pages and API use this.
    """
    rows = (
        objectives_for(membership)
        .filter(cycle=cycle)
        .select_related("cycle", "team", "owner", "parent")
    )
    if keys is None:
        role = role_of(membership)
        return [o for o in rows if may(role, Action.EDIT, objective_relation(membership, o))]
    found = {o.key: o for o in rows.filter(key__in=keys)}
    chosen = []
    for key in dict.fromkeys(keys):
        if key not in found:
            raise Invalid("objectives", f"unknown objective {key!r} in {cycle.name}")
        check(membership, Action.EDIT, objective_relation(membership, found[key]))
        chosen.append(found[key])
    return chosen


# Webhooks: an admin's --------------------------------------------------------------------


def webhooks_for(membership: Membership) -> QuerySet[Webhook]:
    """The workspace's webhooks, for an admin (anyone else: Forbidden)."""
    check(membership, Action.MANAGE)
    return Webhook.objects.filter(workspace_id=membership.workspace_id)


def get_webhook(membership: Membership, webhook_id: int) -> Webhook:
    """A webhook of the caller's workspace (else NotFound), for an admin (else Forbidden)."""
    webhook = by_id(
        Webhook.objects.filter(workspace_id=membership.workspace_id).select_related("workspace"),
        webhook_id,
    )
    if webhook is None:
        raise NotFound("webhook")
    check(membership, Action.MANAGE)
    return webhook


def deliveries_for(membership: Membership, webhook_id: int) -> QuerySet[Delivery]:
    """The delivery log of one webhook (as `get_webhook` decides), newest first."""
    return Delivery.objects.filter(webhook=get_webhook(membership, webhook_id))
