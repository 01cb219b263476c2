"""Reading parts of a tree from the database (headway/core/trees.py) and the caller's place in
the team tree (access.team_context) built on it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from headway import access
from headway.core.tests.factories import MembershipFactory, TeamFactory, WorkspaceFactory
from headway.core.trees import ancestor_map, subtree_ids, subtree_totals
from headway.domain.tree import descendants, lineage
from headway.teams.models import Team


def build(parents: list[int | None]) -> list[Team]:
    """Teams t0..tn of one workspace; team i's parent is team parents[i] (None: a root)."""
    workspace = WorkspaceFactory()
    teams = [TeamFactory(workspace=workspace) for _ in parents]
    for team, parent in zip(teams, parents, strict=True):
        if parent is not None:
            team.parent = teams[parent]
            team.save(update_fields=["parent"])
    return teams


def random_tree(raw_parents: list[int]) -> tuple[list[Team], dict[int, int | None]]:
    """Teams with these parent links (an index out of range: a root; loops allowed) and their
    parent map by id."""
    n = len(raw_parents)
    parents = [p if 0 <= p < n else None for p in raw_parents]
    teams = build(parents)
    ids = {
        t.pk: (teams[p].pk if p is not None else None) for t, p in zip(teams, parents, strict=True)
    }
    return teams, ids


PARENTS = st.lists(st.integers(min_value=-1, max_value=11), min_size=1, max_size=12)
ROOTS = st.sets(st.integers(min_value=0, max_value=11), max_size=3)


class TestSubtreeIds(TestCase):
    @settings(max_examples=25, deadline=None)
    @given(PARENTS, ROOTS)
    def test_finds_what_the_whole_tree_walk_finds(self, raw_parents, raw_roots):
        """Any parent links, loops included (a team below itself), give the same subtree as the
        pure walk over the whole tree, and the query ends."""
        teams, ids = random_tree(raw_parents)
        roots = [teams[i] for i in raw_roots if i < len(teams)]
        expected = descendants(ids, [t.pk for t in roots])
        found = subtree_ids(Team.objects.filter(pk__in=[t.pk for t in roots]))
        assert found == expected


class TestSubtreeTotals(TestCase):
    @settings(max_examples=25, deadline=None)
    @given(PARENTS, ROOTS)
    def test_sums_over_each_root_what_the_whole_tree_walk_finds(self, raw_parents, raw_roots):
        """Summing the teams' own ids over each root's subtree: each team below it counted once,
        loops included, and the query ends."""
        teams, ids = random_tree(raw_parents)
        roots = [teams[i].pk for i in raw_roots if i < len(teams)]
        rows = Team.objects.filter(workspace=teams[0].workspace)
        got = subtree_totals(Team.objects.filter(pk__in=roots), rows, link="id", value="id")
        expected = {}
        for root in roots:
            below = descendants(ids, [root])
            expected[root] = (sum(below), len(below))
        assert got == expected

    def test_leaves_out_null_values_and_roots_with_nothing_below(self):
        company, sales, tech = build([None, 0, 0])
        rows = Team.objects.filter(pk=sales.pk)  # only sales counts; its parent_id is set
        got = subtree_totals(Team.objects.all(), rows, link="id", value="parent_id")
        assert got == {company.pk: (company.pk, 1), sales.pk: (company.pk, 1)}
        nulls = Team.objects.filter(pk=company.pk)  # a value of NULL counts for nothing
        assert subtree_totals(Team.objects.all(), nulls, link="id", value="parent_id") == {}
        assert subtree_totals(Team.objects.none(), rows, link="id", value="id") == {}
        assert tech.pk not in got


class TestAncestorMap(TestCase):
    @settings(max_examples=25, deadline=None)
    @given(PARENTS, st.integers(min_value=0, max_value=11))
    def test_gives_the_chain_the_whole_tree_walk_gives(self, raw_parents, start):
        teams, ids = random_tree(raw_parents)
        team = teams[start % len(teams)]
        chain = ancestor_map(Team.objects.filter(pk=team.pk))
        assert lineage(chain, team.pk) == lineage(ids, team.pk)
        assert set(chain) == set(lineage(ids, team.pk))

    def test_stops_at_another_workspace(self):
        (mine,) = build([None])
        (other,) = build([None])
        mine.parent = other  # a corrupt row: a parent in another workspace
        mine.save(update_fields=["parent"])
        assert ancestor_map(Team.objects.filter(pk=mine.pk)) == {mine.pk: other.pk}


@pytest.mark.django_db
class TestTeamContext:
    def test_a_lead_sees_the_teams_below_the_ones_they_lead_and_not_their_siblings(self):
        company, sales, north, south, tech = build([None, 0, 1, 1, 0])
        membership = MembershipFactory(workspace=company.workspace)
        sales.lead = membership.user
        sales.save(update_fields=["lead"])
        tech.members.add(membership.user)
        ctx = access.team_context(membership)
        assert ctx.led_subtree == {sales.pk, north.pk, south.pk}
        assert ctx.mine == {sales.pk, tech.pk}

    def test_costs_two_queries_whatever_the_size_of_the_tree(self):
        for size in (3, 40):
            teams = build([None] + [0] * (size - 1))
            membership = MembershipFactory(workspace=teams[0].workspace)
            with CaptureQueriesContext(connection) as queries:
                access.team_context(membership)
            assert len(queries) == 2

    def test_teams_of_another_workspace_are_not_below_a_lead(self):
        (mine,) = build([None])
        (other,) = build([None])
        other.parent = mine  # a corrupt row: a parent in another workspace
        other.save(update_fields=["parent"])
        membership = MembershipFactory(workspace=mine.workspace)
        mine.lead = membership.user
        mine.save(update_fields=["lead"])
        assert access.team_context(membership).led_subtree == {mine.pk}
