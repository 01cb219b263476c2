"""KPI pages: the dashboard of cards, one KPI with its chart and values, create and edit."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from functools import partial
from typing import Any

from django.db.models import Case, Value, When
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import redirect, render

from headway import access
from headway.core import charts
from headway.core.errors import DomainError
from headway.core.forms import show_error, unique_key
from headway.core.models import choices
from headway.domain.kpi import threshold_bands
from headway.domain.kpi import trend as kpi_trend
from headway.domain.policy import Action
from headway.domain.types import Category, KPIDirection
from headway.kpis import actions
from headway.kpis.forms import DashboardFilterForm, KPIForm, KPIValueForm
from headway.kpis.models import KPI, KPIValue
from headway.kpis.scoring import KPIFigures, kpi_figures, kpi_input
from headway.pages.edit import save_changes
from headway.pages.htmx import render_page_or_partial
from headway.pages.http import AuthenticatedRequest, today
from headway.pages.middleware import member_required
from headway.pages.paging import paginate

SPARK_POINTS = 12
PAGE_SIZE = 48  # cards on one page of the board: 2, 3 or 4 to a row
ARROWS = {"up": "↑", "down": "↓", "flat": "→"}


def trend(kpi: KPI, values: list[float]) -> tuple[str, str, str]:
    """An arrow, its words, and whether the last move of a series was good, bad or neither
    (`headway.domain.kpi.trend`)."""
    t = kpi_trend(KPIDirection(kpi.direction), values)
    return ARROWS[t.move], t.move, t.mood


@member_required
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    """KPI cards grouped by team or category, filterable by status; one page of `PAGE_SIZE`
    KPIs in group order (a group may go on over two pages)."""
    membership = request.membership
    as_of = today(membership)
    form = DashboardFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    group_by, status, q = data.get("group") or "team", data.get("status"), data.get("q", "")
    rows = (
        access.kpis_for(membership)
        .filter(name__icontains=q)
        .select_related("team", "owner")
        .annotate(group=group_name(group_by))
        .order_by("group", "name", "pk")
    )
    if status:  # a status is a figure: the matching KPIs are known once every figure is
        kpis = list(rows)
        figures = kpi_figures(kpis, as_of=as_of)
        page = paginate(
            request.GET, [k for k in kpis if matches(figures[k.pk], status)], size=PAGE_SIZE
        )
    else:
        page = paginate(request.GET, rows, size=PAGE_SIZE)
        figures = kpi_figures(page.items, as_of=as_of)
    context = {
        "groups": cards_by_group(page.items, figures, as_of),
        "page": page,
        "form": form,
        "can_create": access.may_own(membership, Action.CREATE),
    }
    return render_page_or_partial(
        request, "kpis/dashboard.html", context, partials={"kpi-cards": "cards"}
    )


def cards_by_group(
    kpis: Sequence[KPI], figures: dict[int, KPIFigures], as_of: date
) -> list[tuple[str, list[dict[str, Any]]]]:
    """The board's cards (figures, sparkline, trend) in their groups, in the page's order."""
    series = recent_values(kpis, as_of)
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for kpi in kpis:
        values = series[kpi.pk][-SPARK_POINTS:]
        arrow, words, mood = trend(kpi, values)
        groups[kpi.group].append(  # type: ignore[attr-defined]
            {"kpi": kpi, "f": figures[kpi.pk], "values": values, "arrow": arrow,
             "trend": words, "mood": mood}
        )  # fmt: skip
    return list(groups.items())


def recent_values(kpis: Sequence[KPI], as_of: date) -> dict[int, list[float]]:
    """The values of each KPI over the 400 days up to `as_of`, oldest first (one query)."""
    series: dict[int, list[float]] = defaultdict(list)
    for kpi_id, value in (
        KPIValue.objects.filter(kpi__in=kpis, at__lte=as_of, at__gte=as_of - timedelta(days=400))
        .order_by("kpi_id", "at")
        .values_list("kpi_id", "value")
    ):
        series[kpi_id].append(value)
    return series


def group_name(group_by: str) -> Coalesce | Case:
    """The name of a KPI's group, in SQL: its team's, or its category's label."""
    if group_by == "team":
        return Coalesce("team__name", Value("No team"))
    return Case(*(When(category=value, then=Value(label)) for value, label in choices(Category)))


def matches(figures: KPIFigures, status: str | None) -> bool:
    if not status:
        return True
    return figures.stale if status == "stale" else figures.status == status


def bands(kpi: KPI) -> list[charts.Band]:
    """The red/amber/green regions of the KPI's thresholds, for the chart
    (`headway.domain.kpi.threshold_bands`)."""
    big = 1e12
    return [
        charts.Band(
            -big if b.low is None else float(b.low),
            big if b.high is None else float(b.high),
            b.status.value,
        )
        for b in threshold_bands(kpi_input(kpi))
    ]


def kpi_context(
    request: AuthenticatedRequest, kpi: KPI, form: KPIValueForm | None = None
) -> dict[str, Any]:
    membership = request.membership
    as_of = today(membership)
    figures: KPIFigures = kpi_figures([kpi], as_of=as_of)[kpi.pk]
    values = list(kpi.values.select_related("recorded_by").order_by("at"))
    points = [(v.at, v.value) for v in values]
    start = points[0][0] if points else as_of - timedelta(days=90)
    chart = charts.line_chart(
        title=f"{kpi.name} over time",
        points=points,
        start=min(start, as_of),
        end=max(as_of, points[-1][0]) if points else as_of,
        unit=kpi.unit,
        target=kpi.target,
        bands=bands(kpi),
        benchmark=kpi.benchmark,
    )
    return {
        "kpi": kpi,
        "f": figures,
        "chart": chart,
        "values": list(reversed(values))[:50],
        "value_form": form or KPIValueForm(initial={"at": as_of}),
        "can_post": access.may_on(membership, Action.POST_VALUE, kpi),
        "can_edit": access.may_on(membership, Action.EDIT, kpi),
        "can_create": access.may_own(membership, Action.CREATE),
    }


@member_required
def detail(request: AuthenticatedRequest, key: str) -> HttpResponse:
    kpi = access.get_kpi(request.membership, key)
    context = kpi_context(request, kpi)
    context["key_results"] = (
        access.key_results_for(request.membership)
        .filter(kpi=kpi)
        .select_related("objective", "objective__cycle")
    )
    return render(request, "kpis/detail.html", context)


@member_required
def value_create(request: AuthenticatedRequest, key: str) -> HttpResponse:
    """Add (or replace) the value of one date; the figures update without a reload."""
    if request.method != "POST":
        return redirect("kpis:detail", key=key)
    kpi = access.get_kpi(request.membership, key, Action.POST_VALUE)
    form = KPIValueForm(request.POST, today=today(request.membership))
    if form.is_valid():
        try:
            actions.record_kpi_values(
                kpi,
                [actions.ValueIn(**form.cleaned_data)],
                actor=request.user,
                source="web",
                via="web",
            )
            form = None  # type: ignore[assignment]
        except DomainError as error:
            show_error(form, error)
    if not request.htmx:
        return redirect("kpis:detail", key=kpi.key)
    return render(request, "kpis/detail.html#kpi-main", kpi_context(request, kpi, form))


@member_required
def kpi_create(request: AuthenticatedRequest) -> HttpResponse:
    membership = request.membership
    access.check_own(membership, Action.CREATE)
    form = KPIForm(membership, request.POST or None, initial={"owner": request.user})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        access.check_write(membership, KPI(), data)
        try:
            kpi = actions.create_kpi(
                membership.workspace,
                actor=request.user,
                via="web",
                key=unique_key(
                    KPI.objects.filter(workspace_id=membership.workspace_id),
                    data["name"],
                    fallback="kpi",
                ),
                **data,
            )
            return redirect("kpis:detail", key=kpi.key)
        except DomainError as error:
            show_error(form, error)
    return render(request, "okrs/form.html", {"title": "New KPI", "form": form})


@member_required
def kpi_edit(request: AuthenticatedRequest, key: str) -> HttpResponse:
    kpi = access.get_kpi(request.membership, key, Action.EDIT)
    form = KPIForm(request.membership, request.POST or None, instance=KPI.objects.get(pk=kpi.pk))
    update = partial(actions.update_kpi, kpi, actor=request.user, via="web")
    if (
        request.method == "POST"
        and form.is_valid()
        and save_changes(request.membership, kpi, form, update)
    ):
        return redirect("kpis:detail", key=kpi.key)
    return render(request, "okrs/form.html", {"title": f"Edit {kpi.name}", "form": form})
