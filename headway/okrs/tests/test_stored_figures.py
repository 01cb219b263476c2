"""Stored figures (okrs.figures): every write through the actions leaves them equal to figures
recomputed from the readings, and `headway figures check` finds and repairs those that are not."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Max
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from headway.accounts.models import Workspace
from headway.core.errors import DomainError
from headway.core.tests.factories import (
    CheckInFactory,
    CycleFactory,
    KeyResultFactory,
    KPIFactory,
    KPIValueFactory,
    MembershipFactory,
    ObjectiveFactory,
    WorkspaceFactory,
)
from headway.kpis.actions import ValueIn, record_kpi_values
from headway.kpis.models import KPI
from headway.okrs import actions
from headway.okrs.figures import compare, refresh_cycles
from headway.okrs.models import Cycle, KeyResult, Objective
from headway.plans.exporter import export_workspace, render
from headway.plans.importer import import_plan
from headway.plans.schema import PlanError

pytestmark = pytest.mark.django_db

TODAY = date(2026, 5, 15)  # Q1 has ended (still open), Q2 is half-way


@pytest.fixture
def tree(time_machine: Any) -> Workspace:
    """Two cycles of one workspace, figures stored:

    Q1: company (no KRs) ← product (no KRs) ← web (web-speed 450→200, web-cdn done/not done)
                         ← sales (sales-revenue follows the KPI, sales-deals at least 10)
    Q2: later (parent company, in Q1: it does not count there) ← later-web
    """
    time_machine.move_to(datetime(2026, 5, 15, 12, tzinfo=UTC), tick=False)
    ws = WorkspaceFactory(key="acme")
    MembershipFactory(workspace=ws, role="admin")  # a plan import needs one
    q1 = CycleFactory(workspace=ws, key="2026-q1", start=date(2026, 1, 1), end=date(2026, 3, 31))
    q2 = CycleFactory(workspace=ws, key="2026-q2", start=date(2026, 4, 1), end=date(2026, 6, 30))
    kpi = KPIFactory(workspace=ws, key="revenue")

    def objective(key: str, cycle: Cycle, parent: Objective | None = None) -> Objective:
        return ObjectiveFactory(workspace=ws, key=key, cycle=cycle, parent=parent)

    company = objective("company", q1)
    product = objective("product", q1, company)
    web = objective("web", q1, product)
    sales = objective("sales", q1, company)
    later = objective("later", q2, company)
    later_web = objective("later-web", q2, later)
    speed = KeyResultFactory(objective=web, key="web-speed", start=450, target=200)
    KeyResultFactory(objective=web, key="web-cdn", metric="boolean", start=None, target=None)
    KeyResultFactory(objective=sales, key="sales-revenue", start=0, target=1000, kpi=kpi)
    deals = KeyResultFactory(objective=sales, key="sales-deals", direction="at_least", target=10)
    churn = KeyResultFactory(
        objective=later, key="later-churn", metric="percent", start=10, target=5
    )
    KeyResultFactory(objective=later_web, key="later-web-users")
    CheckInFactory(key_result=speed, at=date(2026, 2, 1), value=300, confidence=6)
    CheckInFactory(key_result=deals, at=date(2026, 3, 1), value=4, confidence=8)
    CheckInFactory(key_result=churn, at=date(2026, 4, 20), value=8, confidence=5)
    KPIValueFactory(kpi=kpi, at=date(2026, 3, 15), value=400)
    KPIValueFactory(kpi=kpi, at=date(2026, 4, 15), value=700)  # after Q1: not Q1's
    refresh_cycles(Cycle.objects.all())
    return ws


def objective(key: str) -> Objective:
    return Objective.objects.get(key=key)


def key_result(key: str) -> KeyResult:
    return KeyResult.objects.select_related("objective__cycle__workspace", "kpi").get(key=key)


def mismatches() -> list[Any]:
    return compare(list(Cycle.objects.all()))


class TestTheActionsRefresh:
    def test_a_check_in_refreshes_the_key_result_its_objective_and_the_ones_above(self, tree):
        actions.record_check_in(
            key_result("web-speed"), actor=None, value=325, confidence=4, at=date(2026, 3, 2)
        )
        speed = key_result("web-speed")
        assert (speed.current, speed.progress, speed.confidence) == (325, 0.5, 4)
        # web: (0.5 + 0 for web-cdn) / 2; product and company have no key results of their own
        assert objective("web").progress == objective("product").progress == 0.25
        company = (0.25 + objective("sales").progress) / 2
        assert objective("company").progress == pytest.approx(company)
        assert mismatches() == []

    def test_moving_an_objective_refreshes_its_old_and_its_new_parent(self, tree):
        sales = objective("sales").progress
        actions.update_objective(objective("sales"), actor=None, parent=objective("web"))
        assert objective("sales").progress == sales  # its own figures did not change
        assert objective("web").progress == 0.3  # its own key results come first
        actions.update_objective(objective("sales"), actor=None, parent=objective("product"))
        assert objective("product").progress == (0.3 + sales) / 2  # the new parent
        assert objective("company").progress == objective("product").progress  # the old one
        assert mismatches() == []

    def test_deleting_a_key_result_refreshes_its_objective(self, tree):
        actions.delete_key_result(key_result("web-cdn"), actor=None)
        assert objective("web").progress == key_result("web-speed").progress == 0.6
        assert mismatches() == []

    def test_a_kpi_value_refreshes_the_key_results_that_follow_it(self, tree):
        record_kpi_values(
            KPI.objects.get(key="revenue"), [ValueIn(date(2026, 3, 20), 900)], actor=None
        )
        assert key_result("sales-revenue").current == 900
        assert key_result("sales-revenue").progress == 0.9
        assert mismatches() == []

    def test_the_migration_fill_stores_the_recomputed_figures(self, tree):
        filled = {
            kr.key: (kr.current, kr.progress, kr.attainment) for kr in KeyResult.objects.all()
        }
        KeyResult.objects.update(current=None, progress=0, attainment=None, confidence=None)
        Objective.objects.update(progress=None)
        assert len(mismatches()) == 12  # each of the 6 key results and 6 objectives
        refresh_cycles(Cycle.objects.all())  # what migration 0004 runs
        assert mismatches() == []
        assert filled == {
            kr.key: (kr.current, kr.progress, kr.attainment) for kr in KeyResult.objects.all()
        }


# `headway figures check` ---------------------------------------------------------------------


def check(*args: str) -> str:
    out = StringIO()
    call_command("figures", "check", *args, stdout=out)
    return out.getvalue()


class TestFiguresCheck:
    def test_a_clean_database_reports_nothing(self, tree):
        assert check() == "2 cycles checked: the stored figures match the recomputed ones\n"

    def test_it_reports_a_stored_figure_that_differs_and_exits_with_1(self, tree):
        Objective.objects.filter(key="web").update(progress=0.99)
        out = StringIO()
        with pytest.raises(CommandError, match="1 stored figures differ") as raised:
            call_command("figures", "check", stdout=out)
        assert raised.value.returncode == 1
        assert out.getvalue() == (
            "acme/2026-q1\tobjective\tweb\tstored progress=0.99\trecomputed progress=0.3\n"
        )

    def test_it_names_the_figures_of_a_key_result(self, tree):
        KeyResult.objects.filter(key="sales-deals").update(progress=0.5, confidence=None)
        with pytest.raises(CommandError):
            call_command("figures", "check", stdout=(out := StringIO()))
        assert out.getvalue() == (
            "acme/2026-q1\tkey_result\tsales-deals\t"
            "stored current=4.0 progress=0.5 attainment=None confidence=None\t"
            "recomputed current=4.0 progress=0.0 attainment=None confidence=8\n"
        )

    def test_repair_rebuilds_them(self, tree):
        Objective.objects.filter(key="web").update(progress=0.99)
        KeyResult.objects.filter(key="later-churn").update(current=9)
        out = check("--repair")
        assert out.splitlines()[-1] == "2 cycles checked: 2 stored figures repaired"
        assert objective("web").progress == 0.3
        assert key_result("later-churn").current == 8
        assert mismatches() == []

    def test_it_checks_one_workspace(self, tree):
        other = WorkspaceFactory(key="globex")
        ObjectiveFactory(workspace=other, key="elsewhere", cycle__workspace=other)
        Objective.objects.filter(key="web").update(progress=0.99)
        assert check("--workspace", "globex").startswith("1 cycles checked: the stored")
        with pytest.raises(CommandError, match="unknown workspace 'nope'"):
            check("--workspace", "nope")


# Random sequences of writes through the actions ----------------------------------------------


@contextmanager
def rolled_back() -> Iterator[None]:
    """One example's writes, undone after it (the tree is built once per test)."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def pick(rows: list[Any], index: int) -> Any:
    return rows[index % len(rows)] if rows else None


def key_results() -> list[KeyResult]:
    return list(
        KeyResult.objects.select_related("objective__cycle__workspace", "kpi").order_by("pk")
    )


def objectives() -> list[Objective]:
    return list(Objective.objects.select_related("cycle").order_by("pk"))


def cycles() -> list[Cycle]:
    return list(Cycle.objects.order_by("pk"))


def next_key(prefix: str) -> str:
    top = Objective.objects.aggregate(o=Max("pk"))["o"] or 0
    top += KeyResult.objects.aggregate(k=Max("pk"))["k"] or 0
    return f"{prefix}-{top + 1}"


@dataclass(frozen=True)
class RecordCheckIn:
    kr: int
    day: int
    value: int
    confidence: int

    def apply(self) -> None:
        kr = pick(key_results(), self.kr)
        if kr is None:
            return
        cycle = kr.objective.cycle
        last = min(cycle.end, TODAY)
        at = cycle.start + timedelta(days=self.day % ((last - cycle.start).days + 1))
        value: float | None = self.value / 3  # fifteen significant digits to keep
        if kr.metric == "boolean":
            value = self.value % 2
        if kr.kpi_id is not None:
            value = None
        actions.record_check_in(kr, actor=None, value=value, confidence=self.confidence, at=at)


@dataclass(frozen=True)
class RecordKPIValue:
    day: int
    value: int

    def apply(self) -> None:
        at = date(2026, 1, 1) + timedelta(days=self.day % 135)  # up to TODAY
        record_kpi_values(KPI.objects.get(), [ValueIn(at, self.value / 7)], actor=None)


@dataclass(frozen=True)
class EditKeyResult:
    kr: int
    start: float | None
    target: float | None
    weight: float
    direction: str
    metric: str
    follow: bool

    def apply(self) -> None:
        if (kr := pick(key_results(), self.kr)) is not None:
            actions.update_key_result(kr, actor=None, **self.fields())

    def fields(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "target": self.target,
            "weight": self.weight,
            "direction": self.direction,
            "metric": self.metric,
            "kpi": KPI.objects.get() if self.follow else None,
        }


@dataclass(frozen=True)
class CreateKeyResult(EditKeyResult):
    def apply(self) -> None:
        if (parent := pick(objectives(), self.kr)) is not None:
            actions.create_key_result(parent, actor=None, key=next_key("kr"), **self.fields())


@dataclass(frozen=True)
class Reparent:
    objective: int
    parent: int | None

    def apply(self) -> None:
        rows = objectives()
        if rows:
            parent = None if self.parent is None else pick(rows, self.parent)
            actions.update_objective(pick(rows, self.objective), actor=None, parent=parent)


@dataclass(frozen=True)
class ChangeCycle:
    objective: int
    cycle: int

    def apply(self) -> None:
        if (row := pick(objectives(), self.objective)) is not None:
            actions.update_objective(row, actor=None, cycle=pick(cycles(), self.cycle))


@dataclass(frozen=True)
class MoveCycleEnd:
    cycle: int
    days: int

    def apply(self) -> None:
        cycle = pick(cycles(), self.cycle)
        actions.update_cycle(cycle, actor=None, end=cycle.end + timedelta(days=self.days))


@dataclass(frozen=True)
class CreateObjective:
    cycle: int
    parent: int | None

    def apply(self) -> None:
        parent = None if self.parent is None else pick(objectives(), self.parent)
        actions.create_objective(
            Workspace.objects.get(),
            actor=None,
            key=next_key("objective"),
            title="New",
            cycle=pick(cycles(), self.cycle),
            parent=parent,
        )


@dataclass(frozen=True)
class DeleteKeyResult:
    kr: int

    def apply(self) -> None:
        if (kr := pick(key_results(), self.kr)) is not None:
            actions.delete_key_result(kr, actor=None)


@dataclass(frozen=True)
class DeleteObjective:
    objective: int

    def apply(self) -> None:
        if (row := pick(objectives(), self.objective)) is not None:
            actions.delete_objective(row, actor=None)


@dataclass(frozen=True)
class ImportExport:
    """Export the workspace, change one key result's target in the file, import it again."""

    kr: int
    target: int | None

    def apply(self) -> None:
        data = export_workspace(Workspace.objects.get(), as_of=TODAY)
        krs = [kr for o in data["objectives"] for kr in o["key_results"]]
        if self.target is not None and krs:
            pick(krs, self.kr)["target"] = self.target
        import_plan(render(data))


indices = st.integers(0, 6)  # about one per objective: picks collide, as they should
numbers = st.sampled_from([None, 0.0, 10.0, 100.0, 450.0, 1000.0])
kr_fields = {
    "kr": indices,
    "start": numbers,
    "target": numbers,
    "weight": st.sampled_from([0.0, 0.5, 1.0, 3.0]),
    "direction": st.sampled_from(["auto", "at_least", "at_most"]),
    "metric": st.sampled_from(["number", "percent", "boolean"]),
    "follow": st.booleans(),
}
moves = st.builds(Reparent, objective=indices, parent=st.none() | indices)
steps = st.one_of(
    moves,  # three times as often as the others: the hooks of a move are the subtle ones
    moves,
    moves,
    st.builds(
        RecordCheckIn,
        kr=indices,
        day=st.sampled_from([0, 31, 60, 89, 120]),
        value=st.integers(-30, 3000),
        confidence=st.integers(1, 10),
    ),
    st.builds(
        RecordKPIValue, day=st.sampled_from([40, 73, 89, 90, 104, 134]), value=st.integers(0, 9000)
    ),
    st.builds(EditKeyResult, **kr_fields),
    st.builds(CreateKeyResult, **kr_fields),
    st.builds(ChangeCycle, objective=indices, cycle=st.integers(0, 1)),
    st.builds(MoveCycleEnd, cycle=st.integers(0, 1), days=st.sampled_from([-45, -20, 20])),
    st.builds(CreateObjective, cycle=st.integers(0, 1), parent=st.none() | indices),
    st.builds(DeleteKeyResult, kr=indices),
    st.builds(DeleteObjective, objective=indices),
    st.builds(ImportExport, kr=indices, target=st.none() | st.integers(1, 2000)),
)


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(writes=st.lists(steps, min_size=1, max_size=6))
def test_any_sequence_of_writes_leaves_the_stored_figures_as_recomputed(tree, writes):
    with rolled_back():
        for write in writes:
            try:
                write.apply()
            except (DomainError, PlanError) as e:
                event(f"{type(write).__name__} refused {e}"[:60])
                continue
            event(f"{type(write).__name__} ok")  # refused, and so rolled back: nothing changed
            assert mismatches() == [], write
