"""What a delivery sends (docs/webhooks.md, "Payload"): the Standard Webhooks payload built from
a domain event when it is dispatched, and the Slack and Teams messages drawn from it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse

from headway.domain.events import Kind
from headway.domain.webhooks import TEST_KIND, Format
from headway.events.models import DomainEvent
from headway.notifications.mailer import absolute
from headway.notifications.messages import path_of

KINDS = frozenset(kind.value for kind in Kind)


def iso(when: datetime) -> str:
    return when.isoformat().replace("+00:00", "Z")


def link_to(event: DomainEvent) -> str:
    """The page that shows the event's subject, as the inbox links it."""
    return absolute(path_of(event))


def event_payload(event: DomainEvent, workspace_key: str) -> dict[str, Any]:
    """`{"type", "timestamp", "data"}` for one event (needs `objective` and `actor` loaded)."""
    return {
        "type": event.kind,
        "timestamp": iso(event.at),
        "data": {
            "workspace": workspace_key,
            "subject": {
                "type": event.subject_type,
                "key": event.subject_key,
                "title": event.title,
            },
            "objective": event.objective.key if event.objective is not None else None,
            "url": link_to(event),
            "actor": event.actor.username if event.actor is not None else None,
            "details": event.data,
        },
    }


def test_payload(workspace_key: str, at: datetime) -> dict[str, Any]:
    """The ping sent by "Send a test": the same shape, with no subject."""
    return {
        "type": TEST_KIND,
        "timestamp": iso(at),
        "data": {
            "workspace": workspace_key,
            "subject": None,
            "objective": None,
            "url": absolute(reverse("webhooks:list")),
            "actor": None,
            "details": {"message": "A test from Headway: this webhook works."},
        },
    }


def headline(payload: dict[str, Any]) -> str:
    """One line for a person: what happened to what."""
    kind = payload["type"]
    label = Kind(kind).label if kind in KINDS else "Test"
    subject = payload["data"].get("subject")
    if not subject:
        return f"{label}: {payload['data']['details'].get('message', '')}"
    details = payload["data"].get("details") or {}
    change = ""
    if "from" in details and "to" in details:
        change = f" ({details['from']} → {details['to']})"
    elif "milestone" in details:
        change = f" ({details['milestone']} %)"
    return f"{label}{change}: {subject['key']} {subject['title']}"


def slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_message(payload: dict[str, Any]) -> dict[str, Any]:
    """A Slack incoming-webhook message: `text` (the fallback in notifications) and blocks."""
    data = payload["data"]
    line = slack_escape(headline(payload))
    facts = [f"workspace {slack_escape(data['workspace'])}"]
    if data.get("actor"):
        facts.append(f"by {slack_escape(data['actor'])}")
    return {
        "text": line,
        "blocks": [
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": f"*{line}*\n<{data['url']}|Open in Headway>"},
            },
            {"type": "context", "elements": [{"type": "mrkdwn", "text": " · ".join(facts)}]},
        ],
    }


def teams_message(payload: dict[str, Any]) -> dict[str, Any]:
    """A Teams Workflows message: an Adaptive Card (1.2) in a `message` envelope."""
    data = payload["data"]
    facts = [{"title": "Workspace", "value": data["workspace"]}]
    if data.get("actor"):
        facts.append({"title": "By", "value": data["actor"]})
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.2",
        "body": [
            {
                "type": "TextBlock",
                "text": headline(payload),
                "weight": "Bolder",
                "size": "Medium",
                "wrap": True,
            },
            {"type": "FactSet", "facts": facts},
        ],
        "actions": [{"type": "Action.OpenUrl", "title": "Open in Headway", "url": data["url"]}],
    }
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


def body_for(format: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The JSON a webhook of this format receives for `payload`."""
    if format == Format.SLACK:
        return slack_message(payload)
    if format == Format.TEAMS:
        return teams_message(payload)
    return payload
