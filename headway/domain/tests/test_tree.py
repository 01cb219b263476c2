"""Parent chains: lineage, loops, depths, parents first, descendants (headway.domain.tree)."""

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from headway.domain.tree import depths, descendants, has_loop, lineage, parents_first, team_rank
from headway.domain.types import TeamKind

# company -> product -> web, mobile; sales is a second root
TREE: dict[str, str | None] = {
    "company": None,
    "product": "company",
    "web": "product",
    "mobile": "product",
    "sales": None,
}


class TestLineage:
    def test_it_climbs_from_a_node_to_its_root(self) -> None:
        assert lineage(TREE, "web") == ["web", "product", "company"]

    def test_it_stops_at_a_parent_it_does_not_know(self) -> None:
        assert lineage({"a": "b", "b": "gone"}, "a") == ["a", "b"]
        assert lineage(TREE, "unknown") == []

    def test_it_stops_at_a_loop_instead_of_hanging(self) -> None:
        assert lineage({"a": "b", "b": "c", "c": "a"}, "a") == ["a", "b", "c"]


class TestHasLoop:
    def test_a_tree_has_none(self) -> None:
        assert not any(has_loop(TREE, node) for node in TREE)

    def test_a_node_under_its_own_descendant_makes_one(self) -> None:
        assert has_loop({**TREE, "product": "web"}, "product")
        assert has_loop({**TREE, "company": "company"}, "company")

    def test_moving_a_node_elsewhere_does_not(self) -> None:
        assert not has_loop({**TREE, "web": "sales"}, "web")

    def test_a_loop_further_up_the_chain_counts(self) -> None:
        assert has_loop({"x": "a", "a": "b", "b": "a"}, "x")


class TestDepthsAndOrder:
    def test_depth_is_the_number_of_ancestors(self) -> None:
        assert depths(TREE) == {"company": 0, "product": 1, "web": 2, "mobile": 2, "sales": 0}

    def test_parents_come_before_their_children(self) -> None:
        order = parents_first({"web": "product", "product": "company", "company": None})
        assert order == ["company", "product", "web"]

    def test_a_parent_outside_the_mapping_makes_a_root(self) -> None:
        assert depths({"child": "elsewhere"}) == {"child": 0}


class TestDescendants:
    def test_a_root_brings_its_whole_subtree(self) -> None:
        assert descendants(TREE, ["product"]) == {"product", "web", "mobile"}

    def test_no_roots_no_nodes_and_loops_end(self) -> None:
        assert descendants(TREE, []) == set()
        assert descendants({"a": "b", "b": "a"}, ["a"]) == {"a", "b"}


# Any mapping of up to 12 nodes to a parent among them (or None): trees and loops alike.
mappings = st.integers(1, 12).flatmap(
    lambda n: st.lists(st.none() | st.integers(0, n - 1), min_size=n, max_size=n).map(
        lambda parents: dict(enumerate(parents))
    )
)


@given(mappings)
def test_lineage_is_a_chain_of_parents_without_repeats(parents: dict[int, int | None]) -> None:
    for node in parents:
        chain = lineage(parents, node)
        assert chain[0] == node
        assert len(set(chain)) == len(chain)
        assert all(parents[a] == b for a, b in pairwise(chain))


@given(mappings)
def test_a_loop_is_found_exactly_when_the_chain_does_not_end_at_a_root(
    parents: dict[int, int | None],
) -> None:
    for node in parents:
        assert has_loop(parents, node) == (parents[lineage(parents, node)[-1]] is not None)


@given(mappings)
def test_without_loops_parents_come_first(parents: dict[int, int | None]) -> None:
    if any(has_loop(parents, node) for node in parents):
        return
    position = {node: i for i, node in enumerate(parents_first(parents))}
    for node, parent in parents.items():
        if parent is not None:
            assert position[parent] < position[node]
            assert node in descendants(parents, [parent])


class TestTeamRank:
    def test_the_company_comes_first_then_departments_then_teams_then_no_team(self) -> None:
        kinds = ["team", None, "department", "company"]
        assert sorted(kinds, key=team_rank) == ["company", "department", "team", None]

    def test_the_ranks_sort_as_the_kinds_did(self) -> None:
        # The tree used to sort by the kind's text, nulls last: the ranks keep that order.
        named = sorted(TeamKind, key=lambda kind: kind.value)
        assert [team_rank(kind) for kind in named] == [0, 1, 2]
        assert team_rank(None) > max(team_rank(kind) for kind in TeamKind)

    def test_an_unknown_kind_is_refused(self) -> None:
        with pytest.raises(ValueError, match="squad"):
            team_rank("squad")
