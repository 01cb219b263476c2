"""kpi.status_changed (docs/notifications.md): a KPI value or a threshold edit that moves a KPI
between green, amber and red is news, recorded in the write's transaction. A KPI without data
has no status to announce; the plan import announces nothing (it restores a state)."""

from __future__ import annotations

from headway.core.timeutil import today_in
from headway.domain.events import Kind, status_data
from headway.domain.types import KPIStatus
from headway.events.actions import Happened, Subject, record, status_changes
from headway.kpis.models import KPI
from headway.kpis.scoring import kpi_figures


def status_today(kpi: KPI) -> str | None:
    """The KPI's status today in its workspace (one query); None without data."""
    status = kpi_figures([kpi], as_of=today_in(kpi.workspace.timezone))[kpi.pk].status
    return None if status == KPIStatus.NO_DATA.value else status


def announce_status(kpi: KPI, before: str | None, *, actor_id: int | None) -> None:
    """Record kpi.status_changed if the KPI's status today differs from the last one seen (or,
    for a KPI never seen, from `before`, its status before the write)."""
    changes = status_changes(
        kpi.workspace_id, "kpi", {kpi.pk: status_today(kpi)}, previously={kpi.pk: before}
    )
    if kpi.pk not in changes:
        return
    was, now = changes[kpi.pk]
    subject = Subject("kpi", kpi.pk, kpi.key, kpi.name, team_id=kpi.team_id, owner_id=kpi.owner_id)
    data = status_data(was, now)
    record(kpi.workspace_id, [Happened(Kind.KPI_STATUS_CHANGED, subject, data)], actor_id=actor_id)
