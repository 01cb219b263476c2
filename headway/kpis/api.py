"""API: KPIs, their figures, and batch ingestion of their values."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router, Status

from headway import access
from headway.accounts.models import Membership
from headway.api_auth import ApiRequest
from headway.api_refs import resolved, team_ref, user_ref, with_owner
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
from headway.domain.policy import Action
from headway.kpis import actions
from headway.kpis.models import KPI, KPIValue
from headway.kpis.schemas import (
    IngestOut,
    KPIIn,
    KPIOut,
    KPIPage,
    KPIPatch,
    KPIValueBatchIn,
    KPIValueOut,
    KPIValuePage,
    LatestOut,
    ValueFilters,
)
from headway.kpis.scoring import KPIFigures, kpi_figures

router = Router()

DEFINITION = (
    "key",
    "name",
    "description",
    "unit",
    "direction",
    "target",
    "green",
    "red",
    "low",
    "high",
    "tolerance",
    "cadence",
    "category",
    "indicator",
    "benchmark",
)


def kpi_out(kpi: KPI, figures: KPIFigures) -> KPIOut:
    return KPIOut(
        **{name: getattr(kpi, name) for name in DEFINITION},
        owner=kpi.owner.username if kpi.owner else None,
        team=kpi.team.key if kpi.team else None,
        latest=(
            LatestOut(at=figures.latest_at, value=figures.latest_value)
            if figures.latest_at is not None and figures.latest_value is not None
            else None
        ),
        status=figures.status,
        stale=figures.stale,
    )


def kpi_fields(membership: Membership, kpi: KPI, fields: dict[str, Any]) -> dict[str, Any]:
    """Resolve owner and team; a member may only place a KPI with themselves or their team."""
    resolved(membership, fields, owner=user_ref, team=team_ref)
    access.check_write(membership, kpi, fields)
    return fields


def one_kpi(membership: Membership, key: str, params: AsOfParams | None = None) -> KPIOut:
    kpi = access.get_kpi(membership, key)
    as_of = (params.as_of if params else None) or today_in(membership.workspace.timezone)
    return kpi_out(kpi, kpi_figures([kpi], as_of=as_of)[kpi.pk])


@router.get("/kpis", response=responds(200, KPIPage))
def list_kpis(
    request: ApiRequest, day: Query[AsOfParams], page: Query[PageParams]
) -> dict[str, Any]:
    """Every KPI of the workspace, by name, with its latest value and status."""
    count, kpis = page_of(access.kpis_for(request.auth).select_related("owner", "team"), page)
    as_of = day.as_of or today_in(request.auth.workspace.timezone)
    figures = kpi_figures(kpis, as_of=as_of)
    return paged(count, kpis, lambda kpi: kpi_out(kpi, figures[kpi.pk]))


@router.post("/kpis", response=responds(201, KPIOut))
def create_kpi(request: ApiRequest, payload: KPIIn) -> Status[KPIOut]:
    """Add a KPI. Members: one they own or of one of their teams."""
    fields = kpi_fields(request.auth, KPI(), with_owner(request.auth, payload))
    kpi = actions.create_kpi(request.auth.workspace, actor=request.auth.user, via="api", **fields)
    return Status(201, one_kpi(request.auth, kpi.key))


@router.get("/kpis/{key}", response=responds(200, KPIOut))
def get_kpi(request: ApiRequest, key: PathKey, day: Query[AsOfParams]) -> KPIOut:
    return one_kpi(request.auth, key, day)


@router.patch("/kpis/{key}", response=responds(200, KPIOut))
def update_kpi(request: ApiRequest, key: PathKey, payload: KPIPatch) -> KPIOut:
    kpi = access.get_kpi(request.auth, key, Action.EDIT)
    fields = kpi_fields(request.auth, kpi, changes_of(payload))
    actions.update_kpi(kpi, actor=request.auth.user, via="api", **fields)
    return one_kpi(request.auth, key)


@router.delete("/kpis/{key}", response=responds(204, None))
def delete_kpi(request: ApiRequest, key: PathKey) -> Status[None]:
    kpi = access.get_kpi(request.auth, key, Action.EDIT)
    actions.delete_kpi(kpi, actor=request.auth.user, via="api")
    return Status(204, None)


def value_out(value: KPIValue) -> KPIValueOut:
    return KPIValueOut(
        at=value.at,
        value=value.value,
        note=value.note,
        source=value.source,
        recorded_by=value.recorded_by.username if value.recorded_by else None,
        recorded_at=value.recorded_at,
    )


@router.get("/kpis/{key}/values", response=responds(200, KPIValuePage))
def list_values(
    request: ApiRequest, key: PathKey, filters: Query[ValueFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """The values of a KPI, oldest first."""
    kpi = access.get_kpi(request.auth, key)
    rows = KPIValue.objects.filter(kpi=kpi).select_related("recorded_by").order_by("at")
    if filters.since is not None:
        rows = rows.filter(at__gte=filters.since)
    if filters.until is not None:
        rows = rows.filter(at__lte=filters.until)
    count, values = page_of(rows, page)
    return paged(count, values, value_out)


@router.post("/kpis/{key}/values", response=responds(200, IngestOut))
def record_values(request: ApiRequest, key: PathKey, payload: KPIValueBatchIn) -> IngestOut:
    """Upsert up to 10,000 values by date in one transaction: `{created, updated}`.

    Sending the same batch twice stores nothing new. One bad item rejects the whole batch,
    naming its index and field (`[3].value`).
    """
    kpi = access.get_kpi(request.auth, key, Action.POST_VALUE)
    values = [actions.ValueIn(at=item.at, value=item.value, note=item.note) for item in payload]
    result = actions.record_kpi_values(
        kpi, values, actor=request.auth.user, source="api", via="api"
    )
    return IngestOut(created=result.created, updated=result.updated)
