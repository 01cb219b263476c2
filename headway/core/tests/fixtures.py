"""Personas and a small workspace, shared by every app's tests (registered in conftest.py).

Workspace "acme": company → product (department) → web (team). Personas: `admin`, `member`
(member of web), `lead` (lead of product), `viewer`, and `stranger`, an admin of a second
workspace "globex" that holds objects with the same keys.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client

from headway.accounts.models import Membership, User, Workspace
from headway.core.errors import DomainError
from headway.core.tests.factories import (
    CycleFactory,
    MembershipFactory,
    TeamFactory,
    UserFactory,
    WorkspaceFactory,
)
from headway.history.models import Event
from headway.okrs.models import Cycle
from headway.teams.models import Team


@dataclass
class World:
    workspace: Workspace
    other: Workspace
    admin: Membership
    member: Membership
    lead: Membership
    viewer: Membership
    stranger: Membership
    company: Team
    product: Team
    web: Team
    cycle: Cycle

    def user(self, persona: str) -> User:
        membership: Membership = getattr(self, persona)
        return membership.user


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def build_world() -> World:
    """The rows of the `world` fixture (for fixtures that build it once per module)."""
    acme = WorkspaceFactory(key="acme", name="Acme")
    globex = WorkspaceFactory(key="globex", name="Globex")
    admin = MembershipFactory(user=UserFactory(username="ada"), workspace=acme, role="admin")
    member = MembershipFactory(user=UserFactory(username="max"), workspace=acme, role="member")
    lead = MembershipFactory(user=UserFactory(username="lea"), workspace=acme, role="member")
    viewer = MembershipFactory(user=UserFactory(username="vic"), workspace=acme, role="viewer")
    stranger = MembershipFactory(user=UserFactory(username="sam"), workspace=globex, role="admin")
    company = TeamFactory(workspace=acme, key="company", name="Acme", kind="company")
    product = TeamFactory(
        workspace=acme,
        key="product",
        name="Product",
        kind="department",
        parent=company,
        lead=lead.user,
    )
    web = TeamFactory(workspace=acme, key="web", name="Web", parent=product)
    web.members.add(member.user)
    cycle = CycleFactory(workspace=acme, key="2026-q1", name="Q1 2026")
    return World(
        workspace=acme,
        other=globex,
        admin=admin,
        member=member,
        lead=lead,
        viewer=viewer,
        stranger=stranger,
        company=company,
        product=product,
        web=web,
        cycle=cycle,
    )


@pytest.fixture(scope="module")
def module_transaction(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """A transaction around all of a module's tests, rolled back at its end, in which
    module-scoped fixtures build rows once; each test still runs in its own savepoint, rolled
    back after it (the way Django's TestCase.setUpTestData works). Instances built there are
    shared: hand tests a copy (copy.deepcopy) when they may change one."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture
def immediate() -> Iterator[None]:
    """Huey's immediate mode: a queued job runs at once, in the process (in-memory queue)."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    yield
    HUEY.immediate = False


@pytest.fixture
def mid_quarter(time_machine: Any) -> None:
    """The clock stands at noon on 15 February 2026, half-way through the world's Q1 cycle."""
    time_machine.move_to(datetime(2026, 2, 15, 12, tzinfo=UTC), tick=False)


def signed_in(world: World, persona: str) -> Client:
    """A test client signed in as one of the world's personas."""
    client = Client()
    client.force_login(world.user(persona))
    return client


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every Headway table (history included), by model, in id order."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
        if model.__module__.startswith("headway.")
    }


@contextmanager
def nothing_changes() -> Iterator[None]:
    """Assert that the block leaves every Headway table as it found it: no row added, removed
    or changed, and no event recorded. Wrap `pytest.raises` in it to test a refusal."""
    before = snapshot()
    yield
    assert snapshot() == before


@contextmanager
def refused(error: type[DomainError], match: str, field: str | None = None) -> Iterator[None]:
    """Assert that the block raises `error`, its message matching `match` (and naming `field`
    when given), and that it changed nothing (see nothing_changes)."""
    with nothing_changes(), pytest.raises(error, match=match) as raised:
        yield
    if field is not None:
        assert getattr(raised.value, "field", None) == field


def the_event(**expected: Any) -> Event:
    """The one event recorded since the test's setup (factories record none), checked against
    `expected`, field by field: `the_event(verb="created", subject_key="GROW", via="api")`."""
    event = Event.objects.get()
    assert {name: getattr(event, name) for name in expected} == expected
    return event
