"""What a notification says: one sentence per event kind from the event's `data`, and the
address of the object it is about (docs/notifications.md lists them)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from headway.domain.blockers import HELP_PREFIX
from headway.domain.events import Kind
from headway.events.models import DomainEvent

STATUS = {
    "done": "done",
    "on_track": "on track",
    "at_risk": "at risk",
    "off_track": "off track",
    "green": "green",
    "amber": "amber",
    "red": "red",
}


def status(value: Any) -> str:
    return STATUS.get(str(value), str(value))


def sentence(event: DomainEvent) -> str:
    """What happened, in one sentence (the title is shown beside it)."""
    data: dict[str, Any] = event.data or {}
    kind = event.kind
    if kind in (Kind.KEY_RESULT_MILESTONE, Kind.OBJECTIVE_MILESTONE):
        return f"Reached {data.get('milestone')} % of its target."
    if kind == Kind.OBJECTIVE_ACHIEVED:
        return "Achieved: every key result reached its target."
    if kind in (
        Kind.OBJECTIVE_STATUS_CHANGED,
        Kind.KEY_RESULT_STATUS_CHANGED,
        Kind.KPI_STATUS_CHANGED,
    ):
        return f"Status changed from {status(data.get('from'))} to {status(data.get('to'))}."
    if kind == Kind.CHECK_IN_LOW_CONFIDENCE:
        return f"Checked in with a confidence of {data.get('confidence')} out of 10."
    if kind == Kind.CHECK_IN_HELP_REQUESTED:
        asked = str(data.get("blockers", "")).strip().removeprefix(HELP_PREFIX).strip()
        return f"Help requested: {asked}" if asked else "Help requested."
    if kind == Kind.CHECK_IN_OVERDUE:
        second = " (second reminder)" if data.get("reminder") == 2 else ""
        return f"No check-in yet this week ({data.get('week')}){second}."
    if kind == Kind.KPI_STALE:
        return f"No fresh value: the latest is from {data.get('last_at')}."
    if kind == Kind.INITIATIVE_OVERDUE:
        return f"Overdue: it was due on {data.get('due')}."
    if kind == Kind.DEPENDENCY_AT_RISK:
        return f"What it depends on ({data.get('depends_on_key')}) is {status(data.get('status'))}."
    if kind == Kind.CYCLE_STARTED:
        return f"The cycle started ({data.get('start')} to {data.get('end')})."
    if kind == Kind.CYCLE_ENDING:
        return f"The cycle ends in {data.get('days_left')} days, on {data.get('end')}."
    if kind == Kind.CYCLE_CLOSED:
        return "The cycle was closed."
    return Kind(kind).label


def path_of(event: DomainEvent) -> str:
    """The page of the event's object (see `page`)."""
    objective_key = event.objective.key if event.objective is not None else None
    return page(event.subject_type, event.subject_key, objective_key)


def page(subject_type: str, key: str, objective_key: str | None) -> str:
    """The page that shows an object: an objective's, a KPI's, a team's, a cycle's review; a
    key result (at its anchor), an initiative and a dependency are shown on their objective's
    page (`objective_key`)."""
    if subject_type == "objective":
        return reverse("okrs:objective", args=[key])
    if subject_type == "kpi":
        return reverse("kpis:detail", args=[key])
    if subject_type == "cycle":
        return reverse("okrs:review-cycle", args=[key])
    if subject_type == "team":
        return reverse("teams:detail", args=[key])
    if objective_key is not None:
        anchor = f"#kr-{key}" if subject_type == "key_result" else ""
        return reverse("okrs:objective", args=[objective_key]) + anchor
    return reverse("notifications:inbox")
