"""The suggestions of the pickers (core.forms.PickerField): up to LIMIT objects matching what was
typed, from the same scope as the form that validates the choice (headway.access).

A suggestion costs what it shows, however large the workspace (`suggest`): the rows whose key or
name starts with the text are read from an index range, the first LIMIT of each, and the rows
that only contain it are looked for among the WINDOW newest rows only. A text that matches
nothing therefore reads the WINDOW rows and LIMIT of each range, not the workspace; to find an
older row the user types the start of its key or name."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Case, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Lower
from django.http import HttpResponse
from django.shortcuts import render

from headway import access
from headway.accounts.models import Membership, User
from headway.core.forms import PickerField
from headway.domain.policy import Action
from headway.okrs.models import Dependency, KeyResult, Objective
from headway.pages.http import AuthenticatedRequest
from headway.pages.middleware import member_required

LIMIT = 20
# How many of the newest rows (highest ids) a search for text inside a key or name reads at most.
WINDOW = 1000


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


Row = dict[str, Any]


def suggest(
    rows: QuerySet[Any],
    q: str,
    *,
    key: str,
    name: str,
    show: tuple[str, ...] = (),
    order: Callable[[Row], Any],
    among: QuerySet[Any] | None = None,
) -> list[Row]:
    """Up to LIMIT rows of `rows` matching `q` (their `key`, `name` and `show` fields), in one
    query whatever their number, read from three bounded sets: the first LIMIT rows from `q` on
    of the key's index and of an index on the lower-cased name (so every row whose key or name
    starts with `q` is found, however old), and the first LIMIT rows containing `q` among the
    WINDOW newest of `among` (of the workspace, whatever the reader may see: the window bounds
    what is read, `rows` what is shown; `rows` by default). Those starting with `q` come first,
    each group in `order`."""
    folded, text = Lower(name), Lower(Value(q))
    matches = Q(**{f"{key}__icontains": q}) | Q(**{f"{name}__icontains": q})
    # The ranges have a lower bound only (an upper one, "the next string", would depend on the
    # database's collation): they read LIMIT rows, and the rows that do not match drop out.
    by_key = rows.filter(**{f"{key}__gte": q}).order_by(key).values("pk")[:LIMIT]
    by_name = rows.alias(folded=folded).filter(folded__gte=text).order_by(folded).values("pk")
    newest = (rows if among is None else among).order_by("-pk").values("pk")
    oldest = Coalesce(Subquery(newest[WINDOW - 1 : WINDOW]), 0)
    contained = rows.filter(matches, pk__gte=oldest).order_by("-pk").values("pk")[:LIMIT]
    starts = Q(**{f"{key}__istartswith": q}) | Q(**{f"{name}__istartswith": q})
    found = (
        rows.filter(Q(pk__in=by_key) | Q(pk__in=by_name[:LIMIT]) | Q(pk__in=contained))
        .filter(matches)
        .annotate(later=Case(When(starts, then=1), default=2))
        .values(key, name, *show, "later")
    )
    return sorted(found, key=lambda r: (r["later"], order(r)))[:LIMIT]


def objective_options(
    membership: Membership, rows: QuerySet[Objective], q: str
) -> list[tuple[str, str]]:
    """Newest cycles first, by title within a cycle."""
    found = suggest(
        rows,
        q,
        among=Objective.objects.filter(workspace_id=membership.workspace_id),
        key="key",
        name="title",
        show=("cycle__name", "cycle__start"),
        order=lambda o: (-o["cycle__start"].toordinal(), o["title"]),
    )
    return [(o["key"], f"{o['title']} ({o['cycle__name']})") for o in found]


@member_required
def pick_objectives(request: AuthenticatedRequest) -> HttpResponse:
    q = typed(request)
    rows = access.objectives_for(request.membership)
    return options(request, objective_options(request.membership, rows, q))


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
    objectives = objectives.exclude(pk__in=[o for o, _ in taken if o])
    found = objective_options(membership, objectives, q)
    krs = (
        access.key_results_for(membership)
        .exclude(objective__key=source)
        .exclude(pk__in=[kr for _, kr in taken if kr])
    )
    found += [
        (kr["key"], f"Key result of {kr['objective__title']}: {kr['title']}")
        for kr in suggest(
            krs,
            q,
            among=KeyResult.objects.filter(workspace_id=membership.workspace_id),
            key="key",
            name="title",
            show=("objective__title", "position"),
            order=lambda kr: (kr["objective__title"], kr["position"]),
        )
    ]
    return options(request, found[:LIMIT])


def named_options(
    rows: QuerySet[Any], q: str, *, key: str = "key", by: str = "name"
) -> list[tuple[str, str]]:
    """People, teams or KPIs: (key or username, name), sorted by `by`."""
    found = suggest(rows, q, key=key, name="name", order=lambda r: r[by])
    return [(r[key], r["name"]) for r in found]


@member_required
def pick_people(request: AuthenticatedRequest) -> HttpResponse:
    q = typed(request)
    return options(
        request, named_options(members_of(request.membership), q, key="username", by="username")
    )


@member_required
def pick_teams(request: AuthenticatedRequest) -> HttpResponse:
    q = typed(request)
    return options(request, named_options(access.teams_for(request.membership), q))


@member_required
def pick_kpis(request: AuthenticatedRequest) -> HttpResponse:
    q = typed(request)
    return options(request, named_options(access.kpis_for(request.membership), q))
