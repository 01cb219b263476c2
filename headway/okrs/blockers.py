"""Open blockers and help requests of key results (docs/scoring.md "Open blockers")."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from headway.domain.blockers import is_help_request
from headway.okrs.models import CheckIn, KeyResult


def open_blockers(key_results: QuerySet[KeyResult]) -> list[dict[str, Any]]:
    """The latest check-in of each of these key results when it names a blocker or asks for
    help, help requests first, newest first (one query)."""
    latest = (
        CheckIn.objects.filter(key_result=OuterRef("key_result")).order_by("-at").values("at")[:1]
    )
    rows = (
        CheckIn.objects.filter(key_result__in=key_results, at=Subquery(latest))
        .exclude(blockers="")
        .select_related("key_result", "key_result__objective", "author")
        .order_by("-at", "key_result__title")
    )
    found = [
        {"check_in": c, "kr": c.key_result, "help": is_help_request(c.blockers)}
        for c in rows
        if c.blockers.strip()
    ]
    return sorted(found, key=lambda row: not row["help"])
