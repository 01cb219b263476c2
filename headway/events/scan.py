"""The scan: the events the date causes rather than a write (docs/rhythm.md).

A periodic job (events.tasks) runs `scan` a few times an hour. For each workspace, on its own
"today" (the date in its time zone at the scan's moment), it records:

- `check_in.overdue`: the week's first reminder once the workspace's check-in day and hour
  have passed, the second after its grace, for each key result of a running cycle whose
  owner has not checked in on it that week (domain/rhythm.py);
- `key_result.status_changed` / `objective.status_changed`: a status moved by the date alone
  (the elapsed share of the cycle grows while the stored progress stays);
- `kpi.stale`, `initiative.overdue`, `dependency.at_risk`, `cycle.started`, `cycle.ending`.

Every run is idempotent: each event carries a once-only key, so a second run, or a second
worker running at the same moment, records nothing new (the unique constraint of
DomainEvent drops a repeat; keys already recorded are left out before recording, so a run
that finds nothing new sends nothing to the fan-out). Key results, objectives, KPIs,
initiatives and dependencies are read a chunk of ids at a time, a fixed number of queries a
chunk, each chunk in its own short transaction: what one run records stays recorded if a
later chunk fails, and the next run carries on. The writes of check-ins and KPI values
record their own events (status changes among them) in their transactions; this module
does not repeat them.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from headway.accounts.models import Workspace
from headway.domain.events import CYCLE_ENDING_DAYS, Kind, status_data
from headway.domain.kpi import fresh_since
from headway.domain.rhythm import first_due, local_date, reminder_due, week_label
from headway.domain.types import Cadence, CycleState, InitiativeStatus
from headway.events.actions import Happened, Subject, record, status_changes
from headway.events.models import DomainEvent
from headway.kpis.models import KPI
from headway.kpis.scoring import kpi_figures, with_latest
from headway.okrs.announce import dependencies_at_risk, kr_subject, objective_subject, owner_of
from headway.okrs.models import CheckIn, Cycle, Dependency, Initiative, KeyResult, Objective
from headway.okrs.scoring import figures_of

logger = logging.getLogger(__name__)

CHUNK = 400  # ids read, compared and recorded together

M = TypeVar("M", bound=models.Model)


def scan(now: datetime | None = None) -> Counter[str]:
    """Scan every workspace at `now` (the clock when None); answer how many events of each
    kind were recorded. A workspace that fails is logged and left for the next run; the
    others are scanned."""
    moment = now or timezone.now()
    recorded: Counter[str] = Counter()
    failed = 0
    for workspace in Workspace.objects.order_by("pk"):
        try:
            recorded += scan_workspace(workspace, moment)
        except Exception:
            failed += 1
            logger.exception("The scan of workspace %s failed", workspace.key)
    if failed:
        logger.error("The scan failed in %d workspaces; the next run tries them again", failed)
    return recorded


def scan_workspace(workspace: Workspace, now: datetime) -> Counter[str]:
    """Everything the date causes in one workspace at `now` (see the module docstring)."""
    today = local_date(now, workspace.timezone)
    cycles = list(Cycle.objects.filter(workspace=workspace).exclude(state=CycleState.CLOSED.value))
    running = [c for c in cycles if c.start <= today <= c.end]
    scanner = Scanner(workspace, now, today, running)
    scanner.cycles(cycles)
    if running:
        scanner.key_results()
        scanner.objectives()
        scanner.initiatives()
        scanner.dependencies()
    scanner.kpis()
    return scanner.recorded


def chunks(rows: QuerySet[M], size: int = CHUNK) -> Iterator[list[M]]:
    """The rows of `rows` a chunk at a time, by ascending id (one query a chunk: the next
    chunk starts after the last id seen, so rows added meanwhile are not read twice)."""
    last = 0
    while True:
        chunk = list(rows.filter(pk__gt=last).order_by("pk")[:size])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].pk


def stale_period(cadence: Cadence, day: date) -> str:
    """The reporting period of `day` for a KPI of `cadence`: a stale KPI is announced once in
    each period it stays stale."""
    if cadence is Cadence.DAILY:
        return day.isoformat()
    if cadence is Cadence.WEEKLY:
        return week_label(day)
    if cadence is Cadence.MONTHLY:
        return f"{day.year}-{day.month:02d}"
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


class Scanner:
    """One workspace's scan at one moment: each method scans one kind of object and records
    the events it finds."""

    def __init__(self, workspace: Workspace, now: datetime, today: date, running: list[Cycle]):
        self.workspace, self.now, self.today, self.running = workspace, now, today, running
        self.recorded: Counter[str] = Counter()

    def record(self, happened: Sequence[Happened]) -> None:
        """Record those of `happened` whose once-only key is new (two queries at most)."""
        keys = [h.once for h in happened if h.once]
        seen = set(
            DomainEvent.objects.filter(workspace=self.workspace, once__in=keys).values_list(
                "once", flat=True
            )
        )
        fresh = [h for h in happened if h.once not in seen]
        if fresh:
            record(self.workspace.pk, fresh, at=self.now)
            self.recorded.update(h.kind.value for h in fresh)

    def lock_running(self) -> None:
        """Lock the running cycles' rows as the check-in writes do (okrs.actions.ensure_open),
        so that a status is compared with the last one seen while no check-in moves it
        (PostgreSQL; on SQLite, BEGIN IMMEDIATE already serializes writers)."""
        list(
            Cycle.objects.select_for_update(no_key=True)
            .filter(pk__in=[c.pk for c in self.running])
            .order_by("pk")
            .values_list("pk")
        )

    def cycles(self, cycles: list[Cycle]) -> None:
        """cycle.started on its first day (or the week after, if no scan ran that day), and
        cycle.ending when CYCLE_ENDING_DAYS or fewer are left; each once per cycle."""
        happened = []
        for cycle in cycles:
            days_left = (cycle.end - self.today).days
            data = {"start": cycle.start.isoformat(), "end": cycle.end.isoformat()}
            subject = Subject("cycle", cycle.pk, cycle.key, cycle.name)
            if cycle.start <= self.today < cycle.start + timedelta(days=CYCLE_ENDING_DAYS):
                once = f"cycle.started:{cycle.pk}"
                data_started = {**data, "days_left": max(days_left, 0)}
                happened.append(Happened(Kind.CYCLE_STARTED, subject, data_started, once))
            if cycle.start <= self.today and 0 <= days_left <= CYCLE_ENDING_DAYS:
                once = f"cycle.ending:{cycle.pk}"
                happened.append(
                    Happened(Kind.CYCLE_ENDING, subject, {**data, "days_left": days_left}, once)
                )
        with transaction.atomic():
            self.record(happened)

    def key_results(self) -> None:
        """Status changes the date made, and the check-in reminders, a chunk at a time."""
        rows = (
            KeyResult.objects.filter(objective__cycle__in=self.running)
            .select_related("objective", "kpi")
            .order_by()
        )
        for chunk in chunks(rows):
            with transaction.atomic():
                self.lock_running()
                board = figures_of(
                    self.running, as_of=self.today, today=self.today, key_results=chunk
                )
                statuses = {kr.pk: f.status for kr, f in self.figures(chunk, board.key_results)}
                self.status_changed(Kind.KEY_RESULT_STATUS_CHANGED, statuses, chunk, kr_subject)
                self.remind(chunk)

    def figures(self, rows: Iterable[M], figures: dict[int, Any]) -> Iterator[tuple[M, Any]]:
        for row in rows:
            if (found := figures.get(row.pk)) is not None:
                yield row, found

    def status_changed(
        self,
        kind: Kind,
        statuses: dict[int, str | None],
        rows: Iterable[M],
        subject: Callable[[M], Subject],
    ) -> None:
        """Record `kind` for each row whose status differs from the last one seen (the first
        one seen is only remembered). The once-only key holds the day and the change, so two
        workers comparing at once record it once."""
        subject_type = "key_result" if kind is Kind.KEY_RESULT_STATUS_CHANGED else "objective"
        changes = status_changes(self.workspace.pk, subject_type, statuses)
        by_id = {row.pk: row for row in rows}
        self.record(
            [
                Happened(
                    kind,
                    subject(by_id[pk]),
                    status_data(before, after),
                    f"{kind.value}:{pk}:{self.today.isoformat()}:{before}>{after}",
                )
                for pk, (before, after) in sorted(changes.items())
            ]
        )

    def remind(self, krs: list[KeyResult]) -> None:
        """check_in.overdue for each of `krs` whose owner has not checked in this week once
        the workspace's check-in moment has passed (the second reminder after the grace).
        Left out: key results without an owner (nobody to remind), those added after the
        week's check-in moment (due from next week), and those following a KPI with a fresh
        value (the KPI keeps them current, as on My focus)."""
        tz = self.workspace.timezone
        reminder = reminder_due(self.now, tz, self.workspace.rhythm)
        since = first_due(reminder.week, self.workspace.rhythm, tz)
        candidates = [
            kr
            for kr in krs
            if owner_of(kr.owner_id, kr.objective) is not None and kr.created_at <= since
        ]
        fed = kpi_figures(
            {kr.kpi.pk: kr.kpi for kr in candidates if kr.kpi}.values(), as_of=self.today
        )
        candidates = [
            kr
            for kr in candidates
            if kr.kpi_id is None
            or (f := fed.get(kr.kpi_id)) is None
            or f.latest_value is None
            or f.stale
        ]
        week = reminder.week
        done = set(
            CheckIn.objects.filter(key_result__in=[kr.pk for kr in candidates])
            .filter(Q(at__gte=week.start) | Q(created_at__gte=week.begins))
            .values_list("key_result_id", flat=True)
        )
        data = {"week": week.label, "reminder": reminder.number}
        self.record(
            [
                Happened(
                    Kind.CHECK_IN_OVERDUE,
                    kr_subject(kr),
                    data,
                    f"check_in.overdue:{kr.pk}:{week.label}:{reminder.number}",
                )
                for kr in candidates
                if kr.pk not in done
            ]
        )

    def objectives(self) -> None:
        rows = Objective.objects.filter(cycle__in=self.running).order_by()
        for chunk in chunks(rows):
            with transaction.atomic():
                self.lock_running()
                board = figures_of(
                    self.running, as_of=self.today, today=self.today, objectives=chunk
                )
                statuses = {o.pk: f.status for o, f in self.figures(chunk, board.objectives)}
                self.status_changed(
                    Kind.OBJECTIVE_STATUS_CHANGED, statuses, chunk, objective_subject
                )

    def initiatives(self) -> None:
        """initiative.overdue: past its due date, neither done nor dropped; once per
        initiative and due date (a new due date that passes is announced again)."""
        rows = Initiative.objects.filter(
            objective__cycle__in=self.running,
            due__lt=self.today,
            status__in=[InitiativeStatus.TODO.value, InitiativeStatus.DOING.value],
        ).select_related("objective")
        for chunk in chunks(rows):
            happened = [
                Happened(
                    Kind.INITIATIVE_OVERDUE,
                    Subject(
                        "initiative",
                        i.pk,
                        i.key,
                        i.title,
                        objective_id=i.objective_id,
                        team_id=i.objective.team_id,
                        owner_id=owner_of(i.owner_id, i.objective),
                    ),
                    {"due": i.due.isoformat(), "status": i.status},
                    f"initiative.overdue:{i.pk}:{i.due.isoformat()}",
                )
                for i in chunk
                if i.due is not None
            ]
            with transaction.atomic():
                self.record(happened)

    def dependencies(self) -> None:
        """dependency.at_risk: what a dependency points at (an objective or a key result of a
        running cycle) is at risk or off track, and was not the last time it was seen for
        this dependency, or this dependency is seen for the first time. The status last seen
        is kept per dependency (LastSeen "dependency"), so it is announced again only after
        it recovered, or worsened from at risk to off track."""
        rows = (
            Dependency.objects.filter(workspace=self.workspace)
            .filter(
                Q(depends_on_objective__cycle__in=self.running)
                | Q(depends_on_key_result__objective__cycle__in=self.running)
            )
            .select_related(
                "objective",
                "key_result__objective",
                "depends_on_objective",
                "depends_on_key_result__objective",
            )
        )
        for chunk in chunks(rows):
            with transaction.atomic():
                self.lock_running()
                self.dependency_chunk(chunk)

    def dependency_chunk(self, chunk: list[Dependency]) -> None:
        board = figures_of(
            self.running,
            as_of=self.today,
            today=self.today,
            objectives=[d.depends_on_objective for d in chunk if d.depends_on_objective],
            key_results=[d.depends_on_key_result for d in chunk if d.depends_on_key_result],
        )
        statuses: dict[int, str | None] = {}
        for d in chunk:
            if d.depends_on_objective is not None:
                found = board.objectives.get(d.depends_on_objective.pk)
                statuses[d.pk] = found.status if found else None
            elif d.depends_on_key_result is not None:
                figures = board.key_results.get(d.depends_on_key_result.pk)
                statuses[d.pk] = figures.status if figures else None
        alarms = dependencies_at_risk(self.workspace.pk, statuses)
        alarming = [d for d in chunk if d.pk in alarms]
        self.record([self.dependency_at_risk(d, statuses[d.pk] or "") for d in alarming])

    def dependency_at_risk(self, dependency: Dependency, status: str) -> Happened:
        source = dependency.objective or dependency.key_result
        target = dependency.depends_on_objective or dependency.depends_on_key_result
        assert source is not None  # the model's check constraints
        assert target is not None
        if isinstance(source, KeyResult):
            objective, owner_id = source.objective, owner_of(source.owner_id, source.objective)
        else:
            objective, owner_id = source, source.owner_id
        target_type = "objective" if isinstance(target, Objective) else "key_result"
        return Happened(
            Kind.DEPENDENCY_AT_RISK,
            Subject(
                "dependency",
                dependency.pk,
                source.key,
                f"{source.title} depends on {target.title}",
                objective_id=objective.pk,
                team_id=objective.team_id,
                owner_id=owner_id,
            ),
            {"depends_on_type": target_type, "depends_on_key": target.key, "status": status},
            f"dependency.at_risk:{dependency.pk}:{self.today.isoformat()}:{status}",
        )

    def kpis(self) -> None:
        """kpi.stale: its latest value is more than two periods of its cadence old (a KPI
        without a value is not stale: domain/kpi.py is_stale); once per KPI and period."""
        stale = Q()
        for cadence in Cadence:
            since = fresh_since(cadence, as_of=self.today)
            stale |= Q(cadence=cadence.value, latest_at__lt=since)
        rows = with_latest(KPI.objects.filter(workspace=self.workspace), as_of=self.today)
        for chunk in chunks(rows.filter(stale)):
            happened = [
                Happened(
                    Kind.KPI_STALE,
                    Subject("kpi", k.pk, k.key, k.name, team_id=k.team_id, owner_id=k.owner_id),
                    {
                        # chunks() keeps the rows' annotations, not their type's
                        "last_at": str(k.latest_at),  # type: ignore[attr-defined]
                        "cadence": k.cadence,
                    },
                    f"kpi.stale:{k.pk}:{stale_period(Cadence(k.cadence), self.today)}",
                )
                for k in chunk
            ]
            with transaction.atomic():
                self.record(happened)
