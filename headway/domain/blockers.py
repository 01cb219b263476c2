"""Blockers and help requests written with check-ins (docs/scoring.md "Open blockers")."""

from __future__ import annotations

# The check-in page's "I need help" box is kept with the blockers, as this prefix: it is what
# the team lead reads, and API and plan-file users can write it the same way.
HELP_PREFIX = "Help needed."


def with_help_request(blockers: str, help_needed: bool) -> str:
    """The blockers text stored for a check-in, with the help request in front."""
    text = blockers.strip()
    return f"{HELP_PREFIX} {text}".strip() if help_needed else text


def is_help_request(blockers: str) -> bool:
    return blockers.strip().lower().startswith(HELP_PREFIX[:-1].lower())


def is_open(latest_blockers: str) -> bool:
    """A key result has an open blocker while its latest check-in names one (or asks for help):
    the next check-in with the box empty closes it."""
    return bool(latest_blockers.strip())
