"""`headway worker` and the periodic scan it runs."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from huey.contrib.djhuey import HUEY

from headway.core.tests.factories import CycleFactory
from headway.events.models import DomainEvent
from headway.events.tasks import SCAN_SCHEDULE, scan_dates


def due_at(*moment: int) -> set[str]:
    return {task.name for task in HUEY.read_periodic(datetime(*moment))}


def test_the_scan_is_a_periodic_job_twice_an_hour():
    assert "scan_dates" in due_at(2026, 3, 30, 8, 0)
    assert "scan_dates" in due_at(2026, 3, 30, 8, 30)
    assert "scan_dates" not in due_at(2026, 3, 30, 8, 15)
    assert not SCAN_SCHEDULE(datetime(2026, 3, 30, 8, 45))


@pytest.mark.django_db
def test_the_job_scans_every_workspace(world, immediate, time_machine):
    time_machine.move_to(datetime(2026, 4, 1, 6, tzinfo=UTC), tick=False)
    CycleFactory(workspace=world.workspace, start=date(2026, 4, 1), end=date(2026, 6, 30))
    CycleFactory(workspace=world.other, start=date(2026, 4, 1), end=date(2026, 6, 30))
    scan_dates()
    started = DomainEvent.objects.filter(kind="cycle.started")
    assert sorted(started.values_list("workspace__key", flat=True)) == ["acme", "globex"]


def test_the_worker_refuses_to_start_without_a_queue(immediate):
    with pytest.raises(CommandError, match="no queue for a worker"):
        call_command("worker", stdout=StringIO())


def test_the_worker_takes_hueys_options(capsys):
    with pytest.raises(SystemExit):
        call_command("worker", "--help")
    text = capsys.readouterr().out
    assert "--workers" in text
    assert "--no-periodic" in text
