"""OKR pages: the alignment tree, an objective, the weekly check-in and the cycle review."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from headway import access
from headway.core import charts
from headway.core.errors import Conflict, DomainError, Invalid, NotFound
from headway.core.forms import show_error, unique_key
from headway.domain.carry import is_unfinished
from headway.domain.cycles import current_cycle
from headway.domain.kr_count import MAX_KEY_RESULTS, key_result_warnings
from headway.domain.policy import Action, Relation
from headway.history.models import Event
from headway.kpis.models import KPIValue
from headway.okrs import actions
from headway.okrs.forms import (
    DependencyForm,
    InitiativeForm,
    InitiativeStatusForm,
    RetrospectiveForm,
    TreeFilterForm,
)
from headway.okrs.models import CheckIn, Cycle, Dependency, Initiative, KeyResult, Objective
from headway.okrs.scoring import Scoreboard, hidden_in_figures, scoreboard
from headway.pages.htmx import render_page_or_partial
from headway.pages.http import AuthenticatedRequest, allowed, today
from headway.pages.middleware import member_required
from headway.teams.models import Team


def pick_cycle(request: AuthenticatedRequest, key: str | None) -> tuple[Cycle | None, list[Cycle]]:
    """The cycle named by `key`, else the current one (`headway.domain.cycles.current_cycle`)."""
    cycles = list(access.cycles_for(request.membership))
    if key:
        chosen = next((c for c in cycles if c.key == key), None)
        if chosen is None:
            raise NotFound("cycle", key)
        return chosen, cycles
    return current_cycle(cycles, today(request.membership)), cycles


def team_depths(teams: list[Team]) -> dict[int, int]:
    parents = {t.pk: t.parent_id for t in teams}
    depths: dict[int, int] = {}
    for team_id in parents:
        depth, node = 0, parents.get(team_id)
        while node is not None and depth < 50:
            depth, node = depth + 1, parents.get(node)
        depths[team_id] = depth
    return depths


def build_tree(
    objectives: list[Objective],
    board: Scoreboard,
    teams: list[Team],
    hidden: dict[int, int] | None = None,
) -> list[Any]:
    """Nodes {objective, figures, hidden, children}: company objectives first, then departments,
    teams. `hidden`: how many objectives the reader cannot see each figure includes."""
    visible = {o.pk for o in objectives}
    children: dict[int | None, list[Objective]] = defaultdict(list)
    for o in objectives:
        children[o.parent_id if o.parent_id in visible else None].append(o)
    depth = team_depths(teams)

    def node(o: Objective, level: int) -> dict[str, Any]:
        kids = children.get(o.pk, [])
        return {
            "objective": o,
            "figures": board.objectives.get(o.pk),
            "hidden": (hidden or {}).get(o.pk, 0),
            "children": [node(k, level + 1) for k in kids] if level < 20 else [],
        }

    roots = sorted(children[None], key=lambda o: (depth.get(o.team_id or 0, 99), o.title))
    return [node(o, 0) for o in roots]


@member_required
def tree(request: AuthenticatedRequest) -> HttpResponse:
    """The alignment tree of a cycle, with filters and search."""
    membership = request.membership
    cycle, cycles = pick_cycle(request, request.GET.get("cycle"))
    teams = list(access.teams_for(membership))
    form = TreeFilterForm(membership, teams, request.GET or None)
    objectives: list[Objective] = []
    board = Scoreboard(as_of=today(membership))
    hidden: dict[int, int] = {}
    if cycle is not None:
        objectives = list(
            access.objectives_for(membership)
            .filter(cycle=cycle)
            .select_related("owner", "team")
            .prefetch_related("key_results")
        )
        board = scoreboard([cycle], as_of=today(membership))
        hidden = hidden_in_figures([cycle.pk], access.hidden_objectives_q(membership))
    matches: list[Objective] = []
    if form.is_valid() and form.active:
        data = form.cleaned_data
        q = data["q"].lower()
        matches = [
            o
            for o in objectives
            if (not q or q in o.title.lower() or q in o.description.lower())
            and (not data["team"] or o.team_id == data["team"].pk)
            and (not data["owner"] or o.owner_id == data["owner"].pk)
            and (not data["kind"] or o.kind == data["kind"])
            and (not data["status"] or board.objectives[o.pk].status == data["status"])
        ]
    context = {
        "cycle": cycle,
        "cycles": cycles,
        "form": form,
        "filtering": form.is_bound and form.active,
        "nodes": build_tree(objectives, board, teams, hidden),
        "matches": [
            {"objective": o, "figures": board.objectives.get(o.pk), "hidden": hidden.get(o.pk, 0)}
            for o in matches
        ],
        "count": len(objectives),
        "can_create": allowed(membership, Action.CREATE, Relation(is_owner=True)),
    }
    return render_page_or_partial(request, "okrs/tree.html", context, partials={"tree": "tree"})


def kr_chart(kr: KeyResult, cycle: Cycle, points: list[tuple[Any, float]]) -> str:
    """Check-ins against the expected line; none for a done/not-done key result."""
    if kr.metric == "boolean":
        return ""
    expected = None
    if kr.direction == "auto" and kr.start is not None and kr.target is not None:
        expected = ((cycle.start, kr.start), (cycle.end, kr.target))
    return charts.line_chart(
        title=f"{kr.title}: check-ins against the expected line",
        points=points,
        start=cycle.start,
        end=cycle.end,
        unit=kr.unit,
        target=kr.target,
        expected=expected,
    )


@member_required
def objective_detail(request: AuthenticatedRequest, key: str) -> HttpResponse:
    membership = request.membership
    objective = access.get_objective(membership, key)
    cycle = objective.cycle
    board = scoreboard([cycle], as_of=today(membership))
    krs = list(objective.key_results.select_related("owner", "kpi"))
    points: dict[int, list[tuple[Any, float]]] = defaultdict(list)
    for kr_id, at, value in CheckIn.objects.filter(key_result__in=krs).values_list(
        "key_result_id", "at", "value"
    ):
        points[kr_id].append((at, value))
    kpi_points: dict[int, list[tuple[Any, float]]] = defaultdict(list)
    for kpi_id, at, value in KPIValue.objects.filter(
        kpi_id__in=[kr.kpi_id for kr in krs if kr.kpi_id], at__range=(cycle.start, cycle.end)
    ).values_list("kpi_id", "at", "value"):
        kpi_points[kpi_id].append((at, value))
    visible = access.objectives_for(membership)
    deps = access.dependencies_for(membership).select_related(
        "objective", "key_result", "depends_on_objective", "depends_on_key_result"
    )
    relation = access.objective_relation(membership, objective)
    context = {
        "objective": objective,
        "figures": board.objectives.get(objective.pk),
        "hidden_children": hidden_in_figures(
            [objective.cycle_id], access.hidden_objectives_q(membership)
        ).get(objective.pk, 0),
        "key_results": [
            {
                "kr": kr,
                "figures": board.key_results.get(kr.pk),
                "chart": kr_chart(kr, cycle, kpi_points[kr.kpi_id] if kr.kpi_id else points[kr.pk]),
            }
            for kr in krs
        ],
        "parent": visible.filter(pk=objective.parent_id).first() if objective.parent_id else None,
        "carried_from": visible.filter(pk=objective.carried_from_id).select_related("cycle").first()
        if objective.carried_from_id
        else None,
        "carried_to": visible.filter(carried_from=objective).select_related("cycle"),
        "weight_total": sum(kr.weight for kr in krs),
        "children": [
            {"objective": o, "figures": board.objectives.get(o.pk)}
            for o in visible.filter(parent=objective).select_related("owner", "team")
        ],
        "blocks": deps.filter(
            Q(depends_on_objective=objective) | Q(depends_on_key_result__objective=objective)
        ),
        "events": Event.objects.filter(
            workspace_id=membership.workspace_id, objective=objective
        ).select_related("actor", "objective")[:30],
        "can_edit": allowed(membership, Action.EDIT, relation) and not cycle.is_closed,
        "can_check_in": allowed(membership, Action.CHECK_IN, relation) and not cycle.is_closed,
        "kr_warnings": key_result_warnings(len(krs)),
        "can_add_key_result": len(krs) < MAX_KEY_RESULTS,
        **initiatives_context(request, objective),
        **dependencies_context(request, objective, board=board),
    }
    return render(request, "okrs/objective_detail.html", context)


def initiatives_context(request: AuthenticatedRequest, objective: Objective) -> dict[str, Any]:
    relation = access.objective_relation(request.membership, objective)
    return {
        "objective": objective,
        "initiatives": objective.initiatives.select_related("owner"),
        "can_edit_initiatives": allowed(request.membership, Action.EDIT, relation),
        "initiative_form": InitiativeForm(),
    }


@require_POST
@member_required
def initiative_status(request: AuthenticatedRequest, key: str) -> HttpResponse:
    """Tick an initiative done (or back to do) on the objective's checklist."""
    initiative = access.get_initiative(request.membership, key, Action.EDIT)
    form = InitiativeStatusForm(request.POST)
    if form.is_valid():
        actions.update_initiative(
            initiative, actor=request.user, via="web", status=form.cleaned_data["status"]
        )
    return initiatives_response(request, initiative.objective)


@require_POST
@member_required
def initiative_create(request: AuthenticatedRequest, key: str) -> HttpResponse:
    objective = access.get_objective(request.membership, key)
    access.check_write(request.membership, Initiative(objective=objective))
    form = InitiativeForm(request.POST)
    if form.is_valid():
        siblings = Initiative.objects.filter(workspace_id=objective.workspace_id)
        actions.create_initiative(
            objective.workspace,
            actor=request.user,
            via="web",
            objective=objective,
            owner=request.user,
            key=unique_key(siblings, form.cleaned_data["title"], fallback="initiative"),
            **form.cleaned_data,
        )
    if not request.htmx:
        return redirect("okrs:objective", key=objective.key)
    context = initiatives_context(request, objective)
    if not form.is_valid():
        context["initiative_form"] = form
    return render(request, "okrs/objective_detail.html#initiatives", context)


def initiatives_response(request: AuthenticatedRequest, objective: Objective) -> HttpResponse:
    if not request.htmx:
        return redirect("okrs:objective", key=objective.key)
    return render(
        request,
        "okrs/objective_detail.html#initiatives",
        initiatives_context(request, objective),
    )


# Dependencies ------------------------------------------------------------------------------


def dependencies_context(
    request: AuthenticatedRequest,
    objective: Objective,
    form: DependencyForm | None = None,
    board: Scoreboard | None = None,
) -> dict[str, Any]:
    """What `objective` (or one of its key results) depends on, and the form to add one."""
    membership = request.membership
    can_edit = allowed(membership, Action.EDIT, access.objective_relation(membership, objective))
    depends_on = list(
        access.dependencies_for(membership)
        .filter(Q(objective=objective) | Q(key_result__objective=objective))
        .select_related(
            "depends_on_objective__cycle", "depends_on_key_result__objective__cycle", "key_result"
        )
    )
    rows = dependency_rows(depends_on, as_of=today(membership), board=board)
    return {
        "objective": objective,
        "depends_on": rows,
        "blocked_by": [row for row in rows if row["status"] == "off_track"],
        "can_edit_dependencies": can_edit,
        "dependency_form": form or (DependencyForm(membership, objective) if can_edit else None),
    }


def dependency_rows(
    dependencies: list[Dependency], *, as_of: Any, board: Scoreboard | None = None
) -> list[dict[str, Any]]:
    """Each dependency with the status and progress of what it depends on.

    `board`: figures already computed (the objective's own cycle); only the cycles it lacks are
    scored, in one more scoreboard.
    """
    board = board or Scoreboard(as_of=as_of)
    missing = {
        target.cycle_id: target.cycle
        for d in dependencies
        if (d.depends_on_objective_id or 0) not in board.objectives
        and (d.depends_on_key_result_id or 0) not in board.key_results
        for target in [d.depends_on_objective or d.depends_on_key_result.objective]  # type: ignore[union-attr]
    }
    if missing:
        extra = scoreboard(missing.values(), as_of=as_of)
        board = Scoreboard(
            as_of=as_of,
            objectives={**board.objectives, **extra.objectives},
            key_results={**board.key_results, **extra.key_results},
        )
    rows = []
    for d in dependencies:
        figures: Any = (
            board.objectives.get(d.depends_on_objective_id)
            if d.depends_on_objective_id
            else board.key_results.get(d.depends_on_key_result_id or 0)
        )
        rows.append(
            {
                "d": d,
                "status": figures.status if figures else None,
                "progress": figures.progress if figures else None,
            }
        )
    return rows


@require_POST
@member_required
def dependency_create(request: AuthenticatedRequest, key: str) -> HttpResponse:
    """'This objective depends on …': an edit of this objective."""
    objective = access.get_objective(request.membership, key, Action.EDIT)
    form = DependencyForm(request.membership, objective, request.POST)
    added = False
    if form.is_valid():
        try:
            actions.create_dependency(
                objective.workspace,
                actor=request.user,
                via="web",
                objective=objective,
                note=form.cleaned_data["note"],
                **form.cleaned_data["depends_on"],
            )
            added = True
        except DomainError as error:
            show_error(form, error)
    if not request.htmx:
        if not added:
            errors = " ".join(str(e) for field in form.errors.values() for e in field)
            messages.error(request, f"The dependency was not added: {errors}")
        return redirect("okrs:objective", key=objective.key)
    return render(
        request,
        "okrs/objective_detail.html#dependencies",
        dependencies_context(request, objective, None if added else form),
    )


@require_POST
@member_required
def dependency_delete(request: AuthenticatedRequest, dependency_id: int) -> HttpResponse:
    dependency = access.get_dependency(request.membership, dependency_id, Action.EDIT)
    source = dependency.objective or dependency.key_result.objective  # type: ignore[union-attr]
    actions.delete_dependency(dependency, actor=request.user, via="web")
    if not request.htmx:
        return redirect("okrs:objective", key=source.key)
    return render(
        request,
        "okrs/objective_detail.html#dependencies",
        dependencies_context(request, source),
    )


# Cycle review --------------------------------------------------------------------------------


@member_required
def review(request: AuthenticatedRequest, cycle_key: str | None = None) -> HttpResponse:
    """Every objective's score, band and success, a retrospective note each, and closing."""
    membership = request.membership
    cycle, cycles = pick_cycle(request, cycle_key or request.GET.get("cycle"))
    rows: list[dict[str, Any]] = []
    if cycle is not None:
        board = scoreboard([cycle], as_of=today(membership))
        objectives = (
            access.objectives_for(membership)
            .filter(cycle=cycle)
            .select_related("owner", "team")
            .order_by("team__name", "title")
        )
        rows = [
            {
                "objective": o,
                "figures": board.objectives.get(o.pk),
                "can_edit": allowed(
                    membership, Action.EDIT, access.objective_relation(membership, o)
                ),
                "form": RetrospectiveForm(initial={"retrospective": o.retrospective}),
            }
            for o in objectives
        ]
    context = {
        "cycle": cycle,
        "cycles": cycles,
        "rows": rows,
        "cycle_state": cycle.state_on(today(membership)) if cycle else None,
        "can_close": cycle is not None
        and not cycle.is_closed
        and allowed(membership, Action.MANAGE),
        "can_reopen": cycle is not None and cycle.is_closed and allowed(membership, Action.MANAGE),
        "carry": carry_choices(cycle, cycles, rows),
    }
    return render(request, "okrs/review.html", context)


def carry_choices(
    cycle: Cycle | None, cycles: list[Cycle], rows: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """The carry-over form of the review page: the unfinished objectives the caller may edit,
    and the planned or active cycles to carry them into (the next one first)."""
    if cycle is None:
        return None
    objectives = [
        row
        for row in rows
        if row["can_edit"]
        and not row["objective"].carried_over
        and is_unfinished(row["figures"].progress if row["figures"] else None)
    ]
    targets = sorted(
        (c for c in cycles if not c.is_closed and c.pk != cycle.pk),
        key=lambda c: (c.start <= cycle.start, c.start),
    )
    if not objectives or not targets:
        return None
    return {"rows": objectives, "targets": targets}


@require_POST
@member_required
def carry_over(request: AuthenticatedRequest, cycle_key: str) -> HttpResponse:
    """Carry the ticked objectives of a cycle into another one (docs/scoring.md)."""
    membership = request.membership
    cycle = access.get_cycle(membership, cycle_key)
    back = redirect("okrs:review-cycle", cycle_key=cycle.key)
    try:
        objectives = access.objectives_to_carry(
            membership, cycle, request.POST.getlist("objectives")
        )
        to_cycle = access.get_cycle(membership, request.POST.get("to_cycle", ""))
        carried = actions.carry_over(
            objectives,
            to_cycle=to_cycle,
            mode=request.POST.get("mode", "move"),
            actor=request.user,
            via="web",
        )
    except (Invalid, Conflict, NotFound) as error:
        messages.error(request, error.message)
        return back
    messages.success(
        request,
        f"{len(carried)} objective{'s' if len(carried) != 1 else ''} carried over to "
        f"{to_cycle.name}: " + ", ".join(o.key for o in carried),
    )
    return back


@require_POST
@member_required
def retrospective(request: AuthenticatedRequest, key: str) -> HttpResponse:
    objective = access.get_objective(request.membership, key, Action.EDIT)
    form = RetrospectiveForm(request.POST)
    saved = False
    if form.is_valid():
        actions.update_objective(
            objective,
            actor=request.user,
            via="web",
            retrospective=form.cleaned_data["retrospective"],
        )
        saved = True
    if not request.htmx:
        return redirect("okrs:review-cycle", cycle_key=objective.cycle.key)
    row = {"objective": objective, "can_edit": True, "form": form, "saved": saved}
    return render(request, "okrs/review.html#retro", {"row": row})


@require_POST
@member_required
def close_cycle(request: AuthenticatedRequest, cycle_key: str) -> HttpResponse:
    cycle = access.get_cycle(request.membership, cycle_key, Action.MANAGE)
    try:
        actions.close_cycle(cycle, actor=request.user, via="web")
        messages.success(request, f"{cycle.name} is closed: its scores are final.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("okrs:review-cycle", cycle_key=cycle.key)


@require_POST
@member_required
def reopen_cycle(request: AuthenticatedRequest, cycle_key: str) -> HttpResponse:
    """Reopen a closed cycle (admins): its frozen figures are dropped, check-ins accepted again."""
    cycle = access.get_cycle(request.membership, cycle_key, Action.MANAGE)
    if not cycle.is_closed:
        messages.error(request, f"{cycle.name} is not closed.")
    else:
        actions.reopen_cycle(cycle, actor=request.user, via="web")
        messages.success(request, f"{cycle.name} is reopened: its scores are live again.")
    return redirect("okrs:review-cycle", cycle_key=cycle.key)
