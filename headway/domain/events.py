"""Domain events: the names people subscribe to, and the rules that say when a change of a
figure is an event (a milestone crossed, a status that worsened). docs/notifications.md lists
who hears each one."""

from __future__ import annotations

from decimal import Decimal

from headway.domain.types import Choice, KPIStatus, Status


class Kind(Choice):
    """Every event kind, by the name the API, the webhooks and the preferences use."""

    KEY_RESULT_MILESTONE = "key_result.milestone"
    OBJECTIVE_MILESTONE = "objective.milestone"
    OBJECTIVE_ACHIEVED = "objective.achieved"
    OBJECTIVE_STATUS_CHANGED = "objective.status_changed"
    KEY_RESULT_STATUS_CHANGED = "key_result.status_changed"
    CHECK_IN_LOW_CONFIDENCE = "check_in.low_confidence"
    CHECK_IN_HELP_REQUESTED = "check_in.help_requested"
    CHECK_IN_OVERDUE = "check_in.overdue"
    KPI_STATUS_CHANGED = "kpi.status_changed"
    KPI_STALE = "kpi.stale"
    INITIATIVE_OVERDUE = "initiative.overdue"
    DEPENDENCY_AT_RISK = "dependency.at_risk"
    CYCLE_STARTED = "cycle.started"
    CYCLE_ENDING = "cycle.ending"
    CYCLE_CLOSED = "cycle.closed"

    @property
    def label(self) -> str:
        subject, _, what = self.value.partition(".")
        return f"{subject.replace('_', ' ').capitalize()}: {what.replace('_', ' ')}"


MILESTONES = (25, 50, 75, 100)  # per cent of progress; each announced once per key result
CYCLE_ENDING_DAYS = 7  # cycle.ending: this many days before the cycle's last day

# Better first: a status change to a later one worsened.
STATUS_ORDER = (Status.DONE, Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK)
KPI_ORDER = (KPIStatus.GREEN, KPIStatus.AMBER, KPIStatus.RED)


def milestones_crossed(before: Decimal | None, after: Decimal | None) -> list[int]:
    """The milestones (per cent) that progress reached going from `before` to `after`: those
    above `before` and at or under `after`. Nothing when progress went down or stayed."""
    low = before if before is not None else Decimal(-1)
    high = after if after is not None else Decimal(-1)
    return [m for m in MILESTONES if low < Decimal(m) / 100 <= high]


def worsened(before: str | None, after: str | None) -> bool:
    """Whether a status (of a key result, an objective or a KPI) got worse: done, on track, at
    risk, off track; green, amber, red. Leaving or reaching "no data" is not worse."""
    for order in (STATUS_ORDER, KPI_ORDER):
        ranks = {s.value: rank for rank, s in enumerate(order)}
        if before in ranks and after in ranks:
            return ranks[after] > ranks[before]
    return False


def status_data(before: str, after: str) -> dict[str, object]:
    """The `data` of a status change (of a key result, an objective or a KPI)."""
    return {"from": before, "to": after, "worsened": worsened(before, after)}
