"""Closing a cycle is atomic (issue 9 item 13): each check-in and KPI value lands before the
close, inside its frozen figures, or is refused after it; two admins demoting each other at once
get one success and one clear refusal, never a deadlock.

The first tests replay the race without threads (a cycle read before the close, used after it)
and run on both databases. The threaded ones hold a transaction open in one thread while another
writes; they need PostgreSQL's row locks (SQLite's test database lives in memory, and on SQLite
BEGIN IMMEDIATE serializes every writer anyway: tests/live replays it there with processes).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import date
from typing import Any
from unittest import mock

import pytest
from django.db import connection, connections, transaction

from headway.accounts.actions import change_role
from headway.accounts.models import Membership
from headway.core.errors import Conflict
from headway.core.tests.factories import (
    CycleFactory,
    KeyResultFactory,
    KPIFactory,
    MembershipFactory,
    ObjectiveFactory,
    WorkspaceFactory,
)
from headway.domain.types import Role
from headway.kpis.actions import ValueIn, record_kpi_values
from headway.okrs.actions import close_cycle, record_check_in
from headway.okrs.models import CheckIn, Cycle, KeyResult

DAY = date(2026, 2, 1)  # inside the factories' cycle, 2026-01-01 to 2026-03-31
needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks between threads: PostgreSQL"
)


def fresh(kr: KeyResult) -> KeyResult:
    """The key result as a page or endpoint reads it, before its write transaction begins."""
    return KeyResult.objects.select_related("objective__cycle__workspace").get(pk=kr.pk)


def frozen_current(kr: KeyResult) -> float | None:
    cycle = Cycle.objects.get(pk=kr.objective.cycle_id)
    assert cycle.frozen_figures is not None
    return cycle.frozen_figures["key_results"][str(kr.pk)]["current"]


@pytest.mark.django_db
class TestWithObjectsReadBeforeTheClose:
    def test_a_check_in_is_refused_once_the_cycle_is_closed(self):
        kr = KeyResultFactory()
        stale = fresh(kr)
        close_cycle(Cycle.objects.get(pk=kr.objective.cycle_id), actor=None)
        with pytest.raises(Conflict, match="closed"):
            record_check_in(stale, actor=None, value=50, confidence=7, at=DAY)
        assert not CheckIn.objects.exists()

    def test_a_cycle_is_closed_once(self):
        cycle = CycleFactory()
        first, second = Cycle.objects.get(pk=cycle.pk), Cycle.objects.get(pk=cycle.pk)
        close_cycle(first, actor=None)
        with pytest.raises(Conflict, match="already closed"):
            close_cycle(second, actor=None)

    def test_the_last_admin_stays_an_admin(self):
        ws = WorkspaceFactory()
        ada, bob = (MembershipFactory(workspace=ws, role="admin") for _ in range(2))
        stale = Membership.objects.get(pk=bob.pk)
        change_role(ada, Role.MEMBER, actor=None)
        with pytest.raises(Conflict, match="at least one admin"):
            change_role(stale, Role.MEMBER, actor=None)


class Worker(threading.Thread):
    """Runs `work` in its own database connection; keeps its result or exception."""

    def __init__(self, work: Callable[[], Any]) -> None:
        super().__init__(daemon=True)
        self.work = work
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self.work()
        except BaseException as exc:
            self.error = exc
        finally:
            connections.close_all()

    def outcome(self) -> Any:
        self.join(timeout=30)
        assert not self.is_alive(), "still waiting after 30 s"
        return self.error if self.error is not None else self.result


@contextmanager
def held_open(write: Callable[[], Any]) -> Iterator[Worker]:
    """`write` runs in a thread's transaction, which stays open (its locks held) until the block
    ends; then it commits."""
    written, release = threading.Event(), threading.Event()

    def work() -> Any:
        with transaction.atomic():
            result = write()
            written.set()
            release.wait(timeout=20)
        return result

    worker = Worker(work)
    worker.start()
    try:
        assert written.wait(timeout=20), worker.error
        yield worker
    finally:
        release.set()
        worker.join(timeout=30)


def still_waiting(worker: Worker) -> bool:
    time.sleep(0.5)
    return worker.is_alive()


@needs_postgresql
@pytest.mark.django_db(transaction=True)
class TestConcurrentWriters:
    def test_the_close_waits_for_a_check_in_in_flight_and_counts_it(self):
        kr = KeyResultFactory()
        with held_open(
            lambda: record_check_in(fresh(kr), actor=None, value=42, confidence=7, at=DAY)
        ) as check_in:
            closing = Worker(
                lambda: close_cycle(Cycle.objects.get(pk=kr.objective.cycle_id), actor=None)
            )
            closing.start()
            assert still_waiting(closing)
        assert isinstance(check_in.outcome(), CheckIn)
        assert isinstance(closing.outcome(), Cycle)
        assert frozen_current(kr) == 42

    def test_a_check_in_that_comes_while_the_cycle_closes_is_refused(self):
        kr = KeyResultFactory()
        stale = fresh(kr)
        with held_open(
            lambda: close_cycle(Cycle.objects.get(pk=kr.objective.cycle_id), actor=None)
        ) as closing:
            check_in = Worker(
                lambda: record_check_in(stale, actor=None, value=42, confidence=7, at=DAY)
            )
            check_in.start()
            assert still_waiting(check_in)
        assert isinstance(closing.outcome(), Cycle)
        assert isinstance(check_in.outcome(), Conflict)
        assert not CheckIn.objects.exists()
        assert frozen_current(kr) == 0  # the start: no check-in counted

    def test_the_close_waits_for_kpi_values_in_flight_and_counts_them(self):
        kpi = KPIFactory()
        objective = ObjectiveFactory(workspace=kpi.workspace)
        kr = KeyResultFactory(objective=objective, kpi=kpi, start=0, target=100)
        with held_open(
            lambda: record_kpi_values(kpi, [ValueIn(at=DAY, value=64)], actor=None)
        ) as values:
            closing = Worker(
                lambda: close_cycle(Cycle.objects.get(pk=objective.cycle_id), actor=None)
            )
            closing.start()
            assert still_waiting(closing)
        assert values.outcome().created == 1
        assert isinstance(closing.outcome(), Cycle)
        assert frozen_current(kr) == 64

    def test_two_admins_demoting_each_other_one_is_refused_no_deadlock(self):
        ws = WorkspaceFactory()
        ada, bob = (MembershipFactory(workspace=ws, role="admin") for _ in range(2))
        # Both read the admins, then both write: the interleaving that deadlocked.
        both_checked = threading.Barrier(2, timeout=2)
        save = Membership.save

        def save_after_both_checked(self: Membership, *args: Any, **kwargs: Any) -> None:
            # Broken when the other one waits for our locks instead: that is the fix.
            with suppress(threading.BrokenBarrierError):
                both_checked.wait()
            save(self, *args, **kwargs)

        with mock.patch.object(Membership, "save", save_after_both_checked):
            workers = [
                Worker(
                    lambda m=m: change_role(
                        Membership.objects.get(pk=m.pk), Role.MEMBER, actor=None
                    )
                )
                for m in (ada, bob)
            ]
            for worker in workers:
                worker.start()
            outcomes = [worker.outcome() for worker in workers]
        assert sorted(type(o).__name__ for o in outcomes) == ["Conflict", "NoneType"], outcomes
        assert Membership.objects.filter(workspace=ws, role="admin").count() == 1
