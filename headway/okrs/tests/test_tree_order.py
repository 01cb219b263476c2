"""The OKR tree's order (company objectives first, then departments', then teams', then those of
no team, by title) comes from each objective's stored `team_rank`: every write through the
actions and the plan import keeps it equal to its team's kind, and the tree lists and pages the
objectives as that rule says."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from headway.core.errors import DomainError
from headway.core.tests.fixtures import World, signed_in
from headway.domain.tree import team_rank
from headway.okrs import actions
from headway.okrs.models import Objective
from headway.okrs.views.tree import PAGE_SIZE
from headway.plans.exporter import export_workspace, render
from headway.plans.importer import import_plan
from headway.plans.schema import PlanError
from headway.teams import actions as team_actions
from headway.teams.models import Team

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mid_quarter")]

KINDS = ["company", "department", "team"]


def create(world: World, key: str, title: str, team: Team | None, **fields: Any) -> Objective:
    return actions.create_objective(
        world.workspace,
        actor=None,
        key=key,
        title=title,
        cycle=world.cycle,
        team=team,
        owner=world.user("admin"),
        **fields,
    )


def expected_order(world: World) -> list[str]:
    """The keys of the cycle's top-level objectives in the tree's order, from the teams' kinds
    (not the stored ranks): the rule the tree followed before the ranks were stored."""
    rows = Objective.objects.filter(cycle=world.cycle, parent=None).select_related("team")
    kind_order = {kind: n for n, kind in enumerate(KINDS)}

    def place(o: Objective) -> tuple[int, str, int]:
        return (kind_order[o.team.kind] if o.team else len(KINDS), o.title, o.pk)

    return [o.key for o in sorted(rows, key=place)]


def listed(page: str) -> list[str]:
    """The keys of the top-level objectives a tree page lists, in its order."""
    return re.findall(r'<li id="node-([^"]+)"', page)


def stored_ranks_are_right() -> bool:
    rows = Objective.objects.select_related("team")
    return all(o.team_rank == team_rank(o.team.kind if o.team else None) for o in rows)


@pytest.fixture
def mixed(world: World) -> World:
    """120 top-level objectives spread over the company, the department, the team and no team,
    many sharing a title (the id breaks the tie), each of the first ten with one aligned below."""
    teams = [world.company, world.product, world.web, None]
    for n in range(120):
        top = create(world, f"o{n:03}", f"Title {n % 17:02}", teams[(n * 7) % 4])
        if n < 10:
            create(world, f"below-o{n:03}", f"Below {n}", world.web, parent=top)
    return world


def test_the_tree_lists_every_page_in_the_order_of_the_rule(mixed):
    client = signed_in(mixed, "admin")
    order = expected_order(mixed)
    shown = []
    for page in range(1, len(order) // PAGE_SIZE + 2):
        text = client.get(f"/okrs/?page={page}").content.decode()
        shown += [key for key in listed(text) if not key.startswith("below-")]
    assert shown == order


def test_a_branch_opens_on_the_page_that_holds_its_top_level_objective(mixed):
    client = signed_in(mixed, "admin")
    order = expected_order(mixed)
    for n in range(10):
        text = client.get(f"/okrs/tree/below-o{n:03}/").content.decode()
        page = order.index(f"o{n:03}") // PAGE_SIZE
        assert f"o{n:03}" in listed(text)
        assert [k for k in listed(text) if k.startswith("o")] == order[
            page * PAGE_SIZE : (page + 1) * PAGE_SIZE
        ]


def test_a_team_that_becomes_a_department_moves_its_objectives_up_the_tree(mixed):
    team_actions.update_team(mixed.web, actor=None, kind="department")
    assert stored_ranks_are_right()
    client = signed_in(mixed, "admin")
    text = client.get("/okrs/").content.decode()
    assert [k for k in listed(text) if k.startswith("o")] == expected_order(mixed)[:PAGE_SIZE]


# Random sequences of writes through the actions and the plan import ----------------------------


@contextmanager
def rolled_back() -> Iterator[None]:
    """One example's writes, undone after it (the world is built once per test)."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def teams() -> list[Team | None]:
    return [*Team.objects.filter(workspace__key="acme").order_by("pk"), None]


def objectives() -> list[Objective]:
    return list(Objective.objects.order_by("pk"))


@dataclass(frozen=True)
class Create:
    team: int

    def apply(self, world: World) -> None:
        n = Objective.objects.count()
        create(world, f"new-{n}", f"New {n}", teams()[self.team % len(teams())])


@dataclass(frozen=True)
class MoveToTeam:
    objective: int
    team: int

    def apply(self, world: World) -> None:
        if rows := objectives():
            row = rows[self.objective % len(rows)]
            actions.update_objective(row, actor=None, team=teams()[self.team % len(teams())])


@dataclass(frozen=True)
class ChangeKind:
    team: int
    kind: str

    def apply(self, world: World) -> None:
        rows = list(Team.objects.filter(workspace__key="acme").order_by("pk"))
        team_actions.update_team(rows[self.team % len(rows)], actor=None, kind=self.kind)


@dataclass(frozen=True)
class Import:
    """Export the workspace, change a team's kind and an objective's team in the file, import
    it again."""

    team: int
    kind: str
    objective: int
    to_team: int

    def apply(self, world: World) -> None:
        data = export_workspace(world.workspace, as_of=date(2026, 2, 15))
        team = data["teams"][self.team % len(data["teams"])]
        team["kind"] = self.kind
        if data["objectives"]:
            row = data["objectives"][self.objective % len(data["objectives"])]
            keys = [t["key"] for t in data["teams"]] + [None]
            row["team"] = keys[self.to_team % len(keys)]
        import_plan(render(data))


indices = st.integers(0, 5)
kinds = st.sampled_from(KINDS)
steps = st.one_of(
    st.builds(Create, team=indices),
    st.builds(MoveToTeam, objective=indices, team=indices),
    st.builds(ChangeKind, team=indices, kind=kinds),
    st.builds(Import, team=indices, kind=kinds, objective=indices, to_team=indices),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(writes=st.lists(steps, min_size=1, max_size=5))
def test_any_sequence_of_writes_keeps_each_objectives_team_rank_and_the_tree_order(world, writes):
    with rolled_back():
        create(world, "start", "Start", world.web)
        for write in writes:
            try:
                write.apply(world)
            except (DomainError, PlanError) as e:
                event(f"{type(write).__name__} refused {e}"[:60])
                continue
            event(f"{type(write).__name__} ok")
            assert stored_ranks_are_right(), write
        text = signed_in(world, "admin").get("/okrs/").content.decode()
        assert listed(text) == expected_order(world)
