"""A generated organisation of N people as a plan (a dict ready for YAML), the same shape at any N.

One company, a department per ten teams, teams of 5-8 people (a lead and members). The current
quarter holds 5 company objectives, 10 per department and 10 per team (3 key results each,
parented upwards), one initiative per objective, check-ins every other week up to `today`, and
one KPI per team with a monthly value for two years. Deterministic: the same N gives the same
plan, so runs compare like with like.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

TEAM_SIZES = (5, 6, 7, 8)
TEAMS_PER_DEPARTMENT = 10
OBJECTIVES_PER_TEAM = 10
KEY_RESULTS = 3
KPI_MONTHS = 24


def quarter_of(day: date) -> tuple[date, date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    end_month = first_month + 3
    end = date(day.year + end_month // 13, (end_month - 1) % 12 + 1, 1) - timedelta(days=1)
    return start, end


def months_back(day: date, n: int) -> date:
    month = day.month - 1 - n
    return date(day.year + month // 12, month % 12 + 1, 1)


class Org:
    """Builds the plan; `leads` lists the team leads (who the page benchmark signs in as)."""

    def __init__(self, people: int, today: date) -> None:
        self.rng = random.Random(people)
        self.today = today
        self.start, self.end = quarter_of(today)
        self.users: list[dict[str, Any]] = []
        self.teams: list[dict[str, Any]] = []
        self.objectives: list[dict[str, Any]] = []
        self.kpis: list[dict[str, Any]] = []
        self.leads: list[str] = []
        self.people = people

    def person(self) -> str:
        n = len(self.users) + 1
        username = f"p{n:05d}"
        role = "admin" if n == 1 else "member"
        self.users.append(
            {"username": username, "name": f"Person {n}", "email": f"{username}@org.example",
             "role": role}
        )  # fmt: skip
        return username

    def plan(self) -> dict[str, Any]:
        ceo = self.person()
        self.teams.append({"key": "company", "name": "Company", "kind": "company", "lead": ceo})
        company = [self.objective("company", ceo, None, n) for n in range(5)]
        department_count = 0
        while len(self.users) < self.people:
            department_count += 1
            dept_key = f"d{department_count:03d}"
            head = self.person()
            self.teams.append(
                {"key": dept_key, "name": f"Department {department_count}", "kind": "department",
                 "parent": "company", "lead": head}
            )  # fmt: skip
            dept_objectives = [
                self.objective(dept_key, head, company[n % len(company)], n) for n in range(10)
            ]
            for t in range(TEAMS_PER_DEPARTMENT):
                if len(self.users) >= self.people:
                    break
                self.team(dept_key, t + 1, dept_objectives)
        return {
            "workspace": {"key": "scale", "name": f"Scale {self.people}", "timezone": "UTC"},
            "users": self.users,
            "teams": self.teams,
            "cycles": [
                {
                    "key": "now",
                    "name": "This quarter",
                    "start": self.start.isoformat(),
                    "end": self.end.isoformat(),
                    "state": "active",
                }
            ],
            "kpis": self.kpis,
            "objectives": self.objectives,
        }

    def team(self, department: str, number: int, parents: list[str]) -> None:
        key = f"{department}-t{number:02d}"
        members = [self.person() for _ in range(self.rng.choice(TEAM_SIZES))]
        lead = members[0]
        self.leads.append(lead)
        self.teams.append(
            {"key": key, "name": f"Team {department}.{number}", "kind": "team",
             "parent": department, "lead": lead, "members": members}
        )  # fmt: skip
        for n in range(OBJECTIVES_PER_TEAM):
            parent = parents[n % len(parents)] if n < 2 else None
            self.objective(key, members[n % len(members)], parent, n)
        self.kpi(key, lead)

    def objective(self, team: str, owner: str, parent: str | None, n: int) -> str:
        key = f"{team}-o{n + 1:02d}"
        key_results = []
        for k in range(KEY_RESULTS):
            target = float(self.rng.choice((10, 50, 100, 1000)))
            key_results.append(
                {"key": f"{key}-kr{k + 1}", "title": f"Key result {k + 1} of {key}",
                 "start": 0.0, "target": target, "owner": owner,
                 "check_ins": self.check_ins(target, owner)}
            )  # fmt: skip
        self.objectives.append(
            {"key": key, "title": f"Objective {n + 1} of {team}", "owner": owner, "team": team,
             "cycle": "now", "parent": parent, "key_results": key_results,
             "initiatives": [{"key": f"{key}-i1", "title": f"Initiative of {key}", "owner": owner,
                              "status": "doing"}]}
        )  # fmt: skip
        return key

    def check_ins(self, target: float, author: str) -> list[dict[str, Any]]:
        out = []
        day = self.start + timedelta(days=7)
        value = 0.0
        while day <= self.today:
            value = min(target, value + target * self.rng.uniform(0.0, 0.15))
            out.append(
                {"at": day.isoformat(), "value": round(value, 2),
                 "confidence": self.rng.randint(3, 9), "author": author}
            )  # fmt: skip
            day += timedelta(days=14)
        return out

    def kpi(self, team: str, owner: str) -> None:
        values = [
            {
                "at": months_back(self.today, m).isoformat(),
                "value": round(self.rng.uniform(50, 150)),
            }
            for m in range(KPI_MONTHS, 0, -1)
        ]
        self.kpis.append(
            {"key": f"{team}-kpi", "name": f"Health of {team}", "owner": owner, "team": team,
             "target": 100.0, "green": 100.0, "red": 80.0, "cadence": "monthly",
             "values": values}
        )  # fmt: skip


def organisation(people: int, today: date) -> tuple[dict[str, Any], list[str]]:
    """The plan of an organisation of `people`, and its team leads' usernames."""
    org = Org(people, today)
    return org.plan(), org.leads
