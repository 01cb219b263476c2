"""Import a plan file: create or update by key, in one transaction, recording what changed.

`import_plan` parses and checks the file first (headway.plans.schema, no database), then opens
one transaction: it loads what the workspace already holds, checks every reference against the
file and the database, and writes with bulk operations (one query per model per batch, never
one per check-in or KPI value). Any problem raises PlanError, naming file, line and field, and
the transaction leaves the database as it was. Objects missing from the file are left alone:
a plan adds and updates, it never deletes.

The writes bypass the per-object actions for speed, but keep their rules: the domain checks
of key results and KPIs (in schema), the closed-cycle lock of okrs.actions.ensure_open, and
history events (one per object that really changed, bulk-created, via "import"). Closing a
cycle goes through okrs.actions.close_cycle, so its figures are frozen the same way.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from headway.accounts.models import Membership, User, Workspace
from headway.domain.kr_count import MAX_KEY_RESULTS, check_key_result_count
from headway.domain.types import CycleState, Role, RuleViolation
from headway.history.actions import event, plain
from headway.history.models import Event
from headway.kpis.models import KPI, KPIValue
from headway.okrs import actions as okr_actions
from headway.okrs.models import CheckIn, Cycle, Dependency, Initiative, KeyResult, Objective
from headway.plans.schema import Item, Path, Plan, PlanError, Problem, Source, parse_plan, shown
from headway.teams.models import Team

VIA = "import"
BATCH = 1000
M = TypeVar("M", bound=models.Model)


@dataclass(slots=True)
class Synced:
    """One plan item and its row after `Importer.sync`: what changed, and whether it is new."""

    item: Item
    row: Any
    changes: dict[str, Any]
    new: bool = False


# Which kind of object each reference field points at (for resolving keys and for history).
REFS: dict[str, dict[str, str]] = {
    "team": {"parent": "team", "lead": "user"},
    "kpi": {"owner": "user", "team": "team"},
    "objective": {
        "owner": "user",
        "team": "team",
        "cycle": "cycle",
        "parent": "objective",
        "carried_from": "objective",
    },
    "key_result": {"owner": "user", "kpi": "kpi", "objective": "objective"},
    "check_in": {"author": "user"},
    "kpi_value": {"recorded_by": "user"},
    "initiative": {"owner": "user", "objective": "objective", "key_result": "key_result"},
}


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
        return Importer(plan, Source(text, filename), actor, restore=restore).run()


def by_key(rows: Iterable[M]) -> dict[str, M]:
    return {row.key: row for row in rows}  # type: ignore[attr-defined]


class Importer:
    """One import: the existing rows, the references between them, and the writes."""

    def __init__(
        self, plan: Plan, source: Source, actor: User | None, *, restore: bool = False
    ) -> None:
        self.plan = plan
        self.restore = restore
        self.source = source
        self.actor = actor
        self.now = timezone.now()
        self.events: list[Event] = []
        # id -> key (username for users) of every row known so far, for history and lookups
        self.names: dict[str, dict[int, str]] = defaultdict(dict)
        self.ids: dict[str, dict[str, int]] = defaultdict(dict)

    # The whole import ----------------------------------------------------------------------

    def run(self) -> ImportResult:
        self.workspace_row()
        self.load()
        self.check_users()
        self.check_references()
        self.check_frozen()
        self.source.check()
        self.write_users()
        self.write_teams()
        self.write_cycles()
        self.write_kpis()
        self.write_objectives()
        self.write_key_results()
        self.write_check_ins()
        self.write_kpi_values()
        self.write_initiatives()
        self.write_dependencies()
        self.source.check()  # closed-cycle problems are found while comparing
        # A restore (a new workspace from a file with its history): the file's history says
        # how everything came about, so the import's own events would tell it twice.
        restoring = self.new_workspace and bool(self.plan.history)
        if not restoring:
            Event.objects.bulk_create(self.events, batch_size=BATCH)
        for cycle in self.to_close:
            okr_actions.close_cycle(cycle, actor=self.actor, via=VIA)
            self.keep_grades(cycle)
            self.result.closed.append(cycle.key)
        if restoring:
            Event.objects.filter(workspace=self.workspace).delete()  # close_cycle's
        self.write_history()
        return self.result

    def keep_grades(self, cycle: Cycle) -> None:
        """A cycle closed with the file's `frozen` grades keeps those, not a re-grade of today's
        values (docs/plan-file.md, "cycles")."""
        frozen = self.frozen.get(cycle.key)
        if not frozen:
            return
        figures = cycle.frozen_figures or {}
        for key, values in frozen["objectives"].items():
            pk = self.ids["objective"][key]
            figures["objectives"][str(pk)] = {**values, "team_id": self.team_of.get(pk)}
        for key, values in frozen["key_results"].items():
            figures["key_results"][str(self.ids["key_result"][key])] = values
        cycle.frozen_figures = figures
        cycle.save(update_fields=["frozen_figures"])

    def check_frozen(self) -> None:
        """`frozen` names objectives and key results of its own cycle in the file."""
        self.frozen = {c["key"]: c["frozen"] for c in self.plan.cycles if c["frozen"]}
        in_cycle: dict[str, set[str]] = defaultdict(set)
        for objective in self.plan.objectives:
            in_cycle[objective["cycle"]].add(objective["key"])
            in_cycle[objective["cycle"]] |= {kr["key"] for kr in objective.children["key_results"]}
        for cycle in self.plan.cycles:
            for section, entries in (cycle["frozen"] or {}).items():
                for key in entries:
                    if key not in in_cycle[cycle["key"]]:
                        self.source.problem(
                            (*cycle.at("frozen"), section, key),
                            f"not an objective or key result of cycle {cycle['key']!r} in the file",
                        )

    def workspace_row(self) -> None:
        values = self.plan.workspace.values
        found = Workspace.objects.filter(key=values["key"]).first()
        self.workspace = found or Workspace.objects.create(**values)
        self.new_workspace = found is None
        self.result = ImportResult(self.workspace)
        if found is None:
            self.created("workspace", self.workspace, values)
        elif changes := self.assign(found, values, {}):
            found.save()
            self.updated("workspace", found, changes)

    def load(self) -> None:
        """Everything the workspace holds that the plan may refer to or change."""
        ws = self.workspace
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
        self.team_members: dict[int, dict[int, int]] = defaultdict(dict)
        through = Team.members.through.objects.filter(team__workspace=ws)
        for row_id, team_id, user_id in through.values_list("id", "team_id", "user_id"):
            self.team_members[team_id][user_id] = row_id
        # Locked like okrs.actions.ensure_open: a cycle closed meanwhile is seen closed.
        self.cycles = by_key(
            Cycle.objects.filter(workspace=ws).select_for_update(no_key=True).order_by("id")
        )
        self.kpis = by_key(KPI.objects.filter(workspace=ws))
        self.objectives = by_key(Objective.objects.filter(workspace=ws))
        self.key_results = by_key(KeyResult.objects.filter(workspace=ws))
        self.initiatives = by_key(Initiative.objects.filter(workspace=ws))
        self.dependencies = list(Dependency.objects.filter(workspace=ws))
        self.check_ins = {
            (c.key_result_id, c.at): c for c in CheckIn.objects.filter(key_result__workspace=ws)
        }
        self.kpi_values = {(v.kpi_id, v.at): v for v in KPIValue.objects.filter(kpi__workspace=ws)}
        for user in self.users.values():
            self.remember("user", user.pk, user.username)
        for kind, rows in (
            ("team", self.teams),
            ("cycle", self.cycles),
            ("kpi", self.kpis),
            ("objective", self.objectives),
            ("key_result", self.key_results),
        ):
            for row in rows.values():
                self.remember(kind, row.pk, row.key)
        self.closed_before = {c.pk for c in self.cycles.values() if c.is_closed}

    def count(self, kind: str, created: int, updated: int) -> None:
        if created:
            self.result.created[kind] += created
        if updated:
            self.result.updated[kind] += updated

    def remember(self, kind: str, pk: int, name: str) -> None:
        self.names[kind][pk] = name
        self.ids[kind][name] = pk

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
            kr.key: self.names["objective"].get(kr.objective_id) for kr in self.key_results.values()
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
        parents = {key: self.names[kind].get(row.parent_id) for key, row in rows.items()}
        parents.update({item["key"]: item["parent"] for item in items})
        for item in items:
            seen = {item["key"]}
            parent = item["parent"]
            while parent is not None:
                if parent in seen:
                    self.source.problem(
                        item.at("parent"), f"would make the {kind} its own ancestor"
                    )
                    break
                seen.add(parent)
                parent = parents.get(parent)

    # Comparing and history -------------------------------------------------------------------

    def show(self, target: str | None, value: Any) -> Any:
        if target is not None and value is not None:
            return self.names[target].get(value, value)
        return plain(value)

    def assign(
        self, obj: models.Model, values: dict[str, Any], refs: dict[str, str]
    ) -> dict[str, list[Any]]:
        """Set `values` (references as ids) on `obj`; return {field: [old, new]} that changed."""
        changes: dict[str, list[Any]] = {}
        for name, new in values.items():
            attname = f"{name}_id" if name in refs else name
            old = getattr(obj, attname)
            if old != new:
                target = refs.get(name)
                changes[name] = [self.show(target, old), self.show(target, new)]
                setattr(obj, attname, new)
        return changes

    def context(self, kind: str, obj: Any) -> dict[str, int | None]:
        if kind == "objective":
            return {"objective_id": obj.pk, "team_id": obj.team_id}
        if kind in {"key_result", "initiative"}:
            return {"objective_id": obj.objective_id, "team_id": self.team_of[obj.objective_id]}
        if kind == "team":
            return {"objective_id": None, "team_id": obj.pk}
        if kind == "kpi":
            return {"objective_id": None, "team_id": obj.team_id}
        return {}

    def created(self, kind: str, obj: Any, values: dict[str, Any]) -> None:
        refs = REFS.get(kind, {})
        changes = {name: self.show(refs.get(name), value) for name, value in values.items()}
        self.add_event("created", kind, obj, changes)
        self.count(kind, 1, 0)

    def updated(self, kind: str, obj: Any, changes: dict[str, Any]) -> None:
        self.add_event("updated", kind, obj, changes)
        self.count(kind, 0, 1)

    def add_event(self, verb: str, kind: str, obj: Any, changes: dict[str, Any]) -> None:
        self.events.append(
            event(
                self.workspace,
                actor=self.actor,
                verb=verb,
                subject=obj,
                changes=changes,
                summary=str(obj),
                via=VIA,
                **self.context(kind, obj),
            )
        )

    def ref(self, kind: str, name: str | None) -> int | None:
        return None if name is None else self.ids[kind][name]

    def sync(
        self,
        model: type[M],
        kind: str,
        items: Sequence[tuple[Item, dict[str, Any]]],
        rows: dict[str, M],
        *,
        later: Sequence[str] = (),
        locked: Any = None,
    ) -> list[Synced]:
        """Create or update rows of `model` from (item, values) pairs, matched by key.

        Fields in `later` (a parent in the same table) are left out here, for `finish` to set
        once every row exists. `locked(item, row, changes)` may report a problem for a change
        that is not allowed (closed cycles); `row` is None for a new one.
        """
        refs = REFS.get(kind, {})
        new: list[M] = []
        changed: list[M] = []
        fields: set[str] = set()
        out = []
        for item, values in items:
            now = {n: v for n, v in values.items() if n not in later}
            row = rows.get(item["key"])
            if row is None:
                attrs = {(f"{n}_id" if n in refs else n): v for n, v in now.items()}
                row = model(workspace=self.workspace, key=item["key"], **attrs)
                new.append(row)
                changes = dict(now)
                if locked:
                    locked(item, None, changes)
                out.append(Synced(item, row, changes, new=True))
                continue
            changes = self.assign(row, now, refs)
            if changes:
                if locked:
                    locked(item, row, changes)
                changed.append(row)
                fields.update(f"{n}_id" if n in refs else n for n in changes)
            out.append(Synced(item, row, changes))
        model._default_manager.bulk_create(new, batch_size=BATCH)
        self.bulk_update(model, changed, fields)
        for row in new:
            rows[row.key] = row  # type: ignore[attr-defined]
            self.remember(kind, row.pk, row.key)  # type: ignore[attr-defined]
        return out

    def bulk_update(self, model: type[models.Model], rows: list[Any], fields: set[str]) -> None:
        if not rows:
            return
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            for row in rows:
                row.updated_at = self.now
            fields = fields | {"updated_at"}
        model._default_manager.bulk_update(rows, sorted(fields), batch_size=BATCH)

    def finish(
        self,
        kind: str,
        synced: list[Synced],
        late: dict[str, Callable[[Item], int | None]] | None = None,
        model: type[models.Model] | None = None,
        locked: Callable[[Item, Any, dict[str, Any]], None] | None = None,
    ) -> None:
        """Set the late fields (parents), save them, and record created/updated events."""
        refs = REFS.get(kind, {})
        late_rows = []
        for one in synced:
            extra = {name: value(one.item) for name, value in (late or {}).items()}
            late_changes = self.assign(one.row, extra, refs)
            if late_changes:
                late_rows.append(one.row)
                if locked and not one.new:
                    locked(one.item, one.row, late_changes)
            if one.new:
                self.created(kind, one.row, {**one.changes, **extra})
            elif one.changes or late_changes:
                self.updated(kind, one.row, {**one.changes, **late_changes})
        if late and model is not None:
            self.bulk_update(model, late_rows, {f"{n}_id" for n in late})

    # Each model ------------------------------------------------------------------------------

    def write_users(self) -> None:
        new_users, changed_users = [], []
        for item in self.plan.users:
            values = {"name": item["name"], "email": item["email"]}
            user = self.users.get(item["username"])
            if user is not None and (user.pk in self.shared_users or not item["member"]):
                continue  # check_users made sure the plan does not change them; non-members
                # are only referred to (created when missing, never changed)
            if user is None:
                user = User(username=item["username"], **values)
                user.set_unusable_password()
                new_users.append(user)
            elif self.assign(user, values, {}):
                changed_users.append(user)
        User.objects.bulk_create(new_users, batch_size=BATCH)
        if changed_users:
            User.objects.bulk_update(changed_users, ["name", "email"], batch_size=BATCH)
        for user in new_users:
            self.users[user.username] = user
            self.remember("user", user.pk, user.username)
        self.count("user", len(new_users), len(changed_users))
        new_members, changed_members = [], []
        for item in self.plan.users:
            if not item["member"]:
                continue  # not made a member; a membership the workspace has stays (no deletes)
            user = self.users[item["username"]]
            membership = self.memberships.get(user.username)
            if membership is None:
                membership = Membership(workspace=self.workspace, user=user, role=item["role"])
                new_members.append(membership)
                self.member_event("joined", user, {"role": item["role"]})
            elif membership.role != item["role"]:
                self.member_event("updated", user, {"role": [membership.role, item["role"]]})
                membership.role = item["role"]
                changed_members.append(membership)
        Membership.objects.bulk_create(new_members, batch_size=BATCH)
        if changed_members:
            Membership.objects.bulk_update(changed_members, ["role"], batch_size=BATCH)
        self.count("membership", len(new_members), len(changed_members))

    def member_event(self, verb: str, user: User, changes: dict[str, Any]) -> None:
        created = event(
            self.workspace,
            actor=self.actor,
            verb=verb,
            subject=user,
            changes=changes,
            summary=user.display_name,
            via=VIA,
        )
        created.subject_type = "member"
        created.subject_key = user.username
        self.events.append(created)

    def write_teams(self) -> None:
        items = [
            (t, {"name": t["name"], "kind": t["kind"], "lead": self.ref("user", t["lead"])})
            for t in self.plan.teams
        ]
        synced = self.sync(Team, "team", items, self.teams, later=["parent"])
        through = Team.members.through
        add, remove = [], []
        for one in synced:
            current = self.team_members[one.row.pk]
            wanted = {self.users[u].pk for u in one.item["members"]}
            if set(current) == wanted:
                continue
            add += [through(team_id=one.row.pk, user_id=u) for u in wanted - set(current)]
            remove += [row_id for u, row_id in current.items() if u not in wanted]
            before = sorted(self.names["user"].get(u, str(u)) for u in current)
            after = sorted(one.item["members"])
            one.changes["members"] = after if one.new else [before, after]
        through.objects.bulk_create(add, batch_size=BATCH)
        if remove:
            through.objects.filter(id__in=remove).delete()
        self.finish("team", synced, {"parent": lambda t: self.ref("team", t["parent"])}, Team)

    def write_cycles(self) -> None:
        items = []
        self.to_close: list[Cycle] = []
        for c in self.plan.cycles:
            state = c["state"]
            row = self.cycles.get(c["key"])
            closing = state == CycleState.CLOSED.value and (row is None or not row.is_closed)
            if closing:
                # Written open, closed once everything is in: close_cycle freezes its figures.
                state = row.state if row is not None else CycleState.ACTIVE.value
            values = {"name": c["name"], "start": c["start"], "end": c["end"], "state": state}
            items.append((c, values))

        def locked(item: Item, row: Cycle | None, changes: dict[str, Any]) -> None:
            if row is None or row.pk not in self.closed_before:
                return
            if "state" in changes:
                row.frozen_figures = None  # reopened: its figures are live again
            elif set(changes) - {"name"}:
                self.closed_problem(item.at(sorted(set(changes) - {"name"})[0]), row.key)

        synced = self.sync(Cycle, "cycle", items, self.cycles, locked=locked)
        reopened = [
            one.row
            for one in synced
            if not one.new and "state" in one.changes and one.row.pk in self.closed_before
        ]
        if reopened:
            Cycle.objects.bulk_update(reopened, ["frozen_figures"])
        self.finish("cycle", synced)
        for one in synced:
            if one.item["state"] == CycleState.CLOSED.value and not one.row.is_closed:
                self.to_close.append(one.row)
        self.locked_cycles = {
            row.pk for row in self.cycles.values() if row.is_closed and row.pk in self.closed_before
        }

    def closed_problem(self, path: Path, cycle_key: str) -> None:
        self.source.problem(
            path,
            f"cycle {cycle_key!r} is closed: its scores are final. "
            "Reopen it (state: active) to change what it holds",
        )

    def write_kpis(self) -> None:
        names = [
            "name", "description", "unit", "direction", "target", "green", "red", "low",
            "high", "tolerance", "cadence", "category", "indicator", "benchmark",
        ]  # fmt: skip
        items = [
            (
                k,
                {
                    **{n: k[n] for n in names},
                    "owner": self.ref("user", k["owner"]),
                    "team": self.ref("team", k["team"]),
                },
            )
            for k in self.plan.kpis
        ]
        self.finish("kpi", self.sync(KPI, "kpi", items, self.kpis))

    def write_objectives(self) -> None:
        items = [
            (
                o,
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
            )
            for o in self.plan.objectives
        ]
        # An objective in a cycle closed before this import may not change, nor move out of it.
        old_cycle = {row.key: row.cycle_id for row in self.objectives.values()}

        def locked(item: Item, row: Objective | None, changes: dict[str, Any]) -> None:
            # The retrospective is written at review, once the cycle is closed (as on the page).
            changed = set(changes) - {"retrospective", "carried_over"}
            for cycle_id in {old_cycle.get(item["key"]), self.ids["cycle"][item["cycle"]]}:
                if cycle_id in self.locked_cycles and changed:
                    self.closed_problem(item.path, self.names["cycle"][cycle_id])
                    return

        synced = self.sync(
            Objective,
            "objective",
            items,
            self.objectives,
            later=["parent", "carried_from"],
            locked=locked,
        )
        self.team_of = {row.pk: row.team_id for row in self.objectives.values()}
        self.cycle_of = {row.pk: row.cycle_id for row in self.objectives.values()}
        parent = {
            "parent": lambda o: self.ref("objective", o["parent"]),
            "carried_from": lambda o: self.ref("objective", o["carried_from"]),
        }
        self.finish("objective", synced, parent, Objective, locked=locked)

    def write_key_results(self) -> None:
        items = []
        old_objective = {row.key: row.objective_id for row in self.key_results.values()}
        for objective, kr in self.plan.key_results():
            position = kr.path[-1]
            items.append(
                (
                    kr,
                    {
                        "objective": self.ids["objective"][objective["key"]],
                        "title": kr["title"],
                        "metric": kr["metric"],
                        "unit": kr["unit"],
                        "start": kr["start"],
                        "target": kr["target"],
                        "direction": kr["direction"],
                        "weight": kr["weight"],
                        "owner": self.ref("user", kr["owner"]),
                        "kpi": self.ref("kpi", kr["kpi"]),
                        "position": position,
                    },
                )
            )

        def locked(item: Item, row: KeyResult | None, changes: dict[str, Any]) -> None:
            objective_ids = {old_objective.get(item["key"]), changes.get("objective")}
            objective_ids |= {row.objective_id} if row is not None else set()
            for objective_id in objective_ids - {None}:
                cycle_id = self.cycle_of.get(objective_id)  # type: ignore[arg-type]
                if cycle_id in self.locked_cycles:
                    self.closed_problem(item.path, self.names["cycle"][cycle_id])
                    return

        synced = self.sync(KeyResult, "key_result", items, self.key_results, locked=locked)
        self.finish("key_result", synced)

    def write_check_ins(self) -> None:
        new: list[CheckIn] = []
        changed: list[CheckIn] = []
        fields: set[str] = set()
        per_kr: dict[int, Counter[str]] = defaultdict(Counter)
        for _, kr_item in self.plan.key_results():
            kr = self.key_results[kr_item["key"]]
            locked = self.cycle_of[kr.objective_id] in self.locked_cycles
            for item in kr_item.children["check_ins"]:
                values = {
                    "value": item["value"],
                    "confidence": item["confidence"],
                    "note": item["note"],
                    "blockers": item["blockers"],
                    "author": self.ref("user", item["author"]),
                }
                row = self.check_ins.get((kr.pk, item["at"]))
                if row is None:
                    row = CheckIn(
                        key_result_id=kr.pk,
                        at=item["at"],
                        **{("author_id" if n == "author" else n): v for n, v in values.items()},
                    )
                    new.append(row)
                    per_kr[kr.pk]["created"] += 1
                else:
                    changes = self.assign(row, values, REFS["check_in"])
                    if not changes:
                        continue
                    changed.append(row)
                    fields.update("author_id" if n == "author" else n for n in changes)
                    per_kr[kr.pk]["updated"] += 1
                if locked:
                    self.closed_problem(
                        item.path, self.names["cycle"][self.cycle_of[kr.objective_id]]
                    )
        self.source.check()
        CheckIn.objects.bulk_create(new, batch_size=BATCH)
        self.bulk_update(CheckIn, changed, fields)
        krs = {kr.pk: kr for kr in self.key_results.values()}
        for kr_id, counts in per_kr.items():
            kr = krs[kr_id]
            self.readings_event("check_ins_recorded", "key_result", kr, counts)
        self.count("check_in", len(new), len(changed))

    def readings_event(self, verb: str, kind: str, subject: Any, counts: Counter[str]) -> None:
        """One event per key result or KPI for a batch of readings, as KPI ingestion does."""
        self.events.append(
            event(
                self.workspace,
                actor=self.actor,
                verb=verb,
                subject=subject,
                changes={"created": counts["created"], "updated": counts["updated"]},
                summary=f"{subject}: {counts['created']} new, {counts['updated']} changed",
                via=VIA,
                **self.context(kind, subject),
            )
        )

    def write_kpi_values(self) -> None:
        new: list[KPIValue] = []
        changed: list[KPIValue] = []
        fields: set[str] = set()
        per_kpi: dict[int, Counter[str]] = defaultdict(Counter)
        for kpi_item in self.plan.kpis:
            kpi = self.kpis[kpi_item["key"]]
            for item in kpi_item.children["values"]:
                values = {"value": item["value"], "note": item["note"], "source": item["source"]}
                # Who recorded it: the file's (a backup), else whoever runs the import.
                recorded_by = self.ref("user", item["recorded_by"]) or (
                    self.actor.pk if self.actor is not None else None
                )
                row = self.kpi_values.get((kpi.pk, item["at"]))
                if row is None:
                    new.append(
                        KPIValue(
                            kpi_id=kpi.pk,
                            at=item["at"],
                            recorded_by_id=recorded_by,
                            recorded_at=self.now,
                            **values,
                        )
                    )
                    per_kpi[kpi.pk]["created"] += 1
                else:
                    changes = self.assign(row, values, {})
                    if not changes:
                        continue
                    row.recorded_by_id = recorded_by
                    row.recorded_at = self.now
                    changed.append(row)
                    fields.update(changes)
                    per_kpi[kpi.pk]["updated"] += 1
        KPIValue.objects.bulk_create(new, batch_size=BATCH)
        if changed:
            fields |= {"recorded_by", "recorded_at"}
            KPIValue.objects.bulk_update(changed, sorted(fields), batch_size=BATCH)
        kpis = {kpi.pk: kpi for kpi in self.kpis.values()}
        for kpi_id, counts in per_kpi.items():
            self.readings_event("values_recorded", "kpi", kpis[kpi_id], counts)
        self.count("kpi_value", len(new), len(changed))

    def write_initiatives(self) -> None:
        items = [
            (
                i,
                {
                    "title": i["title"],
                    "owner": self.ref("user", i["owner"]),
                    "status": i["status"],
                    "due": i["due"],
                    "objective": self.ids["objective"][o["key"]],
                    "key_result": self.ref("key_result", i["key_result"]),
                },
            )
            for o in self.plan.objectives
            for i in o.children["initiatives"]
        ]
        self.finish("initiative", self.sync(Initiative, "initiative", items, self.initiatives))

    def write_dependencies(self) -> None:
        existing = {
            (
                d.objective_id,
                d.key_result_id,
                d.depends_on_objective_id,
                d.depends_on_key_result_id,
            ): d
            for d in self.dependencies
        }
        self.objective_of_kr = {kr.pk: kr.objective_id for kr in self.key_results.values()}
        new, changed = [], []
        for item in self.plan.dependencies:
            ids = (
                self.ref("objective", item["objective"]),
                self.ref("key_result", item["key_result"]),
                self.ref("objective", item["depends_on_objective"]),
                self.ref("key_result", item["depends_on_key_result"]),
            )
            row = existing.get(ids)
            if row is None:
                row = Dependency(
                    workspace=self.workspace,
                    objective_id=ids[0],
                    key_result_id=ids[1],
                    depends_on_objective_id=ids[2],
                    depends_on_key_result_id=ids[3],
                    note=item["note"],
                )
                new.append((item, row))
                existing[ids] = row
            elif row.note != item["note"]:
                changes = {"note": [row.note, item["note"]]}
                row.note = item["note"]
                changed.append(row)
                self.dependency_event("updated", row, changes)
        Dependency.objects.bulk_create([row for _, row in new], batch_size=BATCH)
        self.bulk_update(Dependency, changed, {"note"})
        for item, row in new:
            self.dependency_event("created", row, {k: v for k, v in item.values.items() if v})
        self.count("dependency", len(new), len(changed))

    def write_history(self) -> None:
        """Add the events of the file's history that the workspace does not hold yet."""
        if not self.plan.history:
            return
        stored = set(
            Event.objects.filter(workspace=self.workspace).values_list(
                "at", "verb", "subject_type", "subject_key"
            )
        )
        actors = {name for e in self.plan.history if (name := e["actor"]) is not None}
        user_ids = {u.username: u.pk for u in self.users.values()}
        missing = actors - set(user_ids)
        # An actor may have left the workspace; one with no account here is kept as unknown.
        user_ids.update(User.objects.filter(username__in=missing).values_list("username", "id"))
        new = []
        for item in self.plan.history:
            if (item["at"], item["verb"], item["subject_type"], item["subject_key"]) in stored:
                continue
            new.append(
                Event(
                    workspace=self.workspace,
                    actor_id=user_ids.get(item["actor"]),
                    at=item["at"],
                    verb=item["verb"],
                    subject_type=item["subject_type"],
                    subject_key=item["subject_key"],
                    summary=item["summary"],
                    changes=item["changes"],
                    objective_id=self.ids["objective"].get(item["objective"]),
                    team_id=self.ids["team"].get(item["team"]),
                    via=item["via"],
                )
            )
        Event.objects.bulk_create(new, batch_size=BATCH)
        self.count("event", len(new), 0)

    def dependency_event(self, verb: str, row: Dependency, changes: dict[str, Any]) -> None:
        objective_id = row.objective_id or self.objective_of_kr[row.key_result_id or 0]
        created = event(
            self.workspace,
            actor=self.actor,
            verb=verb,
            subject=row,
            changes=changes,
            summary=self.describe(row),
            via=VIA,
            objective_id=objective_id,
            team_id=self.team_of.get(objective_id),
        )
        self.events.append(created)

    def describe(self, row: Dependency) -> str:
        source = self.names["objective"].get(row.objective_id or 0) or self.names["key_result"].get(
            row.key_result_id or 0
        )
        target = self.names["objective"].get(row.depends_on_objective_id or 0) or self.names[
            "key_result"
        ].get(row.depends_on_key_result_id or 0)
        return f"{source} depends on {target}"
