"""Every change to KPIs and their values: definitions, idempotent batch ingestion, and the plan
import's bulk upserts (which write values through the ingestion's executemany)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple, TypedDict, Unpack

from django.db import connection, transaction
from django.dispatch import Signal
from django.utils import timezone

from headway.accounts.models import User, Workspace
from headway.core.errors import Invalid
from headway.core.timeutil import today_in
from headway.domain.bounds import check_number, check_reading_date
from headway.domain.kpi import validate_kpi
from headway.domain.types import RuleViolation
from headway.history.actions import (
    Batch,
    delete_recorded,
    event,
    save_changed,
    save_created,
)
from headway.kpis.announce import announce_status, status_today
from headway.kpis.models import KPI, KPIValue
from headway.kpis.scoring import kpi_input
from headway.teams.models import Team


class KPIFields(TypedDict, total=False):
    """The fields create_kpi and update_kpi may be given (references as objects)."""

    key: str
    name: str
    description: str
    owner: User | None
    team: Team | None
    unit: str
    direction: str
    target: float | None
    green: float | None
    red: float | None
    low: float | None
    high: float | None
    tolerance: float | None
    cadence: str
    category: str
    indicator: str
    benchmark: float | None


def validate_kpi_row(kpi: KPI) -> None:
    if kpi.team is not None and kpi.team.workspace_id != kpi.workspace_id:
        raise Invalid("team", "unknown team")
    check_kpi_values(kpi)


def check_kpi_values(kpi: KPI) -> None:
    """The KPI's own figures: finite numbers, thresholds in the order of its direction."""
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
def create_kpi(
    workspace: Workspace, *, actor: User | None, via: str = "", **fields: Unpack[KPIFields]
) -> KPI:
    kpi = KPI(workspace=workspace, **fields)
    validate_kpi_row(kpi)
    save_created(kpi, actor=actor, via=via)
    return kpi


@transaction.atomic
def update_kpi(kpi: KPI, *, actor: User | None, via: str = "", **fields: Unpack[KPIFields]) -> KPI:
    before = status_today(kpi)
    if save_changed(kpi, fields, actor=actor, via=via):
        validate_kpi_row(kpi)
        announce_status(kpi, before, actor_id=actor.pk if actor else None)
    return kpi


@transaction.atomic
def delete_kpi(kpi: KPI, *, actor: User | None, via: str = "") -> None:
    followers = list(kpi.key_results.values_list("id", flat=True))
    delete_recorded(kpi, actor=actor, via=via)
    followers_changed(kpi, followers)  # they fall back on their own check-ins


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
    """Insert new values and overwrite changed ones of one KPI (see write_value_rows)."""
    actor_id = actor.pk if actor is not None else None
    write_value_rows(
        [ValueRow(kpi.pk, v.at, v.value, v.note, source, actor_id) for v in new_rows],
        [ValueRow(kpi.pk, v.at, v.value, v.note, source, actor_id) for v in changed_rows],
        recorded_at=timezone.now(),
    )


class ValueRow(NamedTuple):
    """A value as stored: the row of `write_value_rows` (columns in COLUMNS order)."""

    kpi: int
    at: date
    value: float
    note: str
    source: str
    recorded_by: int | None


def write_value_rows(
    new_rows: Sequence[ValueRow], changed_rows: Sequence[ValueRow], *, recorded_at: datetime
) -> None:
    """Insert new values and overwrite changed ones (by KPI and date) with one `executemany`
    each.

    This is the ingestion hot path (up to 10,000 rows a request, more in a plan import):
    building a model instance per row and letting bulk_create compile multi-row SQL costs
    several times the insert itself, so rows go to the driver as plain tuples, adapted once
    per column type.
    """
    ops = connection.ops
    meta = KPIValue._meta
    quote = ops.quote_name
    table = quote(meta.db_table)
    fields = {field.name: field for field in meta.concrete_fields}
    column = {name: quote(fields[name].column) for name in COLUMNS}
    stamp = ops.adapt_datetimefield_value(recorded_at)
    day = ops.adapt_datefield_value
    with connection.cursor() as cursor:
        if new_rows:
            names = ", ".join(column[name] for name in COLUMNS)
            cursor.executemany(
                # Only quoted model metadata is formatted in; every value is a parameter.
                f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(COLUMNS))})",  # noqa: S608
                [
                    (v.kpi, day(v.at), v.value, v.note, v.source, v.recorded_by, stamp)
                    for v in new_rows
                ],
            )
        if changed_rows:
            assignments = ", ".join(f"{column[name]} = %s" for name in COLUMNS[2:])
            cursor.executemany(
                f"UPDATE {table} SET {assignments} "  # noqa: S608
                f"WHERE {column['kpi']} = %s AND {column['at']} = %s",
                [
                    (v.value, v.note, v.source, v.recorded_by, stamp, v.kpi, day(v.at))
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
    before = status_today(kpi)
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
        followers_changed(kpi)
        announce_status(kpi, before, actor_id=actor.pk if actor else None)
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


# Bulk writes (the plan import) -------------------------------------------------------------


# Sent in the write's transaction with `key_result_ids`: the key results whose readings a KPI
# write changed (the okrs app refreshes their stored figures; this app cannot import it).
readings_changed = Signal()


def followers_changed(kpi: KPI, followers: list[int] | None = None) -> None:
    """Tell the key results that follow `kpi` (or `followers`, ids read before a delete)."""
    ids = list(kpi.key_results.values_list("id", flat=True)) if followers is None else followers
    if ids:
        readings_changed.send(sender=KPI, key_result_ids=ids)


def kpi_context(kpi: KPI) -> dict[str, int | None]:
    return {"objective_id": None, "team_id": kpi.team_id}


@transaction.atomic
def upsert_kpis(
    batch: Batch, items: Sequence[tuple[str, Mapping[str, Any]]], rows: dict[str, KPI]
) -> dict[int, KPI]:
    """Create or update KPIs by key (references as ids), each new or changed one checked like
    update_kpi does (check_kpi_values); answer every KPI of the workspace by id."""
    upserted = batch.upsert(KPI, "kpi", items, rows, check=check_kpi_values)
    batch.finish("kpi", upserted, kpi_context)
    return {row.pk: row for row in rows.values()}


@transaction.atomic
def upsert_kpi_values(batch: Batch, items: Sequence[ValueRow], kpis: Mapping[int, KPI]) -> None:
    """Create or update KPI values by (KPI, date), with write_value_rows: a value whose figure,
    note or source changed is overwritten with its new recorder, stamped now. One event per
    KPI with the counts; the caller checked the values and dates."""
    existing = {
        (kpi_id, at): (value, note, source)
        for kpi_id, at, value, note, source in KPIValue.objects.filter(
            kpi__workspace=batch.workspace
        ).values_list("kpi_id", "at", "value", "note", "source")
    }
    new: list[ValueRow] = []
    changed: list[ValueRow] = []
    per_kpi: dict[int, Counter[str]] = defaultdict(Counter)
    for item in items:
        stored = existing.get((item.kpi, item.at))
        if stored is None:
            new.append(item)
            per_kpi[item.kpi]["created"] += 1
        elif stored != (item.value, item.note, item.source):
            changed.append(item)
            per_kpi[item.kpi]["updated"] += 1
    write_value_rows(new, changed, recorded_at=batch.now)
    for kpi_id, counts in per_kpi.items():
        kpi = kpis[kpi_id]
        batch.readings_event("values_recorded", kpi, counts, kpi_context(kpi))
    batch.count("kpi_value", len(new), len(changed))
