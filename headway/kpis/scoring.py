"""Adapter between the ORM and the KPI rules: latest value, red/amber/green, staleness."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypedDict

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django_stubs_ext import WithAnnotations

from headway.domain.kpi import GREEN_RANGES, evaluate_kpi, fresh_since
from headway.domain.numbers import dec, num
from headway.domain.types import Cadence, KPIDirection, KPIInput, Point
from headway.kpis.models import KPI, KPIValue


@dataclass(frozen=True, slots=True)
class KPIFigures:
    latest_at: date | None
    latest_value: float | None
    status: str
    stale: bool


def kpi_input(kpi: KPI) -> KPIInput:
    return KPIInput(
        direction=KPIDirection(kpi.direction),
        cadence=Cadence(kpi.cadence),
        target=dec(kpi.target),
        green=dec(kpi.green),
        red=dec(kpi.red),
        low=dec(kpi.low),
        high=dec(kpi.high),
        tolerance=dec(kpi.tolerance),
    )


class Latest(TypedDict):
    latest_at: date | None
    latest_value: float | None


def with_latest(kpis: QuerySet[KPI], *, as_of: date) -> QuerySet[WithAnnotations[KPI, Latest]]:
    """`kpis` annotated with the date (`latest_at`) and value (`latest_value`) of each one's
    latest value on or before `as_of`: an index lookup per KPI on the unique (kpi, at), however
    long its history."""
    latest = KPIValue.objects.filter(kpi=OuterRef("pk"), at__lte=as_of).order_by("-at")
    return kpis.annotate(
        latest_at=Subquery(latest.values("at")[:1]),
        latest_value=Subquery(latest.values("value")[:1]),
    )


def latest_figures(kpi: KPI, at: date | None, value: float | None, *, as_of: date) -> KPIFigures:
    """The figures of `kpi` whose latest value on or before `as_of` is `value` on `at` (None:
    it has none): what `with_latest` reads."""
    points = [] if at is None or value is None else [Point(at=at, value=Decimal(str(value)))]
    result = evaluate_kpi(kpi_input(kpi), points, as_of=as_of)
    return KPIFigures(
        latest_at=result.latest.at if result.latest else None,
        latest_value=num(result.latest.value, 6) if result.latest else None,
        status=result.status.value,
        stale=result.stale,
    )


def kpi_figures(kpis: Iterable[KPI], *, as_of: date) -> dict[int, KPIFigures]:
    """Figures of each KPI as of `as_of`, in one query whatever the number of KPIs and the
    length of their histories (none for no KPI)."""
    by_id = {kpi.pk: kpi for kpi in kpis}
    if not by_id:
        return {}
    rows = with_latest(KPI.objects.filter(pk__in=by_id), as_of=as_of).values_list(
        "pk", "latest_at", "latest_value"
    )
    return {pk: latest_figures(by_id[pk], at, value, as_of=as_of) for pk, at, value in rows}


def needing_attention(
    kpis: QuerySet[KPI], *, as_of: date
) -> QuerySet[WithAnnotations[KPI, Latest]]:
    """The KPIs of `kpis` a reader should look at as of `as_of` (domain `needs_attention`), in
    SQL: those whose latest value on or before `as_of` is stale or outside the green range.
    They carry `with_latest`'s annotations, so `latest_figures` gives their figures."""
    stale = Q()
    for cadence in Cadence:
        stale |= Q(cadence=cadence.value, latest_at__lt=fresh_since(cadence, as_of=as_of))
    # Amber and red both need attention, so only the green range matters (not red or tolerance).
    # Stored floats compare as the Decimals the rules read (dec() keeps their order), so the
    # green range selects in SQL exactly the values kpi_status colours green.
    not_green = Q()
    for direction, green in GREEN_RANGES.items():
        outside = Q()
        if green.low:
            outside |= Q(latest_value__lt=first_column(green.low))
        if green.high:
            outside |= Q(latest_value__gt=first_column(green.high))
        not_green |= Q(direction=direction.value) & outside
    # Without a value (no_data, never stale) neither holds: NULL compares to nothing.
    return with_latest(kpis, as_of=as_of).filter(stale | not_green)


def first_column(fields: tuple[str, ...]) -> Coalesce | F:
    """The first of these columns that is not NULL (the domain's `first_set`)."""
    return Coalesce(*map(F, fields)) if len(fields) > 1 else F(fields[0])
