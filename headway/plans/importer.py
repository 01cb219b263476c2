"""Import a plan file: create or update by key, in one transaction, recording what changed.

`import_plan` parses and checks the file first (headway.plans.schema, no database), then opens
one transaction and orchestrates: it loads what the workspace already holds, checks every
reference against the file and the database (keys, usernames, frozen grades, parent loops with
domain.tree), then calls the apps' bulk actions in order (workspace, users and memberships,
teams, cycles, KPIs, objectives, key results, check-ins, KPI values, initiatives, dependencies,
closing cycles, restoring history), each given what the ones before returned. The actions
write with one query per model per batch and record one event per object that really changed;
a row one refuses (a closed cycle) comes back here as a problem on the item's line. Any
problem raises PlanError, naming file, line and field, and the transaction leaves the database
as it was. Objects missing from the file are left alone: a plan adds and updates, it never
deletes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Lower

from headway.accounts import actions as account_actions
from headway.accounts.actions import UserRow
from headway.accounts.models import Membership, User, Workspace
from headway.core.database import refresh_statistics
from headway.domain.kr_count import MAX_KEY_RESULTS, check_key_result_count
from headway.domain.tree import has_loop
from headway.domain.types import Role, RuleViolation
from headway.history import actions as history_actions
from headway.history.actions import REFS, EventIn, Refused
from headway.kpis import actions as kpi_actions
from headway.kpis.actions import ValueRow
from headway.kpis.models import KPI
from headway.okrs import actions as okr_actions
from headway.okrs.actions import CheckInRow, DependencyRow, ObjectiveRow
from headway.okrs.models import Initiative, KeyResult, Objective
from headway.plans.schema import Item, Plan, PlanError, Problem, Source, parse_plan, shown
from headway.teams import actions as team_actions
from headway.teams.actions import TeamRow
from headway.teams.models import Team

VIA = "import"
M = TypeVar("M", bound=models.Model)
T = TypeVar("T")


@dataclass
class ImportResult:
    """What an import did: counts of created and updated objects per kind."""

    workspace: Workspace
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    closed: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.closed)

    def summary(self) -> str:
        def part(counts: Counter[str]) -> str:
            return ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))

        lines = []
        if self.created:
            lines.append(f"created: {part(self.created)}")
        if self.updated:
            lines.append(f"updated: {part(self.updated)}")
        if self.closed:
            lines.append(f"closed cycles: {', '.join(self.closed)}")
        return "; ".join(lines) or "nothing to change"


def check_size(size: int, filename: str) -> None:
    """Refuse a plan file larger than HEADWAY_PLAN_MAX_BYTES (before reading it, when possible)."""
    limit = settings.HEADWAY_PLAN_MAX_BYTES
    if size > limit:
        message = (
            f"is {size:,} bytes, more than the {limit:,} a plan file may have "
            "(HEADWAY_PLAN_MAX_BYTES): split it into several files"
        )
        raise PlanError(filename, [(None, Problem((), message))])


def import_plan(
    text: str, *, filename: str = "plan", actor: User | None = None, restore: bool = False
) -> ImportResult:
    """Import a plan (YAML or JSON text); raise PlanError and write nothing when it is wrong.

    `restore`: the text is a backup, whose readings keep their stored dates (see parse_plan)."""
    check_size(len(text.encode("utf-8")), filename)
    plan = parse_plan(text, filename, max_rows=settings.HEADWAY_PLAN_MAX_ROWS, restore=restore)
    with transaction.atomic():
        result = Importer(plan, Source(text, filename), actor, restore=restore).run()
        refresh_statistics()  # the tables may have grown many times over
    return result


def by_key(rows: Iterable[M]) -> dict[str, M]:
    return {row.key: row for row in rows}  # type: ignore[attr-defined]


class Importer:
    """One import: what the workspace holds, the checks of the file against it, and the calls
    to the actions that write it."""

    def __init__(
        self, plan: Plan, source: Source, actor: User | None, *, restore: bool = False
    ) -> None:
        self.plan = plan
        self.restore = restore
        self.source = source
        self.actor = actor

    # The whole import ----------------------------------------------------------------------

    def run(self) -> ImportResult:
        plan = self.plan
        batch, new_workspace = account_actions.upsert_workspace(
            plan.workspace.values, actor=self.actor, via=VIA
        )
        self.batch = batch
        self.load()
        self.check_users()
        self.check_references()
        self.check_frozen()
        self.source.check()
        users = [
            UserRow(u["username"], u["name"], u["email"], u["role"] if u["member"] else None)
            for u in plan.users
        ]
        found = account_actions.upsert_users(batch, users, self.users, shared=self.shared_users)
        account_actions.upsert_memberships(batch, users, found)
        team_actions.upsert_teams(batch, self.team_rows(), self.teams)
        cycles = self.write(
            plan.cycles, lambda: okr_actions.upsert_cycles(batch, self.cycle_items(), self.cycles)
        )
        kpis = self.write(
            plan.kpis, lambda: kpi_actions.upsert_kpis(batch, self.kpi_items(), self.kpis)
        )
        objectives = self.write(
            plan.objectives,
            lambda: okr_actions.upsert_objectives(
                batch, self.objective_rows(), self.objectives, locked=cycles.locked
            ),
        )
        krs = [kr for _, kr in plan.key_results()]
        key_results = self.write(
            krs,
            lambda: okr_actions.upsert_key_results(
                batch,
                self.key_result_items(),
                self.key_results,
                objectives=objectives,
                locked=cycles.locked,
            ),
        )
        check_ins = [c for kr in krs for c in kr.children["check_ins"]]
        self.write(
            check_ins,
            lambda: okr_actions.upsert_check_ins(
                batch,
                self.check_in_rows(),
                key_results=key_results,
                objectives=objectives,
                locked=cycles.locked,
            ),
        )
        kpi_actions.upsert_kpi_values(batch, self.value_rows(), kpis)
        initiatives = [i for o in plan.objectives for i in o.children["initiatives"]]
        self.write(
            initiatives,
            lambda: okr_actions.upsert_initiatives(
                batch, self.initiative_items(), self.initiatives, objectives=objectives
            ),
        )
        okr_actions.upsert_dependencies(
            batch, self.dependency_rows(), objectives=objectives, key_results=key_results
        )
        # A restore (a new workspace from a file with its history): the file's history says
        # how everything came about, so the import's own events would tell it twice.
        restoring = new_workspace and bool(plan.history)
        if not restoring:
            batch.save_events()
        okr_actions.place_objectives(batch.workspace)
        okr_actions.refresh_figures(batch)
        frozen = {c["key"]: c["frozen"] for c in plan.cycles if c["frozen"]}
        closed = okr_actions.close_cycles(
            batch, cycles.to_close, frozen=frozen, objectives=objectives
        )
        if restoring:
            history_actions.delete_events(batch.workspace)  # close_cycles'
        if plan.history:
            batch.count("event", self.restore_history(), 0)
        return ImportResult(batch.workspace, batch.created, batch.updated, closed)

    def write(self, items: Sequence[Item], action: Callable[[], T]) -> T:
        """Call a bulk action over `items`; the rows it refuses become problems of the file."""
        try:
            return action()
        except Refused as refused:
            for problem in refused.problems:
                item = items[problem.index]
                path = item.path if problem.field is None else item.at(problem.field)
                self.source.problem(path, problem.message)
            raise self.source.fail() from None

    def check_frozen(self) -> None:
        """`frozen` names objectives and key results of its own cycle in the file."""
        in_cycle: dict[str, set[str]] = {}
        for objective in self.plan.objectives:
            keys = in_cycle.setdefault(objective["cycle"], set())
            keys.add(objective["key"])
            keys |= {kr["key"] for kr in objective.children["key_results"]}
        for cycle in self.plan.cycles:
            for section, entries in (cycle["frozen"] or {}).items():
                for key in entries:
                    if key not in in_cycle.get(cycle["key"], set()):
                        self.source.problem(
                            (*cycle.at("frozen"), section, key),
                            f"not an objective or key result of cycle {cycle['key']!r} in the file",
                        )

    def load(self) -> None:
        """Everything the workspace holds that the plan may refer to or change."""
        ws = self.batch.workspace
        self.memberships = {
            m.user.username: m
            for m in Membership.objects.filter(workspace=ws).select_related("user")
        }
        wanted = [u["username"] for u in self.plan.users]
        self.users = {m.user.username: m.user for m in self.memberships.values()}
        self.users.update({u.username: u for u in User.objects.filter(username__in=wanted)})
        # Accounts the plan's usernames and e-mails name in another case (one account each).
        folded = User.objects.annotate(folded=Lower("username"))
        self.same_username = {
            u.username.lower(): u for u in folded.filter(folded__in={w.lower() for w in wanted})
        }
        emails = {u["email"].lower() for u in self.plan.users if u["email"]}
        self.same_email = {
            u.email.lower(): u
            for u in User.objects.annotate(folded=Lower("email")).filter(folded__in=emails)
        }
        # Accounts that belong to other workspaces too: their name and e-mail are not this
        # workspace's to change.
        self.shared_users = set(
            Membership.objects.filter(user__in=list(self.users.values()))
            .exclude(workspace=ws)
            .values_list("user_id", flat=True)
        )
        self.teams = by_key(Team.objects.filter(workspace=ws))
        self.cycles = okr_actions.lock_cycles(ws)
        self.kpis = by_key(KPI.objects.filter(workspace=ws))
        self.objectives = by_key(Objective.objects.filter(workspace=ws))
        self.key_results = by_key(KeyResult.objects.filter(workspace=ws))
        self.initiatives = by_key(Initiative.objects.filter(workspace=ws))
        for user in self.users.values():
            self.batch.remember("user", user.pk, user.username)
        for kind, rows in (
            ("team", self.teams),
            ("cycle", self.cycles),
            ("kpi", self.kpis),
            ("objective", self.objectives),
            ("key_result", self.key_results),
        ):
            for row in rows.values():
                self.batch.remember(kind, row.pk, row.key)

    # Users -----------------------------------------------------------------------------------

    def check_users(self) -> None:
        """One account per username and e-mail whatever the case; others' names stay theirs.

        The workspace must keep at least one admin.
        """
        for item in self.plan.users:
            username = item["username"]
            user = self.users.get(username)
            other = self.same_username.get(username.lower())
            if user is None and other is not None:
                self.source.problem(
                    item.at("username"),
                    f"{shown(username)} is the existing account {shown(other.username)} "
                    "(usernames match whatever the case): write it as that",
                )
                continue
            if user is None:
                self.check_new_username(item)
            email = item["email"]
            owner = self.same_email.get(email.lower()) if email else None
            if owner is not None and owner != user:
                self.source.problem(
                    item.at("email"),
                    f"e-mail {shown(email)} belongs to another account "
                    "(e-mails match whatever the case)",
                )
            if user is not None and user.pk in self.shared_users and item["member"]:
                for name in ("name", "email"):
                    if item[name] and item[name] != getattr(user, name):
                        self.source.problem(
                            item.at(name),
                            f"{shown(username)} belongs to other workspaces too: their {name} "
                            "is theirs to change (leave it out, or give the current one)",
                        )
        roles = {username: m.role for username, m in self.memberships.items()}
        roles.update({i["username"]: i["role"] for i in self.plan.users if i["member"]})
        if Role.ADMIN.value not in roles.values():
            self.source.problem(
                ("users",) if self.plan.users else (),
                "the workspace would have no admin: give at least one user role: admin",
            )

    def check_new_username(self, item: Item) -> None:
        """A new account's username follows the rules of the forms (the field's validators)."""
        try:
            User._meta.get_field("username").run_validators(item["username"])
        except ValidationError as error:
            self.source.problem(item.at("username"), " ".join(error.messages))

    # References ------------------------------------------------------------------------------

    def check_references(self) -> None:
        """Every key and username the plan names must exist in the file or the workspace."""
        plan = self.plan
        known = {
            "user": {u["username"] for u in plan.users} | set(self.memberships),
            "team": {t["key"] for t in plan.teams} | set(self.teams),
            "cycle": {c["key"] for c in plan.cycles} | set(self.cycles),
            "kpi": {k["key"] for k in plan.kpis} | set(self.kpis),
            "objective": {o["key"] for o in plan.objectives} | set(self.objectives),
            "key_result": {kr["key"] for _, kr in plan.key_results()} | set(self.key_results),
        }
        what = {
            "user": "user (not in users, nor a member of the workspace)",
            "team": "team",
            "cycle": "cycle",
            "kpi": "KPI",
            "objective": "objective",
            "key_result": "key result",
        }

        def check(item: Item, kind: str) -> None:
            for name, target in REFS[kind].items():
                value = item.values.get(name)
                if value is not None and value not in known[target]:
                    self.source.problem(item.at(name), f"unknown {what[target]} {shown(value)}")

        for team in plan.teams:
            check(team, "team")
            for i, username in enumerate(team["members"]):
                if username not in known["user"]:
                    self.source.problem(
                        (*team.at("members"), i), f"unknown {what['user']} {shown(username)}"
                    )
        for kpi in plan.kpis:
            check(kpi, "kpi")
            for value in kpi.children["values"]:
                check(value, "kpi_value")
        objective_of_kr = {
            kr.key: self.batch.names["objective"].get(kr.objective_id)
            for kr in self.key_results.values()
        }
        for objective in plan.objectives:
            check(objective, "objective")
            if objective["carried_from"] == objective["key"]:
                self.source.problem(objective.at("carried_from"), "cannot be the objective itself")
            for kr in objective.children["key_results"]:
                objective_of_kr[kr["key"]] = objective["key"]
        self.check_key_result_counts(objective_of_kr)
        for objective in plan.objectives:
            for kr in objective.children["key_results"]:
                check(kr, "key_result")
                for check_in in kr.children["check_ins"]:
                    check(check_in, "check_in")
            for initiative in objective.children["initiatives"]:
                check(initiative, "initiative")
                kr_key = initiative["key_result"]
                if kr_key in known["key_result"] and objective_of_kr[kr_key] != objective["key"]:
                    self.source.problem(
                        initiative.at("key_result"),
                        f"key result {kr_key!r} belongs to another objective",
                    )
        for dep in plan.dependencies:
            for name in ("objective", "depends_on_objective"):
                if dep[name] is not None and dep[name] not in known["objective"]:
                    self.source.problem(dep.at(name), f"unknown objective {shown(dep[name])}")
            for name in ("key_result", "depends_on_key_result"):
                if dep[name] is not None and dep[name] not in known["key_result"]:
                    self.source.problem(dep.at(name), f"unknown key result {shown(dep[name])}")
        self.check_tree(plan.teams, self.teams, "team")
        self.check_tree(plan.objectives, self.objectives, "objective")

    def check_key_result_counts(self, objective_of_kr: dict[str, str | None]) -> None:
        """At most 5 key results, counting those already stored that the file leaves out (the
        import keeps them); the file's own count is checked by parse_plan. Not on a restore."""
        if self.restore:
            return
        total = Counter(objective_of_kr.values())
        for objective in self.plan.objectives:
            listed = len(objective.children["key_results"])
            count = total[objective["key"]]
            if listed > MAX_KEY_RESULTS or count == listed:
                continue  # parse_plan reported it, or nothing stored adds to it
            try:
                check_key_result_count(count)
            except RuleViolation as error:
                self.source.problem(
                    objective.at(error.field),
                    f"{error.reason}: with {count - listed} already stored that the file does "
                    f"not list, it would have {count}",
                )

    def check_tree(self, items: Sequence[Item], rows: dict[str, Any], kind: str) -> None:
        """A parent chain must not come back to where it started."""
        parents = {key: self.batch.names[kind].get(row.parent_id) for key, row in rows.items()}
        parents.update({item["key"]: item["parent"] for item in items})
        for item in items:
            if has_loop(parents, item["key"]):
                self.source.problem(item.at("parent"), f"would make the {kind} its own ancestor")

    # What the actions are given: the file's items, references as ids --------------------

    def ref(self, kind: str, name: str | None) -> int | None:
        return self.batch.ref(kind, name)

    def team_rows(self) -> list[TeamRow]:
        return [
            TeamRow(
                t["key"],
                {"name": t["name"], "kind": t["kind"], "lead": self.ref("user", t["lead"])},
                t["parent"],
                t["members"],
            )
            for t in self.plan.teams
        ]

    def cycle_items(self) -> list[tuple[str, dict[str, Any]]]:
        return [
            (
                c["key"],
                {"name": c["name"], "start": c["start"], "end": c["end"], "state": c["state"]},
            )
            for c in self.plan.cycles
        ]

    def kpi_items(self) -> list[tuple[str, dict[str, Any]]]:
        names = [
            "name", "description", "unit", "direction", "target", "green", "red", "low",
            "high", "tolerance", "cadence", "category", "indicator", "benchmark",
        ]  # fmt: skip
        return [
            (
                k["key"],
                {
                    **{n: k[n] for n in names},
                    "owner": self.ref("user", k["owner"]),
                    "team": self.ref("team", k["team"]),
                },
            )
            for k in self.plan.kpis
        ]

    def objective_rows(self) -> list[ObjectiveRow]:
        return [
            ObjectiveRow(
                o["key"],
                {
                    "title": o["title"],
                    "description": o["description"],
                    "owner": self.ref("user", o["owner"]),
                    "team": self.ref("team", o["team"]),
                    "cycle": self.ref("cycle", o["cycle"]),
                    "kind": o["kind"],
                    "visibility": o["visibility"],
                    "retrospective": o["retrospective"],
                    "carried_over": o["carried_over"],
                },
                parent=o["parent"],
                carried_from=o["carried_from"],
            )
            for o in self.plan.objectives
        ]

    def key_result_items(self) -> list[tuple[str, dict[str, Any]]]:
        return [
            (
                kr["key"],
                {
                    "objective": self.batch.ids["objective"][objective["key"]],
                    "title": kr["title"],
                    "metric": kr["metric"],
                    "unit": kr["unit"],
                    "start": kr["start"],
                    "target": kr["target"],
                    "direction": kr["direction"],
                    "weight": kr["weight"],
                    "owner": self.ref("user", kr["owner"]),
                    "kpi": self.ref("kpi", kr["kpi"]),
                    "position": kr.path[-1],
                },
            )
            for objective, kr in self.plan.key_results()
        ]

    def check_in_rows(self) -> list[CheckInRow]:
        return [
            CheckInRow(
                self.batch.ids["key_result"][kr["key"]],
                c["at"],
                c["value"],
                c["confidence"],
                c["note"],
                c["blockers"],
                self.ref("user", c["author"]),
            )
            for _, kr in self.plan.key_results()
            for c in kr.children["check_ins"]
        ]

    def value_rows(self) -> list[ValueRow]:
        # Who recorded a value: the file's (a backup), else whoever runs the import.
        actor = self.actor.pk if self.actor is not None else None
        return [
            ValueRow(
                self.batch.ids["kpi"][k["key"]],
                v["at"],
                v["value"],
                v["note"],
                v["source"],
                self.ref("user", v["recorded_by"]) or actor,
            )
            for k in self.plan.kpis
            for v in k.children["values"]
        ]

    def initiative_items(self) -> list[tuple[str, dict[str, Any]]]:
        return [
            (
                i["key"],
                {
                    "title": i["title"],
                    "owner": self.ref("user", i["owner"]),
                    "status": i["status"],
                    "due": i["due"],
                    "objective": self.batch.ids["objective"][o["key"]],
                    "key_result": self.ref("key_result", i["key_result"]),
                },
            )
            for o in self.plan.objectives
            for i in o.children["initiatives"]
        ]

    def dependency_rows(self) -> list[DependencyRow]:
        return [
            DependencyRow(
                self.ref("objective", d["objective"]),
                self.ref("key_result", d["key_result"]),
                self.ref("objective", d["depends_on_objective"]),
                self.ref("key_result", d["depends_on_key_result"]),
                d["note"],
                {k: v for k, v in d.values.items() if v},
            )
            for d in self.plan.dependencies
        ]

    def restore_history(self) -> int:
        """Add the events of the file's history that the workspace does not hold yet."""
        history = self.plan.history
        actors = {name for e in history if (name := e["actor"]) is not None}
        user_ids = dict(self.batch.ids["user"])
        # An actor may have left the workspace; one with no account here is kept as unknown.
        missing = actors - set(user_ids)
        user_ids.update(User.objects.filter(username__in=missing).values_list("username", "id"))
        names = [f.name for f in fields(EventIn)]
        events = [EventIn(**{name: e[name] for name in names}) for e in history]
        return history_actions.restore_events(
            self.batch.workspace,
            events,
            user_ids=user_ids,
            objective_ids=self.batch.ids["objective"],
            team_ids=self.batch.ids["team"],
        )
