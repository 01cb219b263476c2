"""Adapter between the ORM and the KPI rules: latest value, red/amber/green, staleness."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from headway.domain.kpi import evaluate_kpi
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


def kpi_figures(kpis: Iterable[KPI], *, as_of: date) -> dict[int, KPIFigures]:
    """Figures of each KPI as of `as_of`, in one query whatever the number of KPIs."""
    kpis = list(kpis)
    values: dict[int, list[Point]] = defaultdict(list)
    rows = KPIValue.objects.filter(kpi__in=kpis, at__lte=as_of).values_list("kpi_id", "at", "value")
    for kpi_id, at, value in rows:
        values[kpi_id].append(Point(at=at, value=Decimal(str(value))))
    figures = {}
    for kpi in kpis:
        result = evaluate_kpi(kpi_input(kpi), values.get(kpi.id, []), as_of=as_of)
        figures[kpi.id] = KPIFigures(
            latest_at=result.latest.at if result.latest else None,
            latest_value=num(result.latest.value, 6) if result.latest else None,
            status=result.status.value,
            stale=result.stale,
        )
    return figures
