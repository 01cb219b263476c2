"""Every field a person can enter survives export, flush and `import --restore` (issue 9, item 10).

Found by introspection rather than by a hand list: every concrete field of every model of
Headway's apps is compared row by row (rows matched by key or natural key), unless it is in
NOT_CARRIED below with the reason. A new model or field therefore fails this test until
someone decides: carry it in the plan file (and fill it in `build`), or list it with a reason
(and say so in docs/deployment.md when a person entered it).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
import yaml
from django.apps import apps
from django.core.management import call_command
from django.db import models

from headway.accounts import actions as account_actions
from headway.accounts.models import Membership, User, Workspace
from headway.core.tests.factories import CheckInFactory, KPIValueFactory, UserFactory
from headway.core.timeutil import today_in
from headway.domain.types import Role
from headway.history.models import Event
from headway.kpis import actions as kpi_actions
from headway.kpis.actions import ValueIn
from headway.kpis.models import KPIValue
from headway.okrs import actions as okr_actions
from headway.okrs.models import CheckIn, Cycle, Dependency, KeyResult, Objective
from headway.plans import demo
from headway.plans.exporter import KR_FIGURES
from headway.plans.importer import import_plan
from headway.plans.schema import PlanError
from headway.plans.tests.helpers import SMALL, edit, export
from headway.teams import actions as team_actions
from headway.teams.models import Team

APPS = ("accounts", "teams", "okrs", "kpis", "history")

# Models whose rows a logical backup does not carry, and why (docs/deployment.md says so too).
MODELS_NOT_CARRIED = {
    "accounts.ApiToken": "stored as digests: a token cannot be exported, people create new ones",
    "accounts.Invitation": (
        "bound to an account of this instance (the one its login named when sent), which a "
        "restore into another instance cannot vouch for; invite again (answered ones are in "
        "the history)"
    ),
}

# Fields of any model that do not travel.
ANY_MODEL = {
    "id": "row ids are the database's; a restore matches rows by key",
    "created_at": "the row's own time stamp, written when the restore creates it",
    "updated_at": "the row's own time stamp, written when the restore creates it",
}

# Fields of one model that do not travel, and why.
NOT_CARRIED = {
    ("accounts.User", "password"): "password hashes never leave the instance (set or reset one)",
    ("accounts.User", "last_login"): "a sign-in time stamp, not something a person entered",
    ("accounts.User", "date_joined"): "the account's own time stamp",
    ("accounts.User", "is_superuser"): "an instance-level flag, set by the operator, not the "
    "workspace's to carry",
    ("accounts.User", "is_staff"): "an instance-level flag (Django admin), as above",
    ("accounts.User", "is_active"): "an instance-level flag, as above",
    ("accounts.User", "first_name"): "unused by Headway (people have one `name`)",
    ("accounts.User", "last_name"): "unused by Headway (people have one `name`)",
    ("accounts.User", "groups"): "Django's groups: unused by Headway (roles are memberships)",
    ("accounts.User", "user_permissions"): "Django's permissions: unused by Headway, as above",
    ("kpis.KPIValue", "recorded_at"): "when the value was written: the restore's time",
    **{
        ("accounts.Workspace", name): "the check-in rhythm is set on the Settings page and not "
        "carried by plan files yet (docs/deployment.md, docs/rhythm.md): set it again after a "
        "restore from a plan file"
        for name in ("check_in_weekday", "check_in_hour", "reminder_grace_hours")
    },
    **{
        (model, name): "a stored figure: the restore recomputes it from the readings"
        for model, names in (
            ("okrs.Objective", ["progress"]),
            ("okrs.KeyResult", ["current", "progress", "attainment", "confidence"]),
        )
        for name in names
    },
}


def natural(obj: models.Model | None) -> Any:
    """The key a row is known by in a plan file (the database holds one workspace here)."""
    if obj is None:
        return None
    if isinstance(obj, User):
        return obj.username
    if isinstance(obj, Membership):
        return obj.user.username
    if isinstance(obj, CheckIn):
        return (obj.key_result.key, obj.at)
    if isinstance(obj, KPIValue):
        return (obj.kpi.key, obj.at)
    if isinstance(obj, Dependency):
        return tuple(
            natural(o)
            for o in (
                obj.objective,
                obj.key_result,
                obj.depends_on_objective,
                obj.depends_on_key_result,
            )
        )
    if isinstance(obj, Event):
        return (obj.at, obj.verb, obj.subject_type, obj.subject_key)
    return obj.key  # type: ignore[attr-defined]


def frozen_by_key(frozen: dict[str, Any] | None) -> Any:
    """A closed cycle's frozen figures, keyed by the keys of objectives, key results, teams."""
    if frozen is None:
        return None
    objectives = {str(o.pk): o.key for o in Objective.objects.all()}
    krs = {str(kr.pk): kr.key for kr in KeyResult.objects.all()}
    teams = {t.pk: t.key for t in Team.objects.all()}
    return {
        "as_of": frozen["as_of"],
        "objectives": {
            objectives[k]: {**v, "team_id": teams.get(v.get("team_id"))}
            for k, v in frozen["objectives"].items()
        },
        "key_results": {krs[k]: v for k, v in frozen["key_results"].items()},
    }


def email_if_member(user: User, email: str) -> str | None:
    """Someone who left the workspace is carried by username and name only: their e-mail is
    their account's, no longer the workspace's to hold (docs/plan-file.md, "users")."""
    return email if user.memberships.exists() else None


# Fields compared in another form than the stored one.
CONVERT: dict[tuple[str, str], Callable[[Any, Any], Any]] = {
    ("okrs.Cycle", "frozen_figures"): lambda _, value: frozen_by_key(value),
    ("accounts.User", "email"): email_if_member,
}


def covered_models() -> list[type[models.Model]]:
    found = [m for m in apps.get_models() if m._meta.app_label in APPS]
    return [m for m in found if m._meta.label not in MODELS_NOT_CARRIED]


def compared_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    label = model._meta.label
    fields = [*model._meta.concrete_fields, *model._meta.many_to_many]
    return [f for f in fields if f.name not in ANY_MODEL and (label, f.name) not in NOT_CARRIED]


def value_of(obj: models.Model, field: models.Field[Any, Any]) -> Any:
    if field.many_to_many:
        return sorted(natural(o) for o in getattr(obj, field.name).all())
    if field.is_relation:
        return natural(getattr(obj, field.name))
    value = getattr(obj, field.attname)
    convert = CONVERT.get((obj._meta.label, field.name))
    return convert(obj, value) if convert else value


def snapshot() -> dict[str, dict[Any, dict[str, Any]]]:
    """Every row of every covered model: {model: {natural key: {field: value}}}."""
    out: dict[str, dict[Any, dict[str, Any]]] = {}
    for model in covered_models():
        rows = {}
        fields = compared_fields(model)
        for obj in model._default_manager.all():
            rows[natural(obj)] = {f.name: value_of(obj, f) for f in fields}
        assert len(rows) == model._default_manager.count(), f"{model}: natural keys repeat"
        out[model._meta.label] = rows
    return out


def build() -> None:
    """One workspace where every field a person can enter holds a value other than its default.

    Written through the actions (so the history is the one the app writes), with factories
    only for what no action writes (an account, readings dated after today).
    """
    ws = Workspace.objects.create(key="acme", name="Acme Corp", timezone="Pacific/Auckland")
    today = today_in(ws.timezone)
    day = timedelta(days=1)
    ada = UserFactory(username="ada", name="Ada Admin", email="ada@acme.example")
    max_ = UserFactory(username="max", name="Max Member", email="max@acme.example")
    vic = UserFactory(username="vic", name="Vic Viewer", email="vic@acme.example")
    gone = UserFactory(username="gone", name="Gone Away", email="gone@acme.example")
    account_actions.add_member(ws, ada, Role.ADMIN, actor=None, via="cli")
    account_actions.add_member(ws, max_, Role.MEMBER, actor=ada, via="web")
    account_actions.add_member(ws, vic, Role.VIEWER, actor=ada, via="api")
    left = account_actions.add_member(ws, gone, Role.MEMBER, actor=ada, via="web")

    company = team_actions.create_team(
        ws, actor=ada, via="web", key="company", name="Acme", kind="company", lead=ada
    )
    web = team_actions.create_team(
        ws, actor=ada, via="web", key="web", name="Web", parent=company, lead=gone,
        members=[max_, vic, gone],
    )  # fmt: skip

    past = okr_actions.create_cycle(
        ws, actor=ada, key="past", name="Past", start=today - 120 * day, end=today - 40 * day,
        state="active",
    )  # fmt: skip
    now = okr_actions.create_cycle(
        ws, actor=ada, key="now", name="Now", start=today - 39 * day, end=today + 50 * day
    )

    nps = kpi_actions.create_kpi(
        ws, actor=ada, via="web", key="nps", name="Net promoter score", description="Survey",
        owner=max_, team=web, unit="pts", direction="lower_is_better", target=20.0, green=20.0,
        red=30.0, cadence="monthly", category="customer", indicator="leading", benchmark=25.5,
    )  # fmt: skip
    latency = kpi_actions.create_kpi(
        ws, actor=ada, key="latency", name="p95 latency", direction="within_range",
        low=100.0, high=300.0, tolerance=50.0,
    )  # fmt: skip
    kpi_actions.record_kpi_values(
        nps,
        [ValueIn(today - 100 * day, 28.0, "first survey"), ValueIn(today - 60 * day, 26.5)],
        actor=max_,
        source="survey-tool",
        via="api",
    )
    kpi_actions.record_kpi_values(latency, [ValueIn(today - 3 * day, 210.0)], actor=ada)

    old = okr_actions.create_objective(
        ws, actor=ada, key="old", title="Launch the shop", description="Why it matters",
        owner=gone, team=web, cycle=past, kind="committed", visibility="private",
    )  # fmt: skip
    orders = okr_actions.create_key_result(
        old, actor=ada, key="old-orders", title="Orders per week", metric="currency",
        unit="EUR", start=0.0, target=100.0, direction="at_least", weight=2.5, owner=max_,
    )  # fmt: skip
    okr_actions.create_key_result(
        old, actor=ada, key="old-nps", title="NPS down", start=30.0, target=20.0, kpi=nps
    )
    okr_actions.record_check_in(
        orders, actor=max_, value=40.0, confidence=6, at=today - 90 * day, note="slow start",
        blockers="payment provider", via="web",
    )  # fmt: skip
    okr_actions.create_initiative(
        ws, actor=ada, key="old-pay", title="Switch provider", owner=max_, status="dropped",
        due=today - 50 * day, objective=old, key_result=orders,
    )  # fmt: skip
    okr_actions.close_cycle(past, actor=ada, via="web")
    okr_actions.update_objective(old, actor=ada, retrospective="Start hiring earlier.")
    # Back-filled into the closed cycle: its frozen grades stay as they were (docs/scoring.md),
    # and a restore must not re-grade it from today's values.
    kpi_actions.record_kpi_values(nps, [ValueIn(today - 45 * day, 20.0)], actor=ada)
    (carried,) = okr_actions.carry_over([old], to_cycle=now, mode="move", actor=ada, via="web")

    grow = okr_actions.create_objective(
        ws, actor=ada, key="grow", title="Grow", owner=ada, team=company, cycle=now,
        visibility="team",
    )  # fmt: skip
    okr_actions.update_objective(carried, actor=ada, parent=grow)
    done = okr_actions.create_key_result(
        grow, actor=ada, key="grow-done", title="Shop live", metric="boolean", owner=ada
    )
    okr_actions.record_check_in(done, actor=ada, value=True, confidence=9, at=today - 2 * day)
    CheckInFactory(  # dated after today: kept by a backup
        key_result=done, at=today + 5 * day, value=0.0, confidence=3, note="n", blockers="b",
        author=gone,
    )  # fmt: skip
    KPIValueFactory(kpi=latency, at=today + 7 * day, value=190.0, recorded_by=gone)
    okr_actions.create_dependency(
        ws, actor=max_, via="api", objective=grow, depends_on_key_result=orders, note="budget"
    )
    okr_actions.create_dependency(
        ws, actor=max_, key_result=done, depends_on_objective=carried, note="shop first"
    )
    account_actions.remove_member(left, actor=ada, via="web")  # still leads web, wrote things


def export_command() -> str:
    out = StringIO()
    call_command("export", "--workspace", "acme", stdout=out)
    return out.getvalue()


def unchanged(snapshot_before: dict[str, Any]) -> list[str]:
    """Every field that lost or changed its value (or row) since `snapshot_before`."""
    after = snapshot()
    lost = []
    for label, rows in snapshot_before.items():
        for key, fields in rows.items():
            restored = after[label].get(key)
            if restored is None:
                lost.append(f"{label} {key!r}: row missing")
                continue
            lost += [
                f"{label}.{name} of {key!r}: {value!r} -> {restored[name]!r}"
                for name, value in fields.items()
                if restored[name] != value
            ]
        lost += [f"{label} {key!r}: row added" for key in set(after[label]) - set(rows)]
    return lost


# Flushing inside a test's transaction fails on PostgreSQL (see test_exporter.TestRoundTrip).
@pytest.mark.django_db(transaction=True)
class TestEveryFieldSurvivesARestore:
    def test_the_scenario_fills_every_compared_field(self):
        """A field left at its default everywhere would pass unnoticed: `build` must fill it."""
        build()
        before = snapshot()
        empty = []
        for model in covered_models():
            for f in compared_fields(model):
                default = f.get_default() if not f.many_to_many else []
                values = [row[f.name] for row in before[model._meta.label].values()]
                if not any(v not in (None, "", [], {}, default) for v in values):
                    empty.append(f"{model._meta.label}.{f.name}")
        assert empty == [], "fill these in build(), or list them in NOT_CARRIED with a reason"

    def test_a_restore_gives_back_every_field(self, tmp_path):
        build()
        before = snapshot()
        backup = tmp_path / "backup.yaml"
        backup.write_text(export_command(), encoding="utf-8")
        call_command("flush", interactive=False, verbosity=0)
        call_command("import", str(backup), "--restore", stdout=StringIO())
        lost = unchanged(before)
        assert not lost, "lost by export + restore:\n" + "\n".join(lost)
        text = backup.read_text(encoding="utf-8")
        assert "carried_over: true" in text
        assert "recorded_by: gone" in text
        assert "frozen:" in text  # a KPI value was back-filled into the closed cycle
        assert export_command() == text
        (past,) = [c for c in yaml.safe_load(text)["cycles"] if c["key"] == "past"]
        assert list(past["frozen"]["key_results"]["old-nps"]) == KR_FIGURES  # in a fixed order
        assert past["frozen"]["objectives"]["old"]["score"] == 0.1  # graded before the back-fill

    def test_every_model_is_carried_or_listed(self):
        labels = {m._meta.label for m in apps.get_models() if m._meta.app_label in APPS}
        assert set(MODELS_NOT_CARRIED) <= labels
        for (label, name), _ in NOT_CARRIED.items():
            model = apps.get_model(label)
            assert name in {
                f.name for f in [*model._meta.concrete_fields, *model._meta.many_to_many]
            }


@pytest.mark.django_db
def test_fields_at_their_default_are_not_written_so_existing_files_stay_as_they_are():
    import_plan(SMALL)
    import_plan(demo.PLAN.read_text(encoding="utf-8"))
    for key in ("acme", demo.WORKSPACE):
        text = export(key)
        assert "carried_over" not in text
        assert "recorded_by" not in text
        assert "frozen" not in text  # the closed cycles' grades are what a re-grade gives


@pytest.mark.django_db
class TestFrozenGrades:
    def test_only_a_closed_cycle_has_them(self):
        text = edit(SMALL, "state: active}", "state: active, frozen: {objectives: {}}}")
        with pytest.raises(PlanError, match=r"cycles\[1\]\.frozen: only a closed cycle"):
            import_plan(text)

    def test_they_name_objectives_of_their_own_cycle(self):
        frozen = "frozen: {objectives: {grow: {progress: 1, status: done, score: 1, expected: 1}}}"
        text = edit(SMALL, "state: closed}", f"state: closed, {frozen}}}")
        with pytest.raises(PlanError, match=r"frozen\.objectives\.grow: not an objective"):
            import_plan(text)

    def test_their_figures_are_checked(self):
        frozen = (
            "frozen: {objectives: {q4-launch: "
            "{progress: .inf, status: great, score: 0.5, expected: 1}}}"
        )
        text = edit(SMALL, "state: closed}", f"state: closed, {frozen}}}")
        with pytest.raises(PlanError) as error:
            import_plan(text)
        assert "q4-launch.progress: must be a finite number" in str(error.value)
        assert "q4-launch.status: must be one of done, on_track" in str(error.value)

    def test_a_cycle_closed_by_the_import_keeps_the_grades_of_the_file(self):
        frozen = (
            "frozen: {objectives: {q4-launch: "
            "{progress: 0.5, status: at_risk, score: 0.5, expected: 1}}}"
        )
        import_plan(edit(SMALL, "state: closed}", f"state: closed, {frozen}}}"))
        cycle = Cycle.objects.get(key="2025-q4")
        pk = str(Objective.objects.get(key="q4-launch").pk)
        assert cycle.frozen_figures["objectives"][pk]["score"] == 0.5
        assert yaml.safe_load(export())["objectives"][1]["score"] == 0.5
