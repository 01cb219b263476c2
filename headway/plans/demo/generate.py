"""Write plan.yaml, the demo workspace: `python -m headway.plans.demo.generate`.

Deterministic (a fixed random seed): running it again writes the same file. Dates are set as
if today were ANCHOR; `headway demo` moves them to today.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import yaml

from headway.plans.demo import ANCHOR, PLAN

rng = random.Random(20260215)  # noqa: S311 (demo data, not secrets)

PEOPLE = [
    # username, name, role
    ("olivia", "Olivia Chen", "admin"),  # CEO
    ("noah", "Noah Patel", "admin"),  # CTO
    ("emma", "Emma Rossi", "member"),  # VP go-to-market
    ("lucas", "Lucas Meyer", "member"),  # COO
    ("amara", "Amara Okafor", "member"),  # head of customer
    ("liam", "Liam Walsh", "member"),  # web lead
    ("sofia", "Sofia García", "member"),
    ("mateo", "Mateo Silva", "member"),  # mobile lead
    ("hana", "Hana Suzuki", "member"),
    ("ethan", "Ethan Brooks", "member"),  # platform lead
    ("zoe", "Zoé Martin", "member"),
    ("arjun", "Arjun Rao", "member"),  # data lead
    ("mia", "Mia Novak", "member"),  # sales lead
    ("jonas", "Jonas Berg", "member"),
    ("chloe", "Chloe Dubois", "member"),  # marketing lead
    ("omar", "Omar Haddad", "member"),
    ("ines", "Inès Laurent", "member"),  # support lead
    ("kai", "Kai Andersen", "member"),
    ("priya", "Priya Nair", "member"),  # success lead
    ("grace", "Grace Kim", "member"),  # people lead
    ("tom", "Tom Fischer", "member"),  # finance lead
    ("vera", "Vera Lindqvist", "viewer"),  # board observer
]

# key, name, kind, parent, lead, members
TEAMS = [
    ("northwind", "Northwind", "company", None, "olivia", ["olivia"]),
    ("product-eng", "Product & Engineering", "department", "northwind", "noah", ["noah"]),
    ("go-to-market", "Go-to-market", "department", "northwind", "emma", ["emma"]),
    ("customer", "Customer", "department", "northwind", "amara", ["amara"]),
    ("operations", "Operations", "department", "northwind", "lucas", ["lucas"]),
    ("web", "Web", "team", "product-eng", "liam", ["liam", "sofia"]),
    ("mobile", "Mobile", "team", "product-eng", "mateo", ["mateo", "hana"]),
    ("platform", "Platform", "team", "product-eng", "ethan", ["ethan", "zoe"]),
    ("data", "Data", "team", "product-eng", "arjun", ["arjun"]),
    ("sales", "Sales", "team", "go-to-market", "mia", ["mia", "jonas"]),
    ("marketing", "Marketing", "team", "go-to-market", "chloe", ["chloe", "omar"]),
    ("support", "Support", "team", "customer", "ines", ["ines", "kai"]),
    ("success", "Customer success", "team", "customer", "priya", ["priya"]),
    ("people", "People", "team", "operations", "grace", ["grace"]),
    ("finance", "Finance", "team", "operations", "tom", ["tom"]),
]

CYCLES = [
    ("2025-q4", "Q4 2025", date(2025, 10, 1), date(2025, 12, 31), "closed"),
    ("2026-q1", "Q1 2026", date(2026, 1, 1), date(2026, 3, 31), "active"),
    ("2026-q2", "Q2 2026", date(2026, 4, 1), date(2026, 6, 30), "planning"),
]

# Per KPI: key, name, owner, team, unit, direction, thresholds, cadence, category,
# indicator, and the trend of its values over the year: (first, last).
KPIS: list[tuple[Any, ...]] = [
    ("arr", "Annual recurring revenue", "olivia", "northwind", "k€", "higher_is_better",
     {"target": 5000, "green": 4800, "red": 4200}, "monthly", "financial", "lagging", (3600, 4700)),
    ("nrr", "Net revenue retention", "amara", "customer", "%", "higher_is_better",
     {"target": 110, "green": 108, "red": 100}, "monthly", "financial", "lagging", (104, 109)),
    ("burn", "Monthly net burn", "tom", "finance", "k€", "lower_is_better",
     {"target": 300, "green": 320, "red": 400}, "monthly", "financial", "lagging", (420, 340)),
    ("nps", "Net promoter score", "amara", "customer", "", "higher_is_better",
     {"target": 45, "green": 42, "red": 30}, "monthly", "customer", "lagging", (31, 41)),
    ("csat", "Support satisfaction", "ines", "support", "%", "higher_is_better",
     {"target": 92, "green": 90, "red": 85}, "weekly", "customer", "lagging", (86, 91)),
    ("first-response", "First response time", "ines", "support", "h", "lower_is_better",
     {"target": 4, "green": 4, "red": 8}, "weekly", "operational", "leading", (5, 9.5)),
    ("uptime", "API uptime", "ethan", "platform", "%", "higher_is_better",
     {"target": 99.9, "green": 99.9, "red": 99.5}, "weekly", "operational", "lagging",
     (99.7, 99.93)),
    ("p95", "p95 page load", "liam", "web", "ms", "within_range",
     {"low": 0, "high": 1200, "tolerance": 300}, "weekly", "operational", "leading", (1900, 1150)),
    ("pipeline", "Qualified pipeline", "mia", "sales", "k€", "higher_is_better",
     {"target": 1500, "green": 1400, "red": 1000}, "weekly", "financial", "leading", (900, 1350)),
    ("signups", "Weekly sign-ups", "chloe", "marketing", "", "higher_is_better",
     {"target": 400, "green": 380, "red": 250}, "weekly", "customer", "leading", (210, 360)),
    ("attrition", "Regretted attrition (12 months)", "grace", "people", "%", "lower_is_better",
     {"target": 5, "green": 6, "red": 10}, "monthly", "people", "lagging", (9, 7)),
    ("deploys", "Deploys per week", "noah", "product-eng", "", "higher_is_better",
     {"target": 40, "green": 35, "red": 20}, "weekly", "operational", "leading", (22, 38)),
]  # fmt: skip

# Objectives per cycle: key, title, owner, team, parent, kind, visibility,
# key results [(key, title, metric, unit, start, target, direction, kpi)]
Q1: list[tuple[Any, ...]] = [
    ("co-grow", "Grow revenue efficiently", "olivia", "northwind", None, "committed", "workspace", [
        ("co-grow-arr", "Reach 4.8 M€ ARR", "currency", "k€", 4200, 4800, "auto", None),
        ("co-grow-burn", "Bring net burn under 320 k€ a month", "currency", "k€", 400, 320,
         "auto", None),
    ]),
    ("co-love", "Customers love the product", "olivia", "northwind", None, "aspirational",
     "workspace", [
        ("co-love-nps", "NPS at 42 or more", "number", "", None, 42, "at_least", "nps"),
        ("co-love-nrr", "Net revenue retention to 108 %", "percent", "%", 104, 108, "auto", None),
    ]),
    ("co-team", "Build a team people want to stay in", "olivia", "northwind", None, "aspirational",
     "workspace", [
        ("co-team-enps", "Employee NPS from 12 to 30", "number", "", 12, 30, "auto", None),
    ]),
    ("pe-ship", "Ship faster without breaking things", "noah", "product-eng", "co-love",
     "committed", "workspace", [
        ("pe-ship-deploys", "35 deploys a week", "number", "", 22, 35, "auto", None),
        ("pe-ship-cfr", "Change failure rate under 10 %", "percent", "%", 18, 10, "auto", None),
    ]),
    ("web-speed", "Make the web app feel instant", "liam", "web", "pe-ship", "committed",
     "workspace", [
        ("web-speed-p95", "p95 page load from 1.9 s to 1.2 s", "number", "ms", 1900, 1200,
         "auto", None),
        ("web-speed-bundle", "JavaScript bundle under 300 kB", "number", "kB", 540, 300, "auto",
         None),
        ("web-speed-rum", "Real-user monitoring on every page", "boolean", "", None, None, "auto",
         None),
    ]),
    ("web-onboard", "Onboarding that explains itself", "sofia", "web", "co-grow", "aspirational",
     "workspace", [
        ("web-onboard-activation", "Activation from 31 % to 45 %", "percent", "%", 31, 45,
         "auto", None),
        ("web-onboard-ttv", "Time to first value under 10 minutes", "number", "min", 26, 10,
         "auto", None),
    ]),
    ("mob-rating", "A mobile app people rate highly", "mateo", "mobile", "co-love",
     "aspirational", "workspace", [
        ("mob-rating-stars", "Store rating from 3.9 to 4.5", "number", "★", 3.9, 4.5, "auto", None),
        ("mob-rating-crash", "Crash-free sessions at 99.5 %", "percent", "%", 98.7, 99.5, "auto",
         None),
    ]),
    ("mob-offline", "Offline mode for field teams", "hana", "mobile", "co-grow", "committed",
     "workspace", [
        ("mob-offline-beta", "Offline beta with 20 customers", "number", "customers", 0, 20,
         "auto", None),
        ("mob-offline-sync", "Sync conflicts under 1 in 1,000", "number", "per 1k", 6, 1, "auto",
         None),
    ]),
    ("plat-reliable", "A platform nobody has to think about", "ethan", "platform", "pe-ship",
     "committed", "workspace", [
        ("plat-reliable-uptime", "Uptime at 99.9 % or better", "percent", "%", None, 99.9,
         "at_least", "uptime"),
        ("plat-reliable-mttr", "Mean time to recover under 30 minutes", "number", "min", 75, 30,
         "auto", None),
        ("plat-reliable-pg", "Move to PostgreSQL 17", "boolean", "", None, None, "auto", None),
    ]),
    ("plat-cost", "Cut cloud cost per customer", "zoe", "platform", "co-grow", "aspirational",
     "workspace", [
        ("plat-cost-unit", "Cloud cost per customer from 41 € to 30 €", "currency", "€", 41, 30,
         "auto", None),
    ]),
    ("data-trust", "Numbers everyone trusts", "arjun", "data", "co-grow", "aspirational",
     "workspace", [
        ("data-trust-metrics", "Certify the 20 company metrics", "number", "metrics", 4, 20,
         "auto", None),
        ("data-trust-fresh", "Dashboards fresh by 8:00 every day", "percent", "% of days", 70,
         98, "auto", None),
    ]),
    ("gtm-pipeline", "A pipeline that covers the plan", "emma", "go-to-market", "co-grow",
     "committed", "workspace", [
        ("gtm-pipeline-cover", "Pipeline coverage at 3x", "number", "x", 1.8, 3, "auto", None),
    ]),
    ("sales-enterprise", "Win in the enterprise", "mia", "sales", "gtm-pipeline", "committed",
     "workspace", [
        ("sales-enterprise-logos", "Sign 6 enterprise logos", "number", "logos", 0, 6, "auto",
         None),
        ("sales-enterprise-cycle", "Sales cycle from 94 to 70 days", "number", "days", 94, 70,
         "auto", None),
    ]),
    ("sales-partners", "Open the partner channel", "jonas", "sales", "gtm-pipeline",
     "aspirational", "workspace", [
        ("sales-partners-signed", "Sign 4 resellers", "number", "partners", 0, 4, "auto", None),
        ("sales-partners-deals", "First 3 partner-sourced deals", "number", "deals", 0, 3, "auto",
         None),
    ]),
    ("mkt-demand", "Demand that sales can close", "chloe", "marketing", "gtm-pipeline",
     "committed", "workspace", [
        ("mkt-demand-signups", "380 sign-ups a week", "number", "", 210, 380, "auto", "signups"),
        ("mkt-demand-mql", "MQL to SQL conversion at 25 %", "percent", "%", 14, 25, "auto", None),
    ]),
    ("mkt-brand", "Be the name people recommend", "omar", "marketing", "co-love", "aspirational",
     "workspace", [
        ("mkt-brand-reviews", "150 new reviews on G2", "number", "reviews", 0, 150, "auto", None),
        ("mkt-brand-talks", "Speak at 5 conferences", "number", "talks", 0, 5, "auto", None),
    ]),
    ("cx-retain", "Keep every customer we win", "amara", "customer", "co-love", "committed",
     "workspace", [
        ("cx-retain-churn", "Logo churn under 1 % a month", "percent", "%", 2.1, 1, "auto", None),
    ]),
    ("sup-fast", "Answers within the hour", "ines", "support", "cx-retain", "committed",
     "workspace", [
        ("sup-fast-frt", "First response under 4 hours", "number", "h", None, 4, "at_most",
         "first-response"),
        ("sup-fast-csat", "CSAT from 86 % to 92 %", "percent", "%", 86, 92, "auto", None),
        ("sup-fast-selfserve", "40 % of questions solved by the help centre", "percent", "%", 22,
         40, "auto", None),
    ]),
    ("cs-expand", "Grow the accounts we have", "priya", "success", "cx-retain", "aspirational",
     "workspace", [
        ("cs-expand-qbr", "Business reviews with the top 50 accounts", "number", "accounts", 12,
         50, "auto", None),
        ("cs-expand-upsell", "Expansion revenue of 250 k€", "currency", "k€", 0, 250, "auto",
         None),
    ]),
    ("ops-hire", "Hire the people the plan needs", "lucas", "operations", "co-team", "committed",
     "workspace", [
        ("ops-hire-roles", "Fill 14 open roles", "number", "hires", 0, 14, "auto", None),
    ]),
    ("people-growth", "Careers that grow here", "grace", "people", "co-team", "aspirational",
     "workspace", [
        ("people-growth-ladders", "Career ladders for every function", "percent", "%", 20, 100,
         "auto", None),
        ("people-growth-1on1", "Monthly one-to-ones for everyone", "percent", "%", 64, 95, "auto",
         None),
    ]),
    ("people-reorg", "Prepare the 2026 reorganisation", "grace", "people", None, "committed",
     "private", [
        ("people-reorg-plan", "Plan approved by the board", "boolean", "", None, None, "auto",
         None),
        ("people-reorg-leads", "Talk to all 14 leads one to one", "number", "leads", 0, 14,
         "auto", None),
    ]),
    ("fin-runway", "Extend the runway to 30 months", "tom", "finance", "co-grow", "committed",
     "team", [
        ("fin-runway-months", "Runway from 22 to 30 months", "number", "months", 22, 30, "auto",
         None),
        ("fin-runway-close", "Close the books in 5 days", "number", "days", 12, 5, "auto", None),
    ]),
    ("fin-raise", "Prepare the series B", "olivia", "finance", None, "aspirational", "private", [
        ("fin-raise-dataroom", "Data room ready", "boolean", "", None, None, "auto", None),
        ("fin-raise-meetings", "Meet 25 investors", "number", "investors", 0, 25, "auto", None),
    ]),
]  # fmt: skip

Q4: list[tuple[Any, ...]] = [
    ("q4-co-arr", "Finish the year at 4.2 M€ ARR", "olivia", "northwind", None, "committed",
     "workspace", [
        ("q4-co-arr-arr", "ARR from 3.6 M€ to 4.2 M€", "currency", "k€", 3600, 4200, "auto", None),
    ]),
    ("q4-web-redesign", "Launch the redesigned dashboard", "liam", "web", "q4-co-arr",
     "committed", "workspace", [
        ("q4-web-redesign-ga", "Redesign live for all customers", "boolean", "", None, None,
         "auto", None),
        ("q4-web-redesign-adopt", "70 % of users on the new dashboard", "percent", "%", 0, 70,
         "auto", None),
    ]),
    ("q4-mob-release", "Release the Android app", "mateo", "mobile", "q4-co-arr", "committed",
     "workspace", [
        ("q4-mob-release-installs", "5,000 Android installs", "number", "installs", 0, 5000,
         "auto", None),
    ]),
    ("q4-plat-k8s", "Run everything on Kubernetes", "ethan", "platform", None, "aspirational",
     "workspace", [
        ("q4-plat-k8s-services", "Migrate 24 services", "number", "services", 6, 24, "auto",
         None),
        ("q4-plat-k8s-cost", "Hosting cost down 15 %", "percent", "%", 0, 15, "auto", None),
    ]),
    ("q4-sales-renew", "Renew the big accounts early", "mia", "sales", "q4-co-arr", "committed",
     "workspace", [
        ("q4-sales-renew-count", "Renew 18 of the top 20 accounts", "number", "accounts", 0, 18,
         "auto", None),
    ]),
    ("q4-sup-backlog", "Clear the support backlog", "ines", "support", None, "committed",
     "workspace", [
        ("q4-sup-backlog-open", "Open tickets from 420 to 100", "number", "tickets", 420, 100,
         "auto", None),
    ]),
]  # fmt: skip

INITIATIVES = [
    # objective, key, title, owner, status, due (days after the cycle start), key_result
    ("web-speed", "web-speed-ssr", "Server-side render the dashboard", "liam", "doing", 50,
     "web-speed-p95"),
    ("web-speed", "web-speed-split", "Split the bundle by route", "sofia", "done", 30,
     "web-speed-bundle"),
    ("web-onboard", "web-onboard-tour", "Interactive product tour", "sofia", "doing", 60,
     "web-onboard-activation"),
    ("plat-reliable", "plat-reliable-runbooks", "Runbooks for every alert", "zoe", "doing", 45,
     "plat-reliable-mttr"),
    ("plat-reliable", "plat-reliable-pg17", "PostgreSQL 17 upgrade rehearsal", "ethan", "todo",
     70, "plat-reliable-pg"),
    ("sales-enterprise", "sales-enterprise-sso", "SSO and audit log for enterprise", "noah",
     "doing", 55, None),
    ("mkt-demand", "mkt-demand-webinars", "Monthly webinar series", "omar", "doing", 80, None),
    ("sup-fast", "sup-fast-macros", "Rewrite the top 30 macros", "kai", "done", 25,
     "sup-fast-frt"),
    ("sup-fast", "sup-fast-help", "Help centre in French and German", "kai", "todo", 85,
     "sup-fast-selfserve"),
    ("fin-raise", "fin-raise-model", "Five-year financial model", "tom", "doing", 40, None),
    ("ops-hire", "ops-hire-agency", "Pick a recruiting agency for engineering", "lucas", "done",
     20, None),
]  # fmt: skip

DEPENDENCIES = [
    {"objective": "mob-offline", "depends_on_objective": "plat-reliable",
     "note": "Offline sync needs the new event log"},
    {"key_result": "sales-enterprise-logos", "depends_on_objective": "web-speed",
     "note": "Enterprise trials stall on slow dashboards"},
    {"key_result": "mkt-demand-signups", "depends_on_key_result": "web-onboard-activation",
     "note": "More sign-ups only help if they activate"},
    {"objective": "cs-expand", "depends_on_objective": "data-trust",
     "note": "Business reviews use the certified metrics"},
    {"objective": "fin-runway", "depends_on_key_result": "plat-cost-unit",
     "note": "Runway assumes lower cloud cost"},
    {"key_result": "sup-fast-selfserve", "depends_on_objective": "web-onboard"},
    {"objective": "ops-hire", "depends_on_key_result": "fin-runway-months",
     "note": "Hiring pace follows the runway"},
]  # fmt: skip


def tidy(value: float, scale: float) -> float:
    """Round a generated reading to what a person would type."""
    if scale >= 100:
        return float(round(value))
    if scale >= 10:
        return round(value, 1)
    return round(value, 2)


def weeks(start: date, until: date) -> list[date]:
    days = []
    day = start + timedelta(days=6)
    while day <= until:
        days.append(day)
        day += timedelta(days=7)
    return days


def check_ins(kr: tuple[Any, ...], cycle: tuple[Any, ...], owner: str) -> list[dict[str, Any]]:
    _, _, metric, _, start, target, _, kpi = kr
    _, _, first, last, _ = cycle
    if kpi is not None:
        return []  # fed by its KPI's values
    end = min(last, ANCHOR)
    fate = rng.uniform(0.55, 1.25)  # how far this KR gets by the end of the cycle
    length = (last - first).days
    out = []
    for at in weeks(first, end):
        elapsed = (at - first).days / length
        confidence = max(1, min(10, round(4 + fate * 5 + rng.uniform(-1.5, 1.5))))
        item: dict[str, Any] = {"at": at}
        if metric == "boolean":
            item["value"] = 1 if elapsed > 0.8 and fate > 0.7 else 0
        else:
            reach = fate * elapsed + rng.uniform(-0.04, 0.06)
            value = start + (target - start) * max(0.0, reach)
            item["value"] = tidy(value, max(abs(start), abs(target)))
        item["confidence"] = confidence
        if confidence <= 4 and rng.random() < 0.6:
            item["blockers"] = rng.choice(
                [
                    "Waiting on another team",
                    "Two people out sick this week",
                    "Scope grew after customer interviews",
                    "Vendor contract still unsigned",
                ]
            )
        elif rng.random() < 0.25:
            item["note"] = rng.choice(
                [
                    "Steady week.",
                    "Good progress after the planning session.",
                    "Slower than hoped; adjusting the plan.",
                    "Shipped the first part.",
                    "Numbers confirmed with finance.",
                ]
            )
        item["author"] = owner
        out.append(item)
    return out


def objectives(cycle: tuple[Any, ...], specs: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    out = []
    for key, title, owner, team, parent, kind, visibility, krs in specs:
        out.append(
            {
                "key": key,
                "title": title,
                "owner": owner,
                "team": team,
                "cycle": cycle[0],
                "parent": parent,
                "kind": kind,
                "visibility": visibility,
                "key_results": [
                    {
                        "key": kr[0],
                        "title": kr[1],
                        "metric": kr[2],
                        "unit": kr[3],
                        "start": kr[4],
                        "target": kr[5],
                        "direction": kr[6],
                        "owner": owner,
                        "kpi": kr[7],
                        "check_ins": check_ins(kr, cycle, owner),
                    }
                    for kr in krs
                ],
                "initiatives": [
                    {
                        "key": i[1],
                        "title": i[2],
                        "owner": i[3],
                        "status": i[4],
                        "due": cycle[2] + timedelta(days=i[5]),
                        "key_result": i[6],
                    }
                    for i in INITIATIVES
                    if i[0] == key
                ],
            }
        )
    return out


# KPIs whose owner stopped reporting three months ago: the dashboard shows them as stale.
STALE_KPIS = {"attrition"}


def kpi_values(spec: tuple[Any, ...]) -> list[dict[str, Any]]:
    cadence, (first, last) = spec[7], spec[10]
    if cadence == "monthly":
        months = [ANCHOR.year * 12 + ANCHOR.month - 1 - back for back in range(12, 0, -1)]
        days = [date(m // 12, m % 12 + 1, 28) for m in months]
    else:
        days = [ANCHOR - timedelta(days=7 * back) for back in range(51, -1, -1)]
    scale = max(abs(first), abs(last))
    if spec[0] in STALE_KPIS:
        days = [at for at in days if at <= ANCHOR - timedelta(days=90)]
    out = []
    for n, at in enumerate(days):
        trend = first + (last - first) * n / max(1, len(days) - 1)
        noise = rng.gauss(0, abs(last - first) * 0.06 + scale * 0.002)
        out.append({"at": at, "value": tidy(trend + noise, scale)})
    return out


def plan() -> dict[str, Any]:
    q4, q1, _ = CYCLES
    return {
        "workspace": {"key": "northwind", "name": "Northwind Labs", "timezone": "Europe/Berlin"},
        "users": [
            {
                "username": username,
                "name": name,
                "email": f"{username}@northwind.example",
                "role": role,
            }
            for username, name, role in PEOPLE
        ],
        "teams": [
            {"key": k, "name": n, "kind": kind, "parent": p, "lead": lead, "members": members}
            for k, n, kind, p, lead, members in TEAMS
        ],
        "cycles": [
            {"key": k, "name": n, "start": s, "end": e, "state": state}
            for k, n, s, e, state in CYCLES
        ],
        "kpis": [
            {
                "key": spec[0],
                "name": spec[1],
                "owner": spec[2],
                "team": spec[3],
                "unit": spec[4],
                "direction": spec[5],
                **spec[6],
                "cadence": spec[7],
                "category": spec[8],
                "indicator": spec[9],
                "values": kpi_values(spec),
            }
            for spec in KPIS
        ],
        "objectives": objectives(q4, Q4) + objectives(q1, Q1),
        "dependencies": DEPENDENCIES,
    }


HEADER = """\
# The Headway demo workspace (docs/plan-file.md describes the format).
# Written by headway/plans/demo/generate.py; dated as if today were {anchor}.
"""


def main() -> None:
    text = yaml.safe_dump(plan(), sort_keys=False, allow_unicode=True, width=100)
    PLAN.write_text(HEADER.format(anchor=ANCHOR.isoformat()) + text, encoding="utf-8")


if __name__ == "__main__":
    main()
