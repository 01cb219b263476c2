"""Writing the audit trail. Every action that changes an object calls `record`.

Bulk actions (the plan import) write through a `Batch` instead: it upserts rows by key with one
query per model per batch, and collects one event per row that really changed, saved together
by `save_events`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from django.db import models
from django.utils import timezone

from headway.accounts.models import User, Workspace
from headway.core.errors import Invalid
from headway.core.unique import save_unique
from headway.history.models import Event


def plain(value: Any) -> Any:
    """A field value as JSON: related objects by key (or username), dates as ISO text."""
    if isinstance(value, User):
        return value.username
    if isinstance(value, models.Model):
        return getattr(value, "key", value.pk)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def shown_plain(target: str | None, value: Any) -> Any:
    return plain(value)


def assign(
    obj: models.Model,
    values: Mapping[str, Any],
    refs: Mapping[str, str] | None = None,
    show: Callable[[str | None, Any], Any] = shown_plain,
) -> dict[str, list[Any]]:
    """Set attributes on `obj`; return {field: [old, new]} for those that really changed.

    Fields named in `refs` are given as ids (set on their `_id` attribute); `show` turns an
    old or new value into what the recorded change shows, given the kind a reference points
    at (a bulk write shows keys it knows by id)."""
    refs = refs or {}
    changes: dict[str, list[Any]] = {}
    for name, new in values.items():
        attname = f"{name}_id" if name in refs else name
        old = getattr(obj, attname)
        if old != new:
            target = refs.get(name)
            changes[name] = [show(target, old), show(target, new)]
            setattr(obj, attname, new)
    return changes


def event(
    workspace: Workspace,
    *,
    actor: User | None,
    verb: str,
    subject: models.Model,
    changes: Mapping[str, Any] | None = None,
    summary: str = "",
    via: str = "",
    objective_id: int | None = None,
    team_id: int | None = None,
) -> Event:
    """An unsaved event about `subject` (bulk writers collect these and bulk_create them)."""
    subject_type = subject._meta.model_name or ""
    return Event(
        workspace=workspace,
        actor=actor,
        at=timezone.now(),
        verb=verb,
        subject_type={"keyresult": "key_result", "checkin": "check_in"}.get(
            subject_type, subject_type
        ),
        subject_key=str(getattr(subject, "key", subject.pk)),
        summary=summary[:300],
        changes=dict(changes or {}),
        via=via,
        objective_id=objective_id,
        team_id=team_id,
    )


def record(workspace: Workspace, **kwargs: Any) -> Event:
    """Save one event (see `event` for the arguments)."""
    created = event(workspace, **kwargs)
    created.save()
    return created


def context_of(subject: models.Model) -> dict[str, int | None]:
    """The objective and team an event about `subject` belongs to (for feeds and histories)."""
    name = subject._meta.model_name
    objective: Any = None
    if name == "objective":
        objective = subject
    elif name in {"keyresult", "initiative"}:
        objective = subject.objective  # type: ignore[attr-defined]
    elif name == "checkin":
        objective = subject.key_result.objective  # type: ignore[attr-defined]
    elif name == "dependency":
        source = subject.objective or subject.key_result.objective  # type: ignore[attr-defined]
        objective = source
    if objective is not None:
        return {"objective_id": objective.pk, "team_id": objective.team_id}
    if name == "team":
        return {"objective_id": None, "team_id": subject.pk}
    return {"objective_id": None, "team_id": getattr(subject, "team_id", None)}


def save_created(subject: models.Model, *, actor: User | None, via: str) -> None:
    """Save a new object and record its creation with every field it was given."""
    save_unique(subject)
    fields = {
        f.name: plain(getattr(subject, f.name))
        for f in subject._meta.concrete_fields
        # Figures the app computes (editable=False) are not something a person gave.
        if f.editable and f.name not in {"id", "workspace", "updated_at"}
    }
    record(
        subject.workspace,  # type: ignore[attr-defined]
        actor=actor,
        verb="created",
        subject=subject,
        changes=fields,
        summary=str(subject),
        via=via,
        **context_of(subject),
    )


def touched(subject: models.Model) -> list[str]:
    """The `updated_at` stamp, for a model that has one: a save of some fields sets it too."""
    return [f.name for f in subject._meta.concrete_fields if f.name == "updated_at"]


def save_changed(
    subject: models.Model, values: Mapping[str, Any], *, actor: User | None, via: str
) -> dict[str, list[Any]]:
    """Apply `values`, save, and record what changed (nothing is written when nothing changed)."""
    changes = assign(subject, values)
    if changes:
        # Only the changed columns: a stored figure updated since `subject` was read stays.
        save_unique(subject, update_fields=[*changes, *touched(subject)])
        record(
            subject.workspace,  # type: ignore[attr-defined]
            actor=actor,
            verb="updated",
            subject=subject,
            changes=changes,
            summary=str(subject),
            via=via,
            **context_of(subject),
        )
    return changes


def delete_recorded(subject: models.Model, *, actor: User | None, via: str) -> None:
    """Record the deletion (before the row goes, while its context is known), then delete."""
    context = context_of(subject)
    if subject._meta.model_name == "objective":
        context["objective_id"] = None  # the row is about to disappear
    record(
        subject.workspace,  # type: ignore[attr-defined]
        actor=actor,
        verb="deleted",
        subject=subject,
        summary=str(subject),
        via=via,
        **context,
    )
    subject.delete()


def delete_events(workspace: Workspace) -> None:
    """Forget every event of `workspace` (a restore replaces them with the file's history)."""
    Event.objects.filter(workspace=workspace).delete()


@dataclass(frozen=True, slots=True)
class EventIn:
    """One event of a restored history, its references as keys (usernames for actors)."""

    at: datetime
    verb: str
    subject_type: str
    subject_key: str
    summary: str
    changes: dict[str, Any]
    via: str
    actor: str | None
    objective: str | None
    team: str | None


def restore_events(
    workspace: Workspace,
    events: Sequence[EventIn],
    *,
    user_ids: Mapping[str, int],
    objective_ids: Mapping[str, int],
    team_ids: Mapping[str, int],
) -> int:
    """Add the events the workspace does not hold yet (same time, verb and subject); answer
    how many. An actor, objective or team unknown here is kept as unknown."""
    stored = set(
        Event.objects.filter(workspace=workspace).values_list(
            "at", "verb", "subject_type", "subject_key"
        )
    )
    new = [
        Event(
            workspace=workspace,
            actor_id=user_ids.get(e.actor) if e.actor is not None else None,
            at=e.at,
            verb=e.verb,
            subject_type=e.subject_type,
            subject_key=e.subject_key,
            summary=e.summary,
            changes=e.changes,
            objective_id=objective_ids.get(e.objective) if e.objective is not None else None,
            team_id=team_ids.get(e.team) if e.team is not None else None,
            via=e.via,
        )
        for e in events
        if (e.at, e.verb, e.subject_type, e.subject_key) not in stored
    ]
    Event.objects.bulk_create(new, batch_size=BATCH)
    return len(new)


# Bulk writes -------------------------------------------------------------------------------

BATCH = 1000
M = TypeVar("M", bound=models.Model)
Context = dict[str, int | None]

# Which kind of row each reference field points at: the changes show its key, not its id.
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


@dataclass(frozen=True, slots=True)
class RowProblem:
    """Why a bulk action refuses one of its rows: the row's index in what it was given, and
    the field (None: the row as a whole)."""

    index: int
    field: str | None
    message: str


class Refused(Exception):
    """A bulk action refused some rows; it wrote nothing (its transaction was rolled back)."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = list(problems)


@dataclass(slots=True)
class Upserted:
    """One row after `Batch.upsert`: its index in the items, what changed, whether it is new."""

    index: int
    row: Any
    changes: dict[str, Any]
    new: bool = False


# Checks one row's change (row None: a new row); answers why it is refused, or None.
Lock = Callable[[int, Any, dict[str, Any]], RowProblem | None]


def refuse(problems: Iterable[RowProblem | None]) -> None:
    """Raise Refused when there is any problem."""
    found = [p for p in problems if p is not None]
    if found:
        raise Refused(found)


def checked(check: Callable[[M], None] | None, index: int, row: M) -> RowProblem | None:
    """What `check` finds wrong with row `index` (None: nothing, or no check)."""
    if check is None:
        return None
    try:
        check(row)
    except Invalid as error:
        return RowProblem(index, error.field, error.reason)
    return None


@dataclass
class Batch:
    """One bulk write into a workspace: who makes it and via what, the events it records
    (saved by `save_events`), how many rows of each kind it created and updated, and the key
    (username for users) of every row it knows by id, which the recorded changes show."""

    workspace: Workspace
    actor: User | None
    via: str
    now: datetime = field(default_factory=timezone.now)
    events: list[Event] = field(default_factory=list)
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    names: defaultdict[str, dict[int, str]] = field(default_factory=lambda: defaultdict(dict))
    ids: defaultdict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))

    def remember(self, kind: str, pk: int, name: str) -> None:
        self.names[kind][pk] = name
        self.ids[kind][name] = pk

    def ref(self, kind: str, name: str | None) -> int | None:
        """The id of the row of `kind` with this key (None for None)."""
        return None if name is None else self.ids[kind][name]

    def count(self, kind: str, created: int, updated: int) -> None:
        if created:
            self.created[kind] += created
        if updated:
            self.updated[kind] += updated

    def show(self, target: str | None, value: Any) -> Any:
        if target is not None and value is not None:
            return self.names[target].get(value, value)
        return plain(value)

    def assign(
        self, obj: models.Model, values: Mapping[str, Any], refs: Mapping[str, str]
    ) -> dict[str, list[Any]]:
        """Set `values` (references as ids) on `obj`; return {field: [old, new]} that changed,
        references shown by key."""
        return assign(obj, values, refs, self.show)

    def add_event(
        self,
        verb: str,
        subject: models.Model,
        changes: Mapping[str, Any],
        context: Context,
        summary: str | None = None,
    ) -> Event:
        created = event(
            self.workspace,
            actor=self.actor,
            verb=verb,
            subject=subject,
            changes=changes,
            summary=str(subject) if summary is None else summary,
            via=self.via,
            objective_id=context.get("objective_id"),
            team_id=context.get("team_id"),
        )
        self.events.append(created)
        return created

    def readings_event(
        self, verb: str, subject: models.Model, counts: Counter[str], context: Context
    ) -> None:
        """One event per key result or KPI for a batch of readings, as KPI ingestion does."""
        self.add_event(
            verb,
            subject,
            {"created": counts["created"], "updated": counts["updated"]},
            context,
            summary=f"{subject}: {counts['created']} new, {counts['updated']} changed",
        )

    def upsert(
        self,
        model: type[M],
        kind: str,
        items: Sequence[tuple[str, Mapping[str, Any]]],
        rows: dict[str, M],
        *,
        later: Sequence[str] = (),
        lock: Lock | None = None,
        check: Callable[[M], None] | None = None,
    ) -> list[Upserted]:
        """Create or update rows of `model` from (key, values) pairs (references as ids).

        Fields in `later` (a parent in the same table) are left out here, for `finish` to set
        once every row exists. `check` is the single-object action's validation of a row's
        own fields (raising Invalid), run on every new or changed row; `lock` may refuse a
        change (closed cycles). Refused names every row either refuses, and nothing is
        written (the objects in `rows` may hold the refused values: read them again). New rows
        are added to `rows`.
        """
        refs = REFS.get(kind, {})
        new: list[M] = []
        changed: list[M] = []
        fields: set[str] = set()
        out = []
        problems = []
        for index, (key, values) in enumerate(items):
            now = {n: v for n, v in values.items() if n not in later}
            row = rows.get(key)
            if row is None:
                attrs = {(f"{n}_id" if n in refs else n): v for n, v in now.items()}
                row = model(workspace=self.workspace, key=key, **attrs)
                new.append(row)
                changes: dict[str, Any] = dict(now)
                problems.append(lock(index, None, changes) if lock else None)
                problems.append(checked(check, index, row))
                out.append(Upserted(index, row, changes, new=True))
                continue
            changes = self.assign(row, now, refs)
            if changes:
                problems.append(lock(index, row, changes) if lock else None)
                problems.append(checked(check, index, row))
                changed.append(row)
                fields.update(f"{n}_id" if n in refs else n for n in changes)
            out.append(Upserted(index, row, changes))
        refuse(problems)
        model._default_manager.bulk_create(new, batch_size=BATCH)
        self.bulk_update(model, changed, fields)
        for row in new:
            rows[row.key] = row  # type: ignore[attr-defined]
            self.remember(kind, row.pk, row.key)  # type: ignore[attr-defined]
        return out

    def bulk_update(self, model: type[models.Model], rows: list[Any], fields: set[str]) -> None:
        """Save `fields` of `rows` (and their updated_at, when the model has one)."""
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
        upserted: list[Upserted],
        context: Callable[[Any], Context],
        *,
        late: Mapping[int, Mapping[str, int | None]] | None = None,
        lock: Lock | None = None,
    ) -> None:
        """Set the late fields (parents: `late` maps an item's index to them), save them, and
        record one created or updated event per row that changed."""
        refs = REFS.get(kind, {})
        late_rows = []
        problems = []
        for one in upserted:
            extra = dict((late or {}).get(one.index, {}))
            late_changes = self.assign(one.row, extra, refs)
            if late_changes:
                late_rows.append(one.row)
                if lock and not one.new:
                    problems.append(lock(one.index, one.row, late_changes))
            if one.new:
                values = {**one.changes, **extra}
                shown = {name: self.show(refs.get(name), v) for name, v in values.items()}
                self.add_event("created", one.row, shown, context(one.row))
                self.count(kind, 1, 0)
            elif one.changes or late_changes:
                self.add_event(
                    "updated", one.row, {**one.changes, **late_changes}, context(one.row)
                )
                self.count(kind, 0, 1)
        refuse(problems)
        if late_rows:
            model = type(late_rows[0])
            names = {name for one in (late or {}).values() for name in one}
            self.bulk_update(model, late_rows, {f"{n}_id" for n in names})

    def save_events(self) -> None:
        """Save the events collected so far."""
        Event.objects.bulk_create(self.events, batch_size=BATCH)
        self.events = []
