"""Every change to KPIs and their values: definitions, and idempotent batch ingestion."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from headway.accounts.models import User, Workspace
from headway.core.errors import Invalid
from headway.core.timeutil import today_in
from headway.domain.bounds import check_number, check_reading_date
from headway.domain.kpi import validate_kpi
from headway.domain.types import RuleViolation
from headway.history.actions import delete_recorded, event, save_changed, save_created
from headway.kpis.models import KPI, KPIValue
from headway.kpis.scoring import kpi_input


def validate_kpi_row(kpi: KPI) -> None:
    if kpi.team is not None and kpi.team.workspace_id != kpi.workspace_id:
        raise Invalid("team", "unknown team")
    for name in ("target", "green", "red", "low", "high", "tolerance", "benchmark"):
        value = getattr(kpi, name)
        if value is not None and not math.isfinite(value):
            raise Invalid(name, "must be a finite number")
    try:
        check_number("benchmark", kpi.benchmark)
        validate_kpi(kpi_input(kpi))
    except RuleViolation as error:
        raise Invalid(error.field, error.reason) from error


@transaction.atomic
def create_kpi(workspace: Workspace, *, actor: User | None, via: str = "", **fields: Any) -> KPI:
    kpi = KPI(workspace=workspace, **fields)
    validate_kpi_row(kpi)
    save_created(kpi, actor=actor, via=via)
    return kpi


@transaction.atomic
def update_kpi(kpi: KPI, *, actor: User | None, via: str = "", **fields: Any) -> KPI:
    save_changed(kpi, fields, actor=actor, via=via)
    validate_kpi_row(kpi)
    return kpi


@transaction.atomic
def delete_kpi(kpi: KPI, *, actor: User | None, via: str = "") -> None:
    delete_recorded(kpi, actor=actor, via=via)


class ValueIn(NamedTuple):
    """One value to record. A named tuple: batches hold up to 10,000 of them."""

    at: date
    value: float
    note: str = ""


@dataclass(frozen=True, slots=True)
class IngestResult:
    created: int
    updated: int


def validate_values(values: Sequence[ValueIn], *, today: date) -> None:
    """Reject the whole batch on the first bad item, naming its index and field.

    A value is a number of size at most 1e15, dated 2000-01-01 or later and not after `today`
    (today in the workspace's time zone).
    """
    for index, item in enumerate(values):
        if isinstance(item.value, bool) or not math.isfinite(item.value):
            raise Invalid(f"[{index}].value", "must be a finite number")
        try:
            check_number(f"[{index}].value", item.value)
            check_reading_date(item.at, today=today, field=f"[{index}].at")
        except RuleViolation as error:
            raise Invalid(error.field, error.reason) from error


def write_values(
    kpi: KPI,
    new_rows: Sequence[ValueIn],
    changed_rows: Sequence[ValueIn],
    *,
    actor: User | None,
    source: str,
) -> None:
    """Insert new values and overwrite changed ones with one `executemany` each.

    This is the ingestion hot path (up to 10,000 rows a request): building a model instance
    per row and letting bulk_create compile multi-row SQL costs several times the insert
    itself, so rows go to the driver as plain tuples, adapted once per column type.
    """
    ops = connection.ops
    meta = KPIValue._meta
    quote = ops.quote_name
    table = quote(meta.db_table)
    fields = {field.name: field for field in meta.concrete_fields}
    column = {name: quote(fields[name].column) for name in COLUMNS}
    stamp = ops.adapt_datetimefield_value(timezone.now())
    actor_id = actor.pk if actor is not None else None
    with connection.cursor() as cursor:
        if new_rows:
            names = ", ".join(column[name] for name in COLUMNS)
            cursor.executemany(
                # Only quoted model metadata is formatted in; every value is a parameter.
                f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(COLUMNS))})",  # noqa: S608
                [
                    (
                        kpi.pk,
                        ops.adapt_datefield_value(v.at),
                        v.value,
                        v.note,
                        source,
                        actor_id,
                        stamp,
                    )
                    for v in new_rows
                ],
            )
        if changed_rows:
            assignments = ", ".join(f"{column[name]} = %s" for name in COLUMNS[2:])
            cursor.executemany(
                f"UPDATE {table} SET {assignments} "  # noqa: S608
                f"WHERE {column['kpi']} = %s AND {column['at']} = %s",
                [
                    (
                        v.value,
                        v.note,
                        source,
                        actor_id,
                        stamp,
                        kpi.pk,
                        ops.adapt_datefield_value(v.at),
                    )
                    for v in changed_rows
                ],
            )


COLUMNS = ("kpi", "at", "value", "note", "source", "recorded_by", "recorded_at")


@transaction.atomic
def record_kpi_values(
    kpi: KPI,
    values: Sequence[ValueIn],
    *,
    actor: User | None,
    source: str = "",
    via: str = "",
) -> IngestResult:
    """Upsert values by (KPI, date) in one transaction; answer how many were new or changed.

    Writing the same batch twice stores nothing new: identical values are left alone, and
    only rows that really change are updated and recorded in the history. Within a batch the
    last item for a date wins.
    """
    validate_values(values, today=today_in(kpi.workspace.timezone))
    latest: dict[date, ValueIn] = {item.at: item for item in values}
    if not latest:
        return IngestResult(created=0, updated=0)
    # Lock the KPI row so concurrent batches for one KPI serialize on PostgreSQL (SQLite's
    # BEGIN IMMEDIATE already serializes writers).
    KPI.objects.select_for_update().filter(pk=kpi.pk).first()
    # One range query (two parameters) instead of `at IN (...)` with up to 10,000 of them.
    existing = {
        at: (value, note)
        for at, value, note in KPIValue.objects.filter(
            kpi=kpi, at__gte=min(latest), at__lte=max(latest)
        ).values_list("at", "value", "note")
    }
    new_rows: list[ValueIn] = []
    changed_rows: list[ValueIn] = []
    for at, item in latest.items():
        if at not in existing:
            new_rows.append(item)
        elif existing[at] != (item.value, item.note):
            changed_rows.append(item)
    write_values(kpi, new_rows, changed_rows, actor=actor, source=source)
    if new_rows or changed_rows:
        changes: dict[str, Any] = {
            "created": len(new_rows),
            "updated": len(changed_rows),
            # Replaced values keep their previous figure here, so nothing is lost silently.
            "replaced": {
                row.at.isoformat(): [existing[row.at][0], row.value] for row in changed_rows[:500]
            },
        }
        event(
            kpi.workspace,
            actor=actor,
            verb="values_recorded",
            subject=kpi,
            changes=changes,
            summary=f"{kpi.name}: {len(new_rows)} new, {len(changed_rows)} changed values",
            via=via,
            team_id=kpi.team_id,
        ).save()
    return IngestResult(created=len(new_rows), updated=len(changed_rows))
