"""Formatting for pages: percentages, scores, status chips, progress bars, sparklines."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from headway.core import charts
from headway.domain.scoring import band, succeeded
from headway.domain.types import KPIStatus, ObjectiveKind, Status

register = template.Library()
DASH = charts.DASH

BAND_COLOUR = {"red": "red", "yellow": "amber", "green": "green"}


@register.filter
def pct(value: float | None) -> str:
    """0.456 -> '46%'; None -> a dash."""
    return f"{round(value * 100)}%" if isinstance(value, int | float) else DASH


@register.filter
def score(value: float | None) -> str:
    return f"{value:.1f}" if isinstance(value, int | float) else DASH


@register.filter
def number(value: float | None, unit: str = "") -> str:
    """1234.5 -> '1,234.5'; 1.2e12 -> '1.2T'; with a unit: '1,234.5 ms' (or '12%'); never
    '-0'; anything else -> a dash (charts.fmt)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return DASH
    return charts.fmt(value, unit)


@register.simple_tag
def status_chip(status: str | None) -> SafeString:
    """A coloured chip that says the status in words (colour is never the only signal)."""
    if not status:
        return mark_safe('<span class="chip chip-grey">No data</span>')
    if status in Status._value2member_map_:
        member = Status(status)
        return format_html('<span class="chip chip-{}">{}</span>', member.colour, member.label)
    if status in KPIStatus._value2member_map_:
        kpi = KPIStatus(status)
        return format_html('<span class="chip chip-{}">{}</span>', kpi.colour, kpi.label)
    return format_html('<span class="chip chip-grey">{}</span>', status)


@register.simple_tag
def score_chip(value: float | None, kind: str | None = None, final: bool = True) -> SafeString:
    """A score with its colour band and, given the kind, whether the objective succeeded
    (committed: 1.0, aspirational: 0.7); before the cycle is closed, whether it is on course."""
    if value is None:
        return mark_safe('<span class="chip chip-grey">No score</span>')
    grade = Decimal(str(value))
    colour = BAND_COLOUR[band(grade).value]
    text = f"{value:.1f}"
    if kind:
        made = succeeded(grade, ObjectiveKind(kind))
        if final:
            text += " · " + ("succeeded" if made else "missed")
        else:
            text += " · " + ("on course" if made else "not yet")
    return format_html('<span class="chip chip-{}">{}</span>', colour, text)


@register.simple_tag
def bar(figures: Any, label: str = "") -> SafeString:
    """Progress bar for an ObjectiveFigures / KRFigures (or None)."""
    if figures is None:
        return charts.progress_bar(None, None, None, label)
    return charts.progress_bar(figures.progress, figures.expected, figures.status, label)


@register.simple_tag
def spark(values: list[float], status: str = "", label: str = "") -> SafeString:
    return charts.sparkline(values, status, label)


@register.filter
def get(mapping: dict[Any, Any] | None, key: Any) -> Any:
    """`figures|get:objective.id`: look a figure up by id."""
    return None if mapping is None else mapping.get(key)


@register.simple_tag
def rollup_bar(progress: float | None, label: str = "") -> SafeString:
    """A team's rollup progress (no expected marker, no status colour)."""
    return charts.progress_bar(progress, None, "rollup", label)
