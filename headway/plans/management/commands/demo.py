"""`headway demo`: load the demo workspace, its dates moved so that it looks alive today.

The shipped plan (headway/plans/demo/plan.yaml) is dated as if today were ANCHOR. Every date
in it moves by the same whole number of weeks, so that weekdays stay weekdays and the quarter
that held ANCHOR now holds today; cycles are renamed after their new quarter; check-ins and
KPI values that would fall after today are dropped. If the demo workspace exists already,
nothing is imported (run it as often as you like); delete the database to start afresh.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

import yaml
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from headway.accounts.actions import set_passwords
from headway.accounts.models import Workspace
from headway.core.timeutil import today_in
from headway.plans import demo
from headway.plans.importer import import_plan


def shift_dates(value: Any, delta: timedelta) -> Any:
    """`value` (a loaded plan, or any part of one) with every date moved by `delta`."""
    if isinstance(value, date):
        return value + delta
    if isinstance(value, dict):
        return {k: shift_dates(v, delta) for k, v in value.items()}
    if isinstance(value, list):
        return [shift_dates(v, delta) for v in value]
    return value


def quarter_of(day: date) -> tuple[str, str]:
    """(key, name) of the calendar quarter holding `day`: ("2027-q3", "Q3 2027")."""
    quarter = (day.month - 1) // 3 + 1
    return f"{day.year}-q{quarter}", f"Q{quarter} {day.year}"


def move_to(plan: dict[str, Any], today: date) -> dict[str, Any]:
    """The demo plan as if it were written today (see the module docstring)."""
    delta = timedelta(weeks=round((today - demo.ANCHOR).days / 7))
    plan = shift_dates(plan, delta)
    renamed = {}
    for cycle in plan["cycles"]:
        key, name = quarter_of(cycle["start"] + (cycle["end"] - cycle["start"]) / 2)
        renamed[cycle["key"]] = key
        cycle["key"], cycle["name"] = key, name
    if len(set(renamed.values())) < len(renamed):  # two cycles in one quarter: keep the keys
        renamed = {old: old for old in renamed}
    for objective in plan["objectives"]:
        objective["cycle"] = renamed[objective["cycle"]]
        for kr in objective["key_results"]:
            kr["check_ins"] = [c for c in kr["check_ins"] if c["at"] <= today]
    for kpi in plan["kpis"]:
        kpi["values"] = [v for v in kpi["values"] if v["at"] <= today]
    return plan


class Command(BaseCommand):
    help = "Load the demo workspace (a company with teams, OKRs and KPIs), dated around today."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="pretend today is this date (YYYY-MM-DD)")
        parser.add_argument(
            "--address",
            default="http://127.0.0.1:8000",
            help="the address the server answers on, printed with the logins",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if Workspace.objects.filter(key=demo.WORKSPACE).exists():
            self.stdout.write(f"The demo workspace {demo.WORKSPACE!r} is already loaded.")
        else:
            plan = yaml.safe_load(demo.PLAN.read_text(encoding="utf-8"))
            timezone = plan["workspace"]["timezone"]
            today = date.fromisoformat(options["today"]) if options["today"] else None
            plan = move_to(plan, today or today_in(timezone))
            text = yaml.safe_dump(plan, sort_keys=False, allow_unicode=True)
            started = time.perf_counter()
            with transaction.atomic():
                result = import_plan(text, filename=str(demo.PLAN))
                set_passwords(demo.LOGINS, demo.PASSWORD)
            elapsed = time.perf_counter() - started
            self.stdout.write(f"Loaded the demo workspace: {result.summary()} ({elapsed:.1f} s)")
        self.stdout.write(f"Sign in at {options['address']} with the password {demo.PASSWORD} as:")
        for username, who in demo.LOGINS.items():
            self.stdout.write(f"  {username:<8} {who}")
