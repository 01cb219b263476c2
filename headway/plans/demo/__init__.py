"""The demo workspace: plan.yaml (written by generate.py) and what `headway demo` needs to load it.

plan.yaml is dated as if today were ANCHOR. `headway demo` shifts every date by whole weeks so
that the quarter holding ANCHOR holds today (headway/plans/management/commands/demo.py).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

ANCHOR = date(2026, 2, 15)
PLAN = Path(__file__).with_name("plan.yaml")
WORKSPACE = "northwind"
PASSWORD = "headway-demo"  # noqa: S105 (printed on purpose: the demo is for trying out)
# The people `headway demo` gives a password to, and prints with who they are.
LOGINS = {
    "olivia": "the CEO, a workspace admin",
    "liam": "a team lead (member role) who checks in",
    "vera": "a viewer, who reads everything public and changes nothing",
}
