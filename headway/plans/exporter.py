"""Export a workspace as a plan, with computed read-only figures, byte for byte deterministic.

The export has the shape of a plan file (an export imports back as it is; the importer skips
the computed fields and `as_of`). Lists are sorted by key (check-ins and values by date, key
results in their position), keys come in a fixed order, numbers that are whole are written as
integers. Every figure comes from the scoring adapters (okrs.scoring, kpis.scoring), so it is
the number the pages show. The rows are read in a fixed number of queries whatever the size.

This is an admin tool: it reads the whole workspace through plain querysets filtered by the
workspace (private objectives included), not through headway.access.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict
from datetime import UTC, date
from typing import Any

import yaml

from headway.accounts.models import Membership, User, Workspace
from headway.domain.cycles import current_cycle
from headway.domain.types import Metric
from headway.history.models import Event
from headway.kpis.models import KPI, KPIValue
from headway.kpis.scoring import kpi_figures
from headway.okrs.models import CheckIn, Cycle, Dependency, Initiative, KeyResult, Objective
from headway.okrs.scoring import Scoreboard, compute_into, scoreboard
from headway.teams.models import Team

FORMATS = ("yaml", "json")
# The fields of a closed cycle's `frozen` grades, in the order written (docs/plan-file.md).
OBJECTIVE_FIGURES = ["progress", "status", "score", "expected"]
KR_FIGURES = ["current", "progress", "attainment", "status", "score", "confidence", "expected"]


def reading(kr: KeyResult, value: float) -> float | int | bool:
    """A check-in's value: true / false for a done/not-done key result, else the number."""
    if kr.metric == Metric.BOOLEAN.value:
        return bool(value)
    stored = number(value)
    assert stored is not None  # a check-in always has a value
    return stored


def given(**fields: Any) -> dict[str, Any]:
    """The fields that hold something: an empty note or an unknown author is left out."""
    return {name: value for name, value in fields.items() if value}


def number(value: float | None) -> float | int | None:
    """Whole numbers as integers (100 rather than 100.0), others as they are stored."""
    if value is None:
        return None
    if float(value).is_integer():
        return int(value)
    return value


def export_workspace(
    workspace: Workspace, *, as_of: date, complete: bool = False
) -> dict[str, Any]:
    """The workspace as a plan, with figures as of `as_of`.

    By default check-ins and KPI values dated after `as_of` are left out: the export is the
    workspace as it stood that day (as far as dated readings go). `complete` makes it a logical
    backup instead: every stored reading whatever its date, and the history (docs/plan-file.md).
    """
    readings = {} if complete else {"at__lte": as_of}
    memberships = list(
        Membership.objects.filter(workspace=workspace)
        .select_related("user")
        .order_by("user__username")
    )
    usernames = {m.user_id: m.user.username for m in memberships}
    teams = list(Team.objects.filter(workspace=workspace).order_by("key"))
    members: dict[int, list[int]] = defaultdict(list)
    through = Team.members.through.objects.filter(team__workspace=workspace)
    for team_id, user_id in through.values_list("team_id", "user_id"):
        members[team_id].append(user_id)
    cycles = list(Cycle.objects.filter(workspace=workspace).order_by("key"))
    kpis = list(KPI.objects.filter(workspace=workspace).order_by("key"))
    values: dict[int, list[KPIValue]] = defaultdict(list)
    for value in KPIValue.objects.filter(kpi__workspace=workspace, **readings).order_by("at"):
        values[value.kpi_id].append(value)
    objectives = list(Objective.objects.filter(workspace=workspace).order_by("key"))
    krs: dict[int, list[KeyResult]] = defaultdict(list)
    for kr in KeyResult.objects.filter(workspace=workspace).order_by("position", "key"):
        krs[kr.objective_id].append(kr)
    check_ins: dict[int, list[CheckIn]] = defaultdict(list)
    rows = CheckIn.objects.filter(key_result__workspace=workspace, **readings).order_by("at")
    for check_in in rows:
        check_ins[check_in.key_result_id].append(check_in)
    initiatives: dict[int, list[Initiative]] = defaultdict(list)
    for initiative in Initiative.objects.filter(workspace=workspace).order_by("key"):
        initiatives[initiative.objective_id].append(initiative)
    dependencies = list(Dependency.objects.filter(workspace=workspace))
    events = (
        list(Event.objects.filter(workspace=workspace).order_by("at", "id")) if complete else []
    )

    referenced = {
        *(t.lead_id for t in teams),
        *(k.owner_id for k in kpis),
        *(o.owner_id for o in objectives),
        *(kr.owner_id for group in krs.values() for kr in group),
        *(c.author_id for group in check_ins.values() for c in group),
        *(i.owner_id for group in initiatives.values() for i in group),
        *(u for group in members.values() for u in group),
        *(e.actor_id for e in events),
        *(v.recorded_by_id for group in values.values() for v in group),
    } - {None, *usernames}
    # People who left the workspace but still own, wrote or did something in it: listed with
    # `member: false`, so that a restore can refer to them (username and name only).
    former = list(User.objects.filter(id__in=referenced)) if referenced else []
    usernames.update((u.pk, u.username) for u in former)

    team_keys = {t.pk: t.key for t in teams}
    cycle_keys = {c.pk: c.key for c in cycles}
    kpi_keys = {k.pk: k.key for k in kpis}
    objective_keys = {o.pk: o.key for o in objectives}
    kr_keys = {kr.pk: kr.key for group in krs.values() for kr in group}

    def user(user_id: int | None) -> str | None:
        return None if user_id is None else usernames[user_id]

    board = scoreboard(cycles, as_of=as_of)
    frozen = regraded(cycles, objective_keys, kr_keys)
    kpi_numbers = kpi_figures(kpis, as_of=as_of)
    team_progress = rollup(board, current_cycle(cycles, as_of), objectives, teams)

    def kpi_out(kpi: KPI) -> dict[str, Any]:
        figures = kpi_numbers[kpi.pk]
        latest = (
            {"at": figures.latest_at, "value": number(figures.latest_value)}
            if figures.latest_at is not None
            else None
        )
        return {
            "key": kpi.key,
            "name": kpi.name,
            "description": kpi.description,
            "owner": user(kpi.owner_id),
            "team": team_keys.get(kpi.team_id or 0),
            "unit": kpi.unit,
            "direction": kpi.direction,
            **{
                name: number(getattr(kpi, name))
                for name in ("target", "green", "red", "low", "high", "tolerance")
            },
            "cadence": kpi.cadence,
            "category": kpi.category,
            "indicator": kpi.indicator,
            "benchmark": number(kpi.benchmark),
            "latest": latest,
            "status": figures.status,
            "stale": figures.stale,
            "values": [
                {"at": v.at, "value": number(v.value)}
                | given(note=v.note, source=v.source, recorded_by=user(v.recorded_by_id))
                for v in values[kpi.pk]
            ],
        }

    def kr_out(kr: KeyResult) -> dict[str, Any]:
        figures = board.key_results.get(kr.pk)
        return {
            "key": kr.key,
            "title": kr.title,
            "metric": kr.metric,
            "unit": kr.unit,
            "start": number(kr.start),
            "target": number(kr.target),
            "direction": kr.direction,
            "weight": number(kr.weight),
            "owner": user(kr.owner_id),
            "kpi": kpi_keys.get(kr.kpi_id or 0),
            "current": number(figures.current) if figures else None,
            "progress": number(figures.progress) if figures else None,
            "attainment": number(figures.attainment) if figures else None,
            "status": figures.status if figures else None,
            "score": number(figures.score) if figures else None,
            "check_ins": [
                {"at": c.at, "value": reading(kr, c.value), "confidence": c.confidence}
                | given(note=c.note, blockers=c.blockers, author=user(c.author_id))
                for c in check_ins[kr.pk]
            ],
        }

    def objective_out(objective: Objective) -> dict[str, Any]:
        figures = board.objectives.get(objective.pk)
        return {
            "key": objective.key,
            "title": objective.title,
            "description": objective.description,
            "owner": user(objective.owner_id),
            "team": team_keys.get(objective.team_id or 0),
            "cycle": cycle_keys[objective.cycle_id],
            "parent": objective_keys.get(objective.parent_id or 0),
            "carried_from": objective_keys.get(objective.carried_from_id or 0),
            **given(carried_over=objective.carried_over),
            "kind": objective.kind,
            "visibility": objective.visibility,
            **given(retrospective=objective.retrospective),
            "progress": number(figures.progress) if figures else None,
            "status": figures.status if figures else None,
            "score": number(figures.score) if figures else None,
            "key_results": [kr_out(kr) for kr in krs[objective.pk]],
            "initiatives": [
                {
                    "key": i.key,
                    "title": i.title,
                    "owner": user(i.owner_id),
                    "status": i.status,
                    "due": i.due,
                    "key_result": kr_keys.get(i.key_result_id or 0),
                }
                for i in initiatives[objective.pk]
            ],
        }

    def dependency_out(d: Dependency) -> dict[str, Any]:
        source = (
            {"objective": objective_keys[d.objective_id]}
            if d.objective_id
            else {"key_result": kr_keys[d.key_result_id or 0]}
        )
        target = (
            {"depends_on_objective": objective_keys[d.depends_on_objective_id]}
            if d.depends_on_objective_id
            else {"depends_on_key_result": kr_keys[d.depends_on_key_result_id or 0]}
        )
        return {**source, **target, "note": d.note}

    def event_out(e: Event) -> dict[str, Any]:
        out: dict[str, Any] = {
            "at": e.at.astimezone(UTC).isoformat(),
            "actor": user(e.actor_id),
            "verb": e.verb,
            "subject_type": e.subject_type,
            "subject_key": e.subject_key,
            "summary": e.summary,
            # Keys sorted: PostgreSQL's jsonb does not keep them in the order they were written.
            "changes": json.loads(json.dumps(e.changes, sort_keys=True)),
            "objective": objective_keys.get(e.objective_id or 0),
            "team": team_keys.get(e.team_id or 0),
            "via": e.via,
        }
        return {name: value for name, value in out.items() if value not in (None, "", {})}

    people: list[dict[str, Any]] = [
        {"username": m.user.username, "name": m.user.name, "email": m.user.email, "role": m.role}
        for m in memberships
    ]
    people += [{"username": u.username, "name": u.name, "member": False} for u in former]

    plan = {
        "workspace": {
            "key": workspace.key,
            "name": workspace.name,
            "timezone": workspace.timezone,
        },
        "as_of": as_of,
        "users": sorted(people, key=lambda u: str(u["username"])),
        "teams": [
            {
                "key": t.key,
                "name": t.name,
                "kind": t.kind,
                "parent": team_keys.get(t.parent_id or 0),
                "lead": user(t.lead_id),
                "members": sorted(usernames[u] for u in members[t.pk]),
                "progress": team_progress.get(t.pk),
            }
            for t in teams
        ],
        "cycles": [
            {"key": c.key, "name": c.name, "start": c.start, "end": c.end, "state": c.state}
            | ({"frozen": frozen[c.pk]} if c.pk in frozen else {})
            for c in cycles
        ],
        "kpis": [kpi_out(kpi) for kpi in kpis],
        "objectives": [objective_out(o) for o in objectives],
        "dependencies": sorted(
            (dependency_out(d) for d in dependencies),
            key=lambda d: tuple(str(v) for v in d.items()),
        ),
    }
    if complete:
        plan["history"] = [event_out(e) for e in events]
    return plan


def regraded(
    cycles: list[Cycle], objective_keys: dict[int, str], kr_keys: dict[int, str]
) -> dict[int, dict[str, Any]]:
    """The frozen figures of each closed cycle that grading it again today would change.

    A closed cycle keeps the grades it was closed with, even when KPI values dated within it
    were written or changed afterwards. A restore closes the cycle again, so the export carries
    those grades (by key) whenever they differ from a re-grade; otherwise it leaves them out,
    and files stay as they were. One computation for all closed cycles (a fixed number of
    queries).
    """
    closed = [c for c in cycles if c.is_closed and c.frozen_figures]
    if not closed:
        return {}
    board = Scoreboard(as_of=max(c.end for c in closed))
    compute_into(board, closed, as_of=board.as_of)
    out = {}
    for cycle in closed:
        stored = cycle.frozen_figures or {}
        objectives = stored.get("objectives", {})
        krs = stored.get("key_results", {})
        again_objectives = {
            str(pk): asdict(board.objectives[pk]) for pk in map(int, objectives)
            if pk in board.objectives
        }  # fmt: skip
        again_krs = {
            str(pk): asdict(board.key_results[pk]) for pk in map(int, krs)
            if pk in board.key_results
        }  # fmt: skip
        if again_objectives == objectives and again_krs == krs:
            continue

        def figures(values: dict[str, Any], names: list[str]) -> dict[str, Any]:
            # In a fixed order: PostgreSQL's jsonb does not keep the order they were written in.
            return {
                name: number(value) if isinstance(value := values.get(name), float) else value
                for name in names
            }

        out[cycle.pk] = {
            "objectives": {
                objective_keys[int(pk)]: figures(values, OBJECTIVE_FIGURES)
                for pk, values in sorted(
                    objectives.items(), key=lambda i: objective_keys[int(i[0])]
                )
                if int(pk) in objective_keys
            },
            "key_results": {
                kr_keys[int(pk)]: figures(values, KR_FIGURES)
                for pk, values in sorted(krs.items(), key=lambda i: kr_keys.get(int(i[0]), ""))
                if int(pk) in kr_keys
            },
        }
    return out


def rollup(
    board: Scoreboard, cycle: Cycle | None, objectives: list[Objective], teams: list[Team]
) -> dict[int, float | int | None]:
    """Progress per team over the objectives of one cycle (team and descendants)."""
    if cycle is None:
        return {}
    in_cycle = {o.pk for o in objectives if o.cycle_id == cycle.pk}
    one_cycle = Scoreboard(
        as_of=board.as_of,
        objectives={pk: f for pk, f in board.objectives.items() if pk in in_cycle},
    )
    progress = one_cycle.team_progress({t.pk: t.parent_id for t in teams})
    return {team: number(value) for team, value in progress.items()}


def iso(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def render(data: dict[str, Any], fmt: str = "yaml") -> str:
    """The export as text: the same data always gives the same bytes."""
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False, default=iso) + "\n"
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(
        data,
        Dumper=dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
