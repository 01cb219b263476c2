"""One template for the full page and the HTMX swap (GUIDE.md §7.7)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from headway.pages.http import HtmxRequest


def render_page_or_partial(
    request: HtmxRequest,
    template: str,
    context: Mapping[str, Any],
    *,
    partials: Mapping[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render `template`, or only its partial named for the request's HX-Target.

    `partials` maps an HX-Target id to a `{% partialdef %}` name in `template`; a full page
    load, or an HTMX request aimed elsewhere, gets the whole page.
    """
    name = template
    target = request.htmx.target if request.htmx else None
    if target and partials and target in partials:
        name = f"{template}#{partials[target]}"
    return render(request, name, dict(context), status=status)
