"""Team rollups and the figures of today's pages come from stored figures, equal to the
computed ones, in a number of queries that does not grow with the objectives."""

from __future__ import annotations

import re
from datetime import date
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from headway import access
from headway.core.tests.factories import CheckInFactory, KeyResultFactory, ObjectiveFactory
from headway.core.tests.fixtures import signed_in
from headway.domain.numbers import dec, num
from headway.okrs import rollups, scoring
from headway.okrs.models import Objective
from headway.okrs.rollups import shown_team_progress
from headway.okrs.scoring import scoreboard
from headway.teams.models import Team

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mid_quarter")]
TODAY = date(2026, 2, 15)


def add_objectives(world, count: int, first: int = 0) -> None:
    teams = [world.web, world.company, None]
    for n in range(first, first + count):
        objective = ObjectiveFactory(
            workspace=world.workspace, cycle=world.cycle, team=teams[n % 3],
            owner=world.user("member"), visibility="private" if n % 4 == 0 else "workspace",
        )  # fmt: skip
        kr = KeyResultFactory(objective=objective, target=[3, 7, 100][n % 3])
        CheckInFactory(key_result=kr, at=date(2026, 2, 1), value=1 + n % 5)


def parents(world) -> dict[int, int | None]:
    return dict(Team.objects.filter(workspace=world.workspace).values_list("pk", "parent_id"))


def computed(world, visible) -> dict[int, float | None]:
    """The rollup of every team computed from the readings (the scoreboard), over `visible`."""
    ids = set(visible.filter(cycle=world.cycle).values_list("id", flat=True))
    return scoreboard([world.cycle], as_of=TODAY).team_progress(parents(world), ids)


@pytest.mark.parametrize("persona", ["admin", "viewer"])
def test_the_rollup_equals_the_scoreboard_leaving_hidden_objectives_out(world, persona):
    add_objectives(world, 12)
    expected = computed(world, access.objectives_for(getattr(world, persona)))
    teams = [world.company, world.product, world.web]
    with mock.patch.object(scoring, "compute_into", side_effect=AssertionError) as compute:
        got = shown(world, persona, teams)
    assert not compute.called
    assert {t: num_(v) for t, v in got.items()} == {t.pk: num_(expected[t.pk]) for t in teams}
    assert any(v is not None for v in got.values())
    if persona == "viewer":  # the private objectives are left out
        everything = scoreboard([world.cycle], as_of=TODAY).team_progress(parents(world))
        assert got[world.web.pk] != everything[world.web.pk]


def shown(world, persona: str, teams: list[Team]) -> dict[int, float | None]:
    return shown_team_progress(
        world.cycle,
        Team.objects.filter(workspace=world.workspace),
        [t.pk for t in teams],
        access.objectives_for(getattr(world, persona)),
        as_of=TODAY,
        today=TODAY,
    )


class TestTheTeamsAPageShows:
    """shown_team_progress: each shown team's figure is the mean stored progress of the visible
    objectives of the cycle in its subtree, as the whole rollup has it."""

    @pytest.mark.parametrize("persona", ["admin", "member", "viewer"])
    def test_each_figure_equals_the_whole_rollup(self, world, persona):
        add_objectives(world, 12)
        whole = computed(world, access.objectives_for(getattr(world, persona)))
        for teams in ([world.product], [world.web], [world.company, world.product, world.web]):
            got = shown(world, persona, teams)
            assert {t: num_(v) for t, v in got.items()} == {t.pk: num_(whole[t.pk]) for t in teams}

    def test_it_is_the_mean_of_the_visible_objectives_below(self, world):
        add_objectives(world, 12)
        for persona in ("admin", "viewer"):
            visible = access.objectives_for(getattr(world, persona)).filter(
                cycle=world.cycle, team__in=[world.product, world.web]
            )
            values = [dec(p) for p in visible.values_list("progress", flat=True)]
            got = shown(world, persona, [world.product])[world.product.pk]
            assert got == num(sum(values, dec(0)) / len(values))
        # the viewer cannot see the private ones: a different figure
        assert shown(world, "viewer", [world.web]) != shown(world, "admin", [world.web])

    def test_a_team_without_objectives_below_has_none(self, world):
        empty = Team.objects.create(workspace=world.workspace, key="empty", name="Empty")
        add_objectives(world, 3)
        assert shown(world, "admin", [empty]) == {empty.pk: None}

    def test_a_loop_in_the_parents_ends(self, world):
        """A corrupt tree (company below web) ends the walk: each objective counts once."""
        add_objectives(world, 12)
        Team.objects.filter(pk=world.company.pk).update(parent=world.web)
        whole = computed(world, Objective.objects.all())
        got = shown(world, "admin", [world.company, world.web])
        assert got[world.web.pk] == got[world.company.pk] == num_(whole[world.web.pk])

    def test_a_past_date_takes_the_scoreboard(self, world):
        add_objectives(world, 3)
        past = date(2026, 1, 20)
        got = shown_team_progress(
            world.cycle, Team.objects.filter(workspace=world.workspace), [world.web.pk],
            Objective.objects.all(), as_of=past, today=TODAY,
        )  # fmt: skip
        assert got == {world.web.pk: 0.0}

    def test_it_costs_one_query_however_many_teams(self, world):
        add_objectives(world, 6)
        for size in (3, 40):
            for n in range(size):
                Team.objects.create(
                    workspace=world.workspace, key=f"t{size}-{n}", name="T", parent=world.web
                )
            teams = Team.objects.filter(workspace=world.workspace)
            ids = list(teams.values_list("pk", flat=True))
            visible = access.objectives_for(world.viewer)
            str(visible.query)  # the viewer's teams are read once, before
            with CaptureQueriesContext(connection) as captured:
                got = shown_team_progress(
                    world.cycle, teams, ids, visible, as_of=TODAY, today=TODAY
                )
            assert len(captured) == 1
            assert len(got) == len(ids)


def num_(value: float | None) -> float | None:
    return num(dec(value))


def test_the_rollup_costs_the_same_queries_with_more_objectives(world):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            shown(world, "admin", [world.company, world.product, world.web])
        return len(captured)

    add_objectives(world, 3)
    few = queries()
    add_objectives(world, 30, first=3)
    assert queries() == few


def page(client, url: str) -> str:
    """The page without what changes at every request (the CSP nonce, the CSRF token)."""
    text = client.get(url).content.decode()
    return re.sub(r"[A-Za-z0-9+/=_-]{40,}", "", text)


@pytest.mark.parametrize("persona", ["member", "viewer"])
@pytest.mark.parametrize("url", ["/", "/teams/", "/teams/web/", "/teams/company/"])
def test_todays_pages_show_stored_figures_equal_to_computed_ones(world, url, persona):
    add_objectives(world, 6)
    client = signed_in(world, persona)
    with (
        mock.patch.object(scoring, "uses_stored", return_value=False),
        mock.patch.object(rollups, "uses_stored", return_value=False),
    ):
        computed = page(client, url)
    with mock.patch.object(scoring, "compute_into", side_effect=AssertionError) as compute:
        stored = page(client, url)
    assert not compute.called
    assert stored == computed
    assert "%" in stored
