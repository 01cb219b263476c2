"""The suggestions of the pickers (core.forms.PickerField): up to LIMIT objects matching what was
typed, from the same scope as the form that validates the choice (headway.access)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import render

from headway import access
from headway.accounts.models import Membership, User
from headway.core.forms import PickerField
from headway.domain.policy import Action
from headway.okrs.models import Dependency, Objective
from headway.pages.http import AuthenticatedRequest
from headway.pages.middleware import member_required

LIMIT = 20


def members_of(membership: Membership) -> QuerySet[User]:
    """The people of the caller's workspace: whom a form may name as owner, lead or member."""
    return User.objects.filter(memberships__workspace_id=membership.workspace_id).order_by(
        "username"
    )


def person_picker(required: bool = False, **kwargs: Any) -> PickerField:
    """A form's field for one person of the workspace (its queryset: members_of)."""
    return PickerField(
        "teams:pick-people", noun="person", to_field_name="username", required=required, **kwargs
    )


def team_picker(required: bool = False, **kwargs: Any) -> PickerField:
    """A form's field for one team (its queryset: access.teams_for)."""
    return PickerField("teams:pick-teams", noun="team", required=required, **kwargs)


def typed(request: AuthenticatedRequest) -> str:
    """What was typed: the picker sends its input under the form field's name, given as
    `field` (`q` when asked by hand). Refused to a role that fills in no form (a viewer)."""
    access.check_own(request.membership, Action.CREATE)
    return request.GET.get(request.GET.get("field", "q"), "").strip()


def options(request: AuthenticatedRequest, rows: Iterable[tuple[str, str]]) -> HttpResponse:
    return render(request, "core/picker_options.html", {"options": rows})


def matching(q: str, *fields: str) -> Q:
    found = Q()
    for field in fields:
        found |= Q(**{f"{field}__icontains": q})
    return found


def objective_options(rows: QuerySet[Objective], q: str) -> list[tuple[str, str]]:
    rows = rows.filter(matching(q, "key", "title")).select_related("cycle")
    return [
        (o.key, f"{o.title} ({o.cycle.name})")
        for o in rows.order_by("-cycle__start", "title")[:LIMIT]
    ]


@member_required
def pick_objectives(request: AuthenticatedRequest) -> HttpResponse:
    q = typed(request)
    return options(request, objective_options(access.objectives_for(request.membership), q))


@member_required
def pick_dependency_targets(request: AuthenticatedRequest) -> HttpResponse:
    """Objectives, then key results (a dependency may be on either); given `for`, an
    objective's key, neither it, its key results nor what it already depends on."""
    membership, q = request.membership, typed(request)
    source = request.GET.get("for", "")
    taken = Dependency.objects.filter(
        workspace_id=membership.workspace_id, objective__key=source
    ).values_list("depends_on_objective_id", "depends_on_key_result_id")
    objectives = access.objectives_for(membership).exclude(key=source)
    found = objective_options(objectives.exclude(pk__in=[o for o, _ in taken if o]), q)
    krs = (
        access.key_results_for(membership)
        .exclude(objective__key=source)
        .exclude(pk__in=[kr for _, kr in taken if kr])
        .filter(matching(q, "key", "title"))
        .select_related("objective")
        .order_by("objective__title", "position")[:LIMIT]
    )
    found += [(kr.key, f"Key result of {kr.objective.title}: {kr.title}") for kr in krs]
    return options(request, found[:LIMIT])


@member_required
def pick_people(request: AuthenticatedRequest) -> HttpResponse:
    rows = members_of(request.membership).filter(matching(typed(request), "username", "name"))
    return options(request, ((u.username, u.name) for u in rows[:LIMIT]))


@member_required
def pick_teams(request: AuthenticatedRequest) -> HttpResponse:
    rows = access.teams_for(request.membership).filter(matching(typed(request), "key", "name"))
    return options(request, ((t.key, t.name) for t in rows.order_by("name")[:LIMIT]))


@member_required
def pick_kpis(request: AuthenticatedRequest) -> HttpResponse:
    rows = access.kpis_for(request.membership).filter(matching(typed(request), "key", "name"))
    return options(request, ((k.key, k.name) for k in rows.order_by("name")[:LIMIT]))
