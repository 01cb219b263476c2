"""The events that changes of stored figures make (docs/notifications.md): a key result or an
objective reaching a milestone, an objective achieved, a status that changed. okrs.figures
calls `announce` with what a refresh changed, in the write's transaction, so an event exists
exactly when its change does; `once` keys keep a milestone from being announced twice.

Bulk refreshes (a plan import, `figures --repair`) announce nothing: they restore a state, they
are not news. Statuses are announced only while their cycle runs (today between its start and
end); the daily scan announces those that change with the date alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from headway.core.timeutil import today_in
from headway.domain.blockers import is_help_request
from headway.domain.events import Kind, milestones_crossed, status_data, worsened
from headway.domain.numbers import dec
from headway.domain.status import LOW_CONFIDENCE, elapsed_fraction, kr_status, objective_status
from headway.domain.types import Direction, Status
from headway.events.actions import Happened, Subject, record, seen_before, status_changes
from headway.okrs.models import CheckIn, Cycle, Dependency, KeyResult, Objective

AT_RISK = (Status.AT_RISK.value, Status.OFF_TRACK.value)  # what makes a dependency at risk
Figures = tuple[float, int | None]  # a key result's stored progress and confidence
Pair = tuple[str | None, str | None]  # a status before and after


@dataclass
class Moved:
    """What a refresh changed, before and after: each key result's (progress, confidence) and
    each objective's progress, by id."""

    key_results: dict[int, tuple[Figures, Figures]] = field(default_factory=dict)
    objectives: dict[int, tuple[float | None, float | None]] = field(default_factory=dict)


@dataclass
class News:
    """The events found so far, per workspace, and the statuses to compare with the last seen."""

    events: dict[int, list[Happened]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[tuple[int, str], dict[int, Pair]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    subjects: dict[tuple[str, int], Subject] = field(default_factory=dict)


def announce(moved: Moved, *, actor_id: int | None) -> None:
    """Record the milestone, achievement and status events of `moved` (a few queries)."""
    if not moved.key_results and not moved.objectives:
        return
    news = News()
    krs = KeyResult.objects.filter(pk__in=list(moved.key_results)).select_related(
        "objective__cycle__workspace"
    )
    for kr in krs:
        key_result_news(news, kr, *moved.key_results[kr.pk])
    objectives = Objective.objects.filter(pk__in=list(moved.objectives)).select_related(
        "cycle__workspace"
    )
    for objective in objectives:
        objective_news(news, objective, *moved.objectives[objective.pk])
    for (workspace_id, kind), pairs in news.statuses.items():
        changes = status_changes(
            workspace_id,
            kind,
            {pk: after for pk, (_, after) in pairs.items()},
            previously={pk: before for pk, (before, _) in pairs.items()},
        )
        news.events[workspace_id].extend(
            status_event(news.subjects[(kind, pk)], was, now) for pk, (was, now) in changes.items()
        )
        news.events[workspace_id].extend(dependency_news(kind, changes))
    for workspace_id, events in news.events.items():
        record(workspace_id, events, actor_id=actor_id)


def dependency_news(kind: str, changes: Mapping[int, tuple[str, str]]) -> list[Happened]:
    """dependency.at_risk for the dependencies on the key results or objectives whose status
    changed (`changes`, by id), by the rule of `dependencies_at_risk`; the dependent's owner
    hears it. One query to find them, none when no status changed."""
    if not changes:
        return []
    field = "depends_on_key_result_id" if kind == "key_result" else "depends_on_objective_id"
    dependencies = list(
        Dependency.objects.filter(**{f"{field}__in": list(changes)}).select_related(
            "objective", "key_result__objective", "depends_on_objective", "depends_on_key_result"
        )
    )
    if not dependencies:
        return []
    statuses: dict[int, str | None] = {d.pk: changes[getattr(d, field)][1] for d in dependencies}
    alarms = dependencies_at_risk(dependencies[0].workspace_id, statuses)
    return [dependency_event(d, statuses[d.pk] or "") for d in dependencies if d.pk in alarms]


def dependencies_at_risk(workspace_id: int, statuses: Mapping[int, str | None]) -> set[int]:
    """Of these dependencies (by id, with the status of what each depends on), those to
    announce: what they depend on is at risk or off track, and was not when this dependency
    was last seen, or it is seen for the first time. The status seen is remembered per
    dependency (LastSeen "dependency"), so the writes and the daily scan announce each
    change once: again only after a recovery, or from at risk to off track."""
    known = seen_before(workspace_id, "dependency", statuses)
    changes = status_changes(workspace_id, "dependency", statuses)
    return {
        pk
        for pk, status in statuses.items()
        if status in AT_RISK and (pk not in known or (pk in changes and worsened(*changes[pk])))
    }


def dependency_event(dependency: Dependency, status: str) -> Happened:
    kr = dependency.key_result
    objective = kr.objective if kr is not None else dependency.objective
    assert objective is not None  # a dependency has exactly one dependent (a check constraint)
    depended = dependency.depends_on_key_result or dependency.depends_on_objective
    assert depended is not None
    dependent_key = kr.key if kr is not None else objective.key
    subject = Subject(
        "dependency",
        dependency.pk,
        dependent_key,
        f"{kr.title if kr is not None else objective.title} depends on {depended.title}",
        objective_id=objective.pk,
        team_id=objective.team_id,
        owner_id=owner_of(kr.owner_id if kr is not None else None, objective),
    )
    data = {
        "depends_on_type": "key_result" if dependency.depends_on_key_result else "objective",
        "depends_on_key": depended.key,
        "status": status,
    }
    return Happened(Kind.DEPENDENCY_AT_RISK, subject, data)


def key_result_news(news: News, kr: KeyResult, before: Figures, after: Figures) -> None:
    objective = kr.objective
    subject = kr_subject(kr)
    news.subjects[("key_result", kr.pk)] = subject
    news.events[kr.workspace_id].extend(
        milestone(Kind.KEY_RESULT_MILESTONE, subject, m, after[0])
        for m in milestones_crossed(dec(before[0]), dec(after[0]))
    )
    elapsed = elapsed_today(objective.cycle)
    if elapsed is None:
        return
    direction = Direction(kr.direction)

    def status(figures: Figures) -> str:
        progress = Decimal(str(figures[0]))
        return kr_status(direction, progress, elapsed=elapsed, confidence=figures[1]).value

    news.statuses[(kr.workspace_id, "key_result")][kr.pk] = (status(before), status(after))


def objective_news(
    news: News, objective: Objective, before: float | None, after: float | None
) -> None:
    subject = objective_subject(objective)
    news.subjects[("objective", objective.pk)] = subject
    events = news.events[objective.workspace_id]
    crossed = milestones_crossed(dec(before), dec(after))
    events.extend(milestone(Kind.OBJECTIVE_MILESTONE, subject, m, after) for m in crossed)
    if 100 in crossed:
        once = f"objective.achieved:{objective.pk}"
        events.append(Happened(Kind.OBJECTIVE_ACHIEVED, subject, {"progress": after}, once=once))
    elapsed = elapsed_today(objective.cycle)
    if elapsed is None:
        return

    def status(progress: float | None) -> str | None:
        found = objective_status(dec(progress), elapsed=elapsed)
        return None if found is None else found.value

    news.statuses[(objective.workspace_id, "objective")][objective.pk] = (
        status(before),
        status(after),
    )


def announce_check_in(kr: KeyResult, check_in: CheckIn, *, actor_id: int | None) -> None:
    """A check-in with a confidence of 3 or lower, or one that asks for help, is news (once per
    key result and day: sending the same check-in again records nothing new)."""
    kinds = []
    if check_in.confidence <= LOW_CONFIDENCE:
        kinds.append(Kind.CHECK_IN_LOW_CONFIDENCE)
    if is_help_request(check_in.blockers):
        kinds.append(Kind.CHECK_IN_HELP_REQUESTED)
    if not kinds:
        return
    subject = kr_subject(kr)
    data = {
        "value": check_in.value,
        "confidence": check_in.confidence,
        "at": check_in.at.isoformat(),
        "blockers": check_in.blockers,
    }
    once = f"{kr.pk}:{check_in.at.isoformat()}"
    events = [Happened(kind, subject, data, once=f"{kind.value}:{once}") for kind in kinds]
    record(kr.workspace_id, events, actor_id=actor_id)


def announce_cycle(cycle: Cycle, kind: Kind, *, actor_id: int | None) -> None:
    """cycle.closed (and the scan's cycle.started / cycle.ending): news for the workspace."""
    subject = Subject("cycle", cycle.pk, cycle.key, cycle.name)
    data = {"start": cycle.start.isoformat(), "end": cycle.end.isoformat()}
    record(cycle.workspace_id, [Happened(kind, subject, data)], actor_id=actor_id)


def owner_of(owner_id: int | None, objective: Objective) -> int | None:
    """Who answers for a key result or an initiative: its owner, else its objective's."""
    return owner_id if owner_id is not None else objective.owner_id


def kr_subject(kr: KeyResult) -> Subject:
    return Subject(
        "key_result",
        kr.pk,
        kr.key,
        kr.title,
        objective_id=kr.objective_id,
        team_id=kr.objective.team_id,
        owner_id=owner_of(kr.owner_id, kr.objective),
    )


def objective_subject(objective: Objective) -> Subject:
    return Subject(
        "objective",
        objective.pk,
        objective.key,
        objective.title,
        objective_id=objective.pk,
        team_id=objective.team_id,
        owner_id=objective.owner_id,
    )


def milestone(kind: Kind, subject: Subject, percent: int, progress: float | None) -> Happened:
    """A milestone: once per key result or objective and milestone, even if progress dips and
    rises again."""
    data = {"milestone": percent, "progress": progress}
    return Happened(kind, subject, data, once=f"{kind.value}:{subject.id}:{percent}")


def status_event(subject: Subject, before: str, after: str) -> Happened:
    kind = (
        Kind.KEY_RESULT_STATUS_CHANGED
        if subject.type == "key_result"
        else Kind.OBJECTIVE_STATUS_CHANGED
    )
    return Happened(kind, subject, status_data(before, after))


def elapsed_today(cycle: Cycle) -> Decimal | None:
    """The elapsed share of `cycle` today in its workspace, while it runs; None before its
    start, after its end, or once it is closed (no status is news then)."""
    today = today_in(cycle.workspace.timezone)
    if cycle.is_closed or not cycle.start <= today <= cycle.end:
        return None
    return elapsed_fraction(cycle.start, cycle.end, as_of=today)
