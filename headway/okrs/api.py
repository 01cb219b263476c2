"""API: cycles, objectives, key results, check-ins, initiatives and dependencies.

Each operation: find the object through `access`, call one action, answer with a schema. The
computed figures come from one `scoreboard` over the cycles on the page.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Count, QuerySet
from ninja import Query, Router, Status

from headway import access
from headway.accounts.models import Membership
from headway.api_auth import ApiRequest
from headway.api_refs import (
    cycle_ref,
    key_result_ref,
    kpi_ref,
    objective_ref,
    team_ref,
    user_ref,
)
from headway.api_schemas import (
    AsOfParams,
    PageParams,
    PathKey,
    changes_of,
    page_of,
    paged,
    responds,
)
from headway.core.timeutil import today_in
from headway.domain.kr_count import key_result_warnings
from headway.domain.policy import Action
from headway.okrs import actions
from headway.okrs.models import CheckIn, Cycle, Dependency, Initiative, KeyResult, Objective
from headway.okrs.schemas import (
    CarryOverIn,
    CarryOverOut,
    CheckInIn,
    CheckInOut,
    CheckInPage,
    CycleIn,
    CycleOut,
    CyclePage,
    CyclePatch,
    DependencyIn,
    DependencyOut,
    DependencyPage,
    InitiativeIn,
    InitiativeOut,
    InitiativePage,
    InitiativePatch,
    KeyResultIn,
    KeyResultOut,
    KeyResultPage,
    KeyResultPatch,
    ObjectiveFilters,
    ObjectiveIn,
    ObjectiveOut,
    ObjectivePage,
    ObjectivePatch,
)
from headway.okrs.scoring import Scoreboard, hidden_in_figures, scoreboard

router = Router()


def day_of(membership: Membership, params: AsOfParams) -> date:
    return params.as_of or today_in(membership.workspace.timezone)


def board_for(cycles: Iterable[Cycle], as_of: date) -> Scoreboard:
    unique = {cycle.pk: cycle for cycle in cycles}
    return scoreboard(unique.values(), as_of=as_of)


def with_owner(request: ApiRequest, payload: Any, fields: dict[str, Any]) -> dict[str, Any]:
    """An owner left out of a new object's body is the caller."""
    if "owner" not in payload.model_fields_set:
        fields["owner"] = request.auth.user.username
    return fields


def username(user: Any) -> str | None:
    return user.username if user is not None else None


def key_of(obj: Any) -> str | None:
    return obj.key if obj is not None else None


# Cycles ------------------------------------------------------------------------------------


def cycle_out(cycle: Cycle, membership: Membership) -> CycleOut:
    """`state` is the derived one: active from the start date on its own, unless closed."""
    state = cycle.state_on(today_in(membership.workspace.timezone))
    return CycleOut(key=cycle.key, name=cycle.name, start=cycle.start, end=cycle.end, state=state)


@router.get("/cycles", response=responds(200, CyclePage), tags=["cycles"])
def list_cycles(request: ApiRequest, page: Query[PageParams]) -> dict[str, Any]:
    """Every cycle of the workspace, latest first."""
    count, rows = page_of(access.cycles_for(request.auth), page)
    return paged(count, rows, lambda cycle: cycle_out(cycle, request.auth))


@router.post("/cycles", response=responds(201, CycleOut), tags=["cycles"])
def create_cycle(request: ApiRequest, payload: CycleIn) -> Status[CycleOut]:
    """Add a cycle (admins)."""
    access.check(request.auth, Action.MANAGE)
    cycle = actions.create_cycle(
        request.auth.workspace, actor=request.auth.user, via="api", **payload.model_dump()
    )
    return Status(201, cycle_out(cycle, request.auth))


@router.get("/cycles/{key}", response=responds(200, CycleOut), tags=["cycles"])
def get_cycle(request: ApiRequest, key: PathKey) -> CycleOut:
    return cycle_out(access.get_cycle(request.auth, key), request.auth)


@router.patch("/cycles/{key}", response=responds(200, CycleOut), tags=["cycles"])
def update_cycle(request: ApiRequest, key: PathKey, payload: CyclePatch) -> CycleOut:
    """Rename, reschedule, activate or reopen a cycle (admins)."""
    cycle = access.get_cycle(request.auth, key, Action.MANAGE)
    actions.update_cycle(cycle, actor=request.auth.user, via="api", **changes_of(payload))
    return cycle_out(cycle, request.auth)


@router.post("/cycles/{key}/close", response=responds(200, CycleOut), tags=["cycles"])
def close_cycle(request: ApiRequest, key: PathKey) -> CycleOut:
    """Close a cycle: its figures as of its end are frozen and check-ins refused (admins)."""
    cycle = access.get_cycle(request.auth, key, Action.MANAGE)
    closed = actions.close_cycle(cycle, actor=request.auth.user, via="api")
    return cycle_out(closed, request.auth)


@router.post("/cycles/{key}/carry-over", response=responds(201, CarryOverOut), tags=["cycles"])
def carry_over(request: ApiRequest, key: PathKey, payload: CarryOverIn) -> Status[CarryOverOut]:
    """Carry unfinished objectives of this cycle into another (whoever may edit them)."""
    cycle = access.get_cycle(request.auth, key)
    keys = None if payload.objectives == "all_unfinished" else list(payload.objectives)
    objectives = access.objectives_to_carry(request.auth, cycle, keys)
    carried = actions.carry_over(
        objectives,
        to_cycle=cycle_ref(request.auth, payload.to_cycle, "to_cycle"),
        mode=payload.mode,
        actor=request.auth.user,
        via="api",
        only_unfinished=keys is None,
    )
    return Status(
        201,
        CarryOverOut(
            mode=payload.mode,
            to_cycle=payload.to_cycle,
            carried={o.carried_from.key: o.key for o in carried if o.carried_from},
        ),
    )


# Objectives --------------------------------------------------------------------------------

OBJECTIVE_RELATED = ("cycle", "team", "owner", "parent", "carried_from")


def objective_out(
    objective: Objective, board: Scoreboard, hidden: dict[int, int] | None = None
) -> ObjectiveOut:
    figures = board.objectives.get(objective.pk)
    return ObjectiveOut(
        key=objective.key,
        title=objective.title,
        description=objective.description,
        owner=username(objective.owner),
        team=key_of(objective.team),
        cycle=objective.cycle.key,
        parent=key_of(objective.parent),
        kind=objective.kind,
        visibility=objective.visibility,
        retrospective=objective.retrospective,
        carried_from=key_of(objective.carried_from),
        carried_over=objective.carried_over,
        progress=figures.progress if figures else None,
        status=figures.status if figures else None,
        score=figures.score if figures else None,
        expected=figures.expected if figures else 0.0,
        warnings=key_result_warnings(kr_count(objective)),
        hidden_children=(hidden or {}).get(objective.pk, 0),
    )


def kr_count(objective: Objective) -> int:
    """The number of key results, annotated by `with_kr_count` on lists (one query otherwise)."""
    count: int | None = getattr(objective, "kr_count", None)
    return objective.key_results.count() if count is None else count


def with_kr_count(rows: QuerySet[Objective]) -> QuerySet[Objective]:
    """Each objective with the number of its key results (`kr_count`), in the same query."""
    return rows.annotate(kr_count=Count("key_results"))


def objective_fields(membership: Membership, fields: dict[str, Any]) -> dict[str, Any]:
    """Resolve the references of an objective body; a new owner or team must be allowed."""
    if "owner" in fields:
        fields["owner"] = user_ref(membership, fields["owner"])
    if "team" in fields:
        fields["team"] = team_ref(membership, fields["team"])
    if "cycle" in fields:
        fields["cycle"] = cycle_ref(membership, fields["cycle"])
    if "parent" in fields:
        fields["parent"] = objective_ref(membership, fields["parent"], "parent")
    return fields


def one_objective(membership: Membership, key: str, as_of: date) -> ObjectiveOut:
    objective = access.get_objective(membership, key)
    hidden = hidden_in_figures([objective.cycle_id], access.hidden_objectives_q(membership))
    return objective_out(objective, board_for([objective.cycle], as_of), hidden)


@router.get("/objectives", response=responds(200, ObjectivePage), tags=["objectives"])
def list_objectives(
    request: ApiRequest,
    filters: Query[ObjectiveFilters],
    day: Query[AsOfParams],
    page: Query[PageParams],
) -> dict[str, Any]:
    """The objectives the caller can see, by key, with their figures."""
    as_of = day_of(request.auth, day)
    rows = with_kr_count(access.objectives_for(request.auth).select_related(*OBJECTIVE_RELATED))
    for name, lookup in (("cycle", "cycle__key"), ("team", "team__key"), ("parent", "parent__key")):
        if (value := getattr(filters, name)) is not None:
            rows = rows.filter(**{lookup: value})
    if filters.owner is not None:
        rows = rows.filter(owner__username=filters.owner)
    board = None
    if filters.status is not None:
        board = board_for(Cycle.objects.filter(id__in=rows.values("cycle_id")), as_of)
        wanted = [pk for pk, f in board.objectives.items() if f.status == filters.status]
        rows = rows.filter(id__in=wanted)
    count, objectives = page_of(rows, page)
    board = board or board_for((o.cycle for o in objectives), as_of)
    hidden = hidden_in_figures(
        {o.cycle_id for o in objectives}, access.hidden_objectives_q(request.auth)
    )
    return paged(count, objectives, lambda o: objective_out(o, board, hidden))


@router.post("/objectives", response=responds(201, ObjectiveOut), tags=["objectives"])
def create_objective(request: ApiRequest, payload: ObjectiveIn) -> Status[ObjectiveOut]:
    """Add an objective. Members: one they own or of one of their teams."""
    fields = objective_fields(request.auth, with_owner(request, payload, payload.model_dump()))
    access.check_write(request.auth, Objective(), fields)
    objective = actions.create_objective(
        request.auth.workspace, actor=request.auth.user, via="api", **fields
    )
    return Status(
        201, one_objective(request.auth, objective.key, today_in(objective.workspace.timezone))
    )


@router.get("/objectives/{key}", response=responds(200, ObjectiveOut), tags=["objectives"])
def get_objective(request: ApiRequest, key: PathKey, day: Query[AsOfParams]) -> ObjectiveOut:
    return one_objective(request.auth, key, day_of(request.auth, day))


@router.patch("/objectives/{key}", response=responds(200, ObjectiveOut), tags=["objectives"])
def update_objective(request: ApiRequest, key: PathKey, payload: ObjectivePatch) -> ObjectiveOut:
    """Change an objective. Members: theirs or their teams'."""
    objective = access.get_objective(request.auth, key, Action.EDIT)
    fields = objective_fields(request.auth, changes_of(payload))
    access.check_write(request.auth, objective, fields)
    actions.update_objective(objective, actor=request.auth.user, via="api", **fields)
    return one_objective(request.auth, key, today_in(request.auth.workspace.timezone))


@router.delete("/objectives/{key}", response=responds(204, None), tags=["objectives"])
def delete_objective(request: ApiRequest, key: PathKey) -> Status[None]:
    """Delete an objective with its key results and initiatives."""
    objective = access.get_objective(request.auth, key, Action.EDIT)
    actions.delete_objective(objective, actor=request.auth.user, via="api")
    return Status(204, None)


# Key results -------------------------------------------------------------------------------

KR_RELATED = ("objective", "objective__cycle", "owner", "kpi")


def key_result_out(kr: KeyResult, board: Scoreboard) -> KeyResultOut:
    figures = board.key_results.get(kr.pk)
    return KeyResultOut(
        key=kr.key,
        objective=kr.objective.key,
        title=kr.title,
        metric=kr.metric,
        unit=kr.unit,
        start=kr.start,
        target=kr.target,
        direction=kr.direction,
        weight=kr.weight,
        owner=username(kr.owner),
        kpi=key_of(kr.kpi),
        current=figures.current if figures else None,
        progress=figures.progress if figures else 0.0,
        attainment=figures.attainment if figures else None,
        status=figures.status if figures else "off_track",
        score=figures.score if figures else 0.0,
        confidence=figures.confidence if figures else None,
        expected=figures.expected if figures else 0.0,
    )


def key_result_fields(membership: Membership, fields: dict[str, Any]) -> dict[str, Any]:
    if "owner" in fields:
        fields["owner"] = user_ref(membership, fields["owner"])
    if "kpi" in fields:
        fields["kpi"] = kpi_ref(membership, fields["kpi"])
    return fields


def one_key_result(membership: Membership, key: str, as_of: date) -> KeyResultOut:
    kr = access.get_key_result(membership, key)
    return key_result_out(kr, board_for([kr.objective.cycle], as_of))


@router.get(
    "/objectives/{key}/key-results", response=responds(200, KeyResultPage), tags=["key results"]
)
def list_key_results(
    request: ApiRequest, key: PathKey, day: Query[AsOfParams], page: Query[PageParams]
) -> dict[str, Any]:
    """The key results of an objective, in their order, with their figures."""
    objective = access.get_objective(request.auth, key)
    rows = access.key_results_for(request.auth).filter(objective=objective)
    count, krs = page_of(rows.select_related(*KR_RELATED), page)
    board = board_for([objective.cycle], day_of(request.auth, day))
    return paged(count, krs, lambda kr: key_result_out(kr, board))


@router.post(
    "/objectives/{key}/key-results", response=responds(201, KeyResultOut), tags=["key results"]
)
def create_key_result(
    request: ApiRequest, key: PathKey, payload: KeyResultIn
) -> Status[KeyResultOut]:
    """Add a key result (at most 5). Members: to an objective they may edit."""
    objective = access.get_objective(request.auth, key)
    fields = key_result_fields(request.auth, with_owner(request, payload, payload.model_dump()))
    access.check_write(request.auth, KeyResult(objective=objective), fields)
    kr = actions.create_key_result(objective, actor=request.auth.user, via="api", **fields)
    return Status(
        201, one_key_result(request.auth, kr.key, today_in(request.auth.workspace.timezone))
    )


@router.get("/key-results/{key}", response=responds(200, KeyResultOut), tags=["key results"])
def get_key_result(request: ApiRequest, key: PathKey, day: Query[AsOfParams]) -> KeyResultOut:
    return one_key_result(request.auth, key, day_of(request.auth, day))


@router.patch("/key-results/{key}", response=responds(200, KeyResultOut), tags=["key results"])
def update_key_result(request: ApiRequest, key: PathKey, payload: KeyResultPatch) -> KeyResultOut:
    kr = access.get_key_result(request.auth, key, Action.EDIT)
    fields = key_result_fields(request.auth, changes_of(payload))
    access.check_write(request.auth, kr, fields)
    actions.update_key_result(kr, actor=request.auth.user, via="api", **fields)
    return one_key_result(request.auth, key, today_in(request.auth.workspace.timezone))


@router.delete("/key-results/{key}", response=responds(204, None), tags=["key results"])
def delete_key_result(request: ApiRequest, key: PathKey) -> Status[None]:
    kr = access.get_key_result(request.auth, key, Action.EDIT)
    actions.delete_key_result(kr, actor=request.auth.user, via="api")
    return Status(204, None)


# Check-ins ---------------------------------------------------------------------------------


def check_in_out(check_in: CheckIn) -> CheckInOut:
    return CheckInOut(
        key_result=check_in.key_result.key,
        at=check_in.at,
        value=check_in.value,
        confidence=check_in.confidence,
        note=check_in.note,
        blockers=check_in.blockers,
        author=username(check_in.author),
    )


@router.get(
    "/key-results/{key}/check-ins", response=responds(200, CheckInPage), tags=["key results"]
)
def list_check_ins(request: ApiRequest, key: PathKey, page: Query[PageParams]) -> dict[str, Any]:
    """The check-ins of a key result, oldest first."""
    kr = access.get_key_result(request.auth, key)
    rows = CheckIn.objects.filter(key_result=kr).select_related("key_result", "author")
    count, check_ins = page_of(rows.order_by("at"), page)
    return paged(count, check_ins, check_in_out)


@router.post(
    "/key-results/{key}/check-ins", response=responds(201, CheckInOut), tags=["key results"]
)
def create_check_in(request: ApiRequest, key: PathKey, payload: CheckInIn) -> Status[CheckInOut]:
    """Record a reading. Members: on key results of theirs or of their teams' objectives."""
    kr = access.get_key_result(request.auth, key, Action.CHECK_IN)
    check_in = actions.record_check_in(
        kr, actor=request.auth.user, via="api", **payload.model_dump()
    )
    return Status(201, check_in_out(check_in))


# Initiatives -------------------------------------------------------------------------------

INITIATIVE_RELATED = ("objective", "owner", "key_result")


def initiative_out(initiative: Initiative) -> InitiativeOut:
    return InitiativeOut(
        key=initiative.key,
        title=initiative.title,
        owner=username(initiative.owner),
        status=initiative.status,
        due=initiative.due,
        objective=initiative.objective.key,
        key_result=key_of(initiative.key_result),
    )


def initiative_fields(membership: Membership, fields: dict[str, Any]) -> dict[str, Any]:
    if "owner" in fields:
        fields["owner"] = user_ref(membership, fields["owner"])
    if "objective" in fields:
        fields["objective"] = objective_ref(membership, fields["objective"])
    if "key_result" in fields:
        fields["key_result"] = key_result_ref(membership, fields["key_result"])
    return fields


@router.get("/initiatives", response=responds(200, InitiativePage), tags=["initiatives"])
def list_initiatives(request: ApiRequest, page: Query[PageParams]) -> dict[str, Any]:
    """The initiatives of the objectives the caller can see."""
    rows = access.initiatives_for(request.auth).select_related(*INITIATIVE_RELATED)
    count, initiatives = page_of(rows, page)
    return paged(count, initiatives, initiative_out)


@router.post("/initiatives", response=responds(201, InitiativeOut), tags=["initiatives"])
def create_initiative(request: ApiRequest, payload: InitiativeIn) -> Status[InitiativeOut]:
    """Add an initiative. Members: to an objective they may edit."""
    fields = initiative_fields(request.auth, with_owner(request, payload, payload.model_dump()))
    access.check_write(request.auth, Initiative(), fields)
    initiative = actions.create_initiative(
        request.auth.workspace, actor=request.auth.user, via="api", **fields
    )
    return Status(201, initiative_out(initiative))


@router.get("/initiatives/{key}", response=responds(200, InitiativeOut), tags=["initiatives"])
def get_initiative(request: ApiRequest, key: PathKey) -> InitiativeOut:
    return initiative_out(access.get_initiative(request.auth, key))


@router.patch("/initiatives/{key}", response=responds(200, InitiativeOut), tags=["initiatives"])
def update_initiative(request: ApiRequest, key: PathKey, payload: InitiativePatch) -> InitiativeOut:
    initiative = access.get_initiative(request.auth, key, Action.EDIT)
    fields = initiative_fields(request.auth, changes_of(payload))
    access.check_write(request.auth, initiative, fields)
    actions.update_initiative(initiative, actor=request.auth.user, via="api", **fields)
    return initiative_out(initiative)


@router.delete("/initiatives/{key}", response=responds(204, None), tags=["initiatives"])
def delete_initiative(request: ApiRequest, key: PathKey) -> Status[None]:
    initiative = access.get_initiative(request.auth, key, Action.EDIT)
    actions.delete_initiative(initiative, actor=request.auth.user, via="api")
    return Status(204, None)


# Dependencies ------------------------------------------------------------------------------

DEPENDENCY_RELATED = ("objective", "key_result", "depends_on_objective", "depends_on_key_result")


def dependency_out(dependency: Dependency) -> DependencyOut:
    return DependencyOut(
        id=dependency.pk,
        objective=key_of(dependency.objective),
        key_result=key_of(dependency.key_result),
        depends_on_objective=key_of(dependency.depends_on_objective),
        depends_on_key_result=key_of(dependency.depends_on_key_result),
        note=dependency.note,
    )


@router.get("/dependencies", response=responds(200, DependencyPage), tags=["dependencies"])
def list_dependencies(request: ApiRequest, page: Query[PageParams]) -> dict[str, Any]:
    """Dependencies whose both ends the caller can see."""
    rows = access.dependencies_for(request.auth).select_related(*DEPENDENCY_RELATED)
    count, dependencies = page_of(rows, page)
    return paged(count, dependencies, dependency_out)


@router.post("/dependencies", response=responds(201, DependencyOut), tags=["dependencies"])
def create_dependency(request: ApiRequest, payload: DependencyIn) -> Status[DependencyOut]:
    """Record that an objective or key result depends on another one."""
    m = request.auth
    fields = payload.model_dump()
    dependency = Dependency(
        objective=objective_ref(m, fields["objective"]),
        key_result=key_result_ref(m, fields["key_result"]),
        depends_on_objective=objective_ref(
            m, fields["depends_on_objective"], "depends_on_objective"
        ),
        depends_on_key_result=key_result_ref(
            m, fields["depends_on_key_result"], "depends_on_key_result"
        ),
        note=fields["note"],
    )
    if dependency.objective is not None or dependency.key_result is not None:
        access.check(m, Action.EDIT, access.dependency_relation(m, dependency))
    created = actions.create_dependency(
        m.workspace,
        actor=m.user,
        via="api",
        **{name: getattr(dependency, name) for name in (*DEPENDENCY_RELATED, "note")},
    )
    return Status(201, dependency_out(created))


@router.delete("/dependencies/{id}", response=responds(204, None), tags=["dependencies"])
def delete_dependency(request: ApiRequest, id: int) -> Status[None]:
    """Remove a dependency (an edit of the object that depends)."""
    dependency = access.get_dependency(request.auth, id, Action.EDIT)
    actions.delete_dependency(dependency, actor=request.auth.user, via="api")
    return Status(204, None)
