"""Shared helpers for the plan tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from headway.accounts.models import Membership, User, Workspace
from headway.history.models import Event
from headway.kpis.models import KPI, KPIValue
from headway.okrs.models import CheckIn, Cycle, Dependency, Initiative, KeyResult, Objective
from headway.plans.exporter import export_workspace, render
from headway.teams.models import Team

SMALL = Path(__file__).with_name("small.yaml").read_text(encoding="utf-8")
AS_OF = date(2026, 2, 20)
MODELS = [
    Workspace, User, Membership, Team, Team.members.through, Cycle, KPI, KPIValue, Objective,
    KeyResult, CheckIn, Initiative, Dependency, Event,
]  # fmt: skip


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def export(key: str = "acme", fmt: str = "yaml", as_of: date = AS_OF) -> str:
    return render(export_workspace(Workspace.objects.get(key=key), as_of=as_of), fmt)


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} must occur once"
    return text.replace(old, new)


def line_of(text: str, needle: str) -> int:
    """1-based number of the last line containing `needle`."""
    found = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    assert found, needle
    return found[-1]
