"""Server-side SVG charts: no JavaScript, printable, each with a text alternative.

Every chart carries <title>/<desc>; line charts also come with a visually hidden table of
their data. Colours are CSS classes (styled in headway/static/headway/app.css), so the
content security policy needs no inline styles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

DASH = "\u2013"  # shown for a missing number


# From a million on, numbers are written compactly (1.2e12 -> "1.2T"), so no value, however
# large (the bound is 1e15), widens a page or a chart.
COMPACT = ((Decimal(10) ** 12, "T"), (Decimal(10) ** 9, "B"), (Decimal(10) ** 6, "M"))


def fmt(value: float | None, unit: str = "") -> str:
    """1234.5 -> '1,234.5'; 1.2e12 -> '1.2T'; never '-0'; with a unit '1,234.5 ms' or '12%'."""
    if value is None:
        return DASH
    if round(value, 2) == 0:
        value = 0.0  # -0.001 would print as '-0'
    suffix = ""
    for scale, letter in COMPACT:
        if abs(value) >= scale:
            value, suffix = float(Decimal(str(value)) / scale), letter
            break
    text = f"{value:,.2f}".rstrip("0").rstrip(".") + suffix
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit}".strip()


def clamp(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return max(low, min(high, value))


def progress_bar(
    progress: float | None, expected: float | None, status: str | None, label: str = ""
) -> SafeString:
    """A horizontal bar with a marker at the progress expected by now."""
    share = clamp(progress or 0.0)
    marker = ""
    if expected is not None:
        x = round(clamp(expected) * 100, 1)
        marker = f'<line class="bar-expected" x1="{x}" x2="{x}" y1="0" y2="10"/>'
    percent = "no progress yet" if progress is None else f"{round(share * 100)}%"
    text = f"{label} progress {percent}" if label else f"Progress {percent}"
    if expected is not None:
        text += f", expected {round(clamp(expected) * 100)}% by now"
    return mark_safe(  # noqa: S308 - every value interpolated is a number or escaped
        f'<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" '
        f'aria-label="{escape(text)}"><title>{escape(text)}</title>'
        f'<rect class="bar-track" width="100" height="10" rx="2"/>'
        f'<rect class="bar-fill status-{escape(status or "none")}" '
        f'width="{round(share * 100, 1)}" height="10" rx="2"/>{marker}</svg>'
    )


def sparkline(values: Sequence[float], status: str = "", label: str = "") -> SafeString:
    """A small trend line of the last values (no axes)."""
    if len(values) < 2:
        return mark_safe('<span class="muted small">not enough data</span>')
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = 100 / (len(values) - 1)
    points = " ".join(
        f"{round(i * step, 1)},{round(28 - (v - low) / span * 26, 1)}" for i, v in enumerate(values)
    )
    text = f"{label} trend: " + ", ".join(fmt(v) for v in values)
    return mark_safe(  # noqa: S308
        f'<svg class="spark spark-{escape(status)}" viewBox="0 0 100 30" '
        f'preserveAspectRatio="none" role="img" aria-label="{escape(text)}">'
        f"<title>{escape(text)}</title>"
        f'<polyline points="{points}" fill="none" vector-effect="non-scaling-stroke"/></svg>'
    )


@dataclass(frozen=True, slots=True)
class Band:
    low: float
    high: float
    colour: str  # green, amber, red


W, H, PAD_L, PAD_R, PAD_T, PAD_B = 600, 220, 56, 12, 12, 28


def line_chart(
    *,
    title: str,
    points: Sequence[tuple[date, float]],
    start: date,
    end: date,
    unit: str = "",
    target: float | None = None,
    expected: tuple[tuple[date, float], tuple[date, float]] | None = None,
    bands: Sequence[Band] = (),
    benchmark: float | None = None,
) -> SafeString:
    """Values over time, with optional target, benchmark and expected lines and coloured bands."""
    values = [v for _, v in points]
    extra = [v for v in (target, benchmark) if v is not None]
    if expected:
        extra += [expected[0][1], expected[1][1]]
    everything = values + extra or [0.0, 1.0]
    low, high = min(everything), max(everything)
    if low == high:
        low, high = low - 1, high + 1
    pad = (high - low) * 0.08
    low, high = low - pad, high + pad
    if end <= start:
        end = date.fromordinal(start.toordinal() + 1)
    days = (end - start).days

    def x(day: date) -> float:
        return round(PAD_L + (day - start).days / days * (W - PAD_L - PAD_R), 1)

    def y(value: float) -> float:
        return round(PAD_T + (high - value) / (high - low) * (H - PAD_T - PAD_B), 1)

    parts: list[str] = []
    for band in bands:
        top, bottom = y(min(max(band.high, low), high)), y(max(min(band.low, high), low))
        if bottom > top:
            parts.append(
                f'<rect class="band band-{escape(band.colour)}" x="{PAD_L}" y="{top}" '
                f'width="{W - PAD_L - PAD_R}" height="{round(bottom - top, 1)}"/>'
            )
    for value in (low + pad, high - pad):
        parts.append(
            f'<text class="axis" x="{PAD_L - 6}" y="{y(value) + 4}" '
            f'text-anchor="end">{escape(fmt(value))}</text>'
        )
    parts.append(
        f'<line class="axis-line" x1="{PAD_L}" x2="{W - PAD_R}" y1="{H - PAD_B}" y2="{H - PAD_B}"/>'
    )
    parts.append(f'<text class="axis" x="{PAD_L}" y="{H - 8}">{start:%d %b %Y}</text>')
    parts.append(
        f'<text class="axis" x="{W - PAD_R}" y="{H - 8}" text-anchor="end">{end:%d %b %Y}</text>'
    )
    if target is not None:
        parts.append(
            f'<line class="target-line" x1="{PAD_L}" x2="{W - PAD_R}" '
            f'y1="{y(target)}" y2="{y(target)}"/>'
            f'<text class="axis" x="{W - PAD_R}" y="{y(target) - 4}" text-anchor="end">'
            f"target {escape(fmt(target, unit))}</text>"
        )
    if benchmark is not None:  # labelled on the left, so it never covers the target's label
        parts.append(
            f'<line class="benchmark-line" x1="{PAD_L}" x2="{W - PAD_R}" '
            f'y1="{y(benchmark)}" y2="{y(benchmark)}"/>'
            f'<text class="axis" x="{PAD_L + 4}" y="{y(benchmark) - 4}">'
            f"benchmark {escape(fmt(benchmark, unit))}</text>"
        )
    if expected:
        (d0, v0), (d1, v1) = expected
        parts.append(
            f'<line class="expected-line" x1="{x(d0)}" y1="{y(v0)}" x2="{x(d1)}" y2="{y(v1)}"/>'
        )
    inside = [(d, v) for d, v in points if start <= d <= end] or list(points)
    if inside:
        coords = " ".join(f"{x(d)},{y(v)}" for d, v in inside)
        parts.append(f'<polyline class="series" points="{coords}" fill="none"/>')
        parts.extend(f'<circle class="dot" cx="{x(d)}" cy="{y(v)}" r="3"/>' for d, v in inside)
    summary = (
        f"{len(points)} values from {fmt(values[0], unit)} to {fmt(values[-1], unit)}"
        if values
        else "no values yet"
    )
    if target is not None:
        summary += f"; target {fmt(target, unit)}"
    if benchmark is not None:
        summary += f"; benchmark {fmt(benchmark, unit)}"
    rows = "".join(
        format_html("<tr><td>{}</td><td>{}</td></tr>", d.isoformat(), fmt(v, unit))
        for d, v in points
    )
    return mark_safe(  # noqa: S308
        f'<figure class="chart"><svg viewBox="0 0 {W} {H}" role="img" '
        f'aria-label="{escape(title)}: {escape(summary)}">'
        f"<title>{escape(title)}</title><desc>{escape(summary)}</desc>{''.join(parts)}</svg>"
        # A table ignores the 1px width of .visually-hidden, so a div hides it.
        f'<div class="visually-hidden"><table><caption>{escape(title)}</caption>'
        f"<thead><tr><th>Date</th><th>Value</th></tr></thead><tbody>{rows}</tbody></table>"
        f"</div></figure>"
    )
