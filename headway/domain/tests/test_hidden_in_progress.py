"""domain.progress.hidden_in_progress: the hidden objectives behind an objective's figure."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from headway.domain.progress import hidden_in_progress


def test_a_parent_without_key_results_counts_its_hidden_children():
    assert hidden_in_progress({1: [2, 3]}, has_own={2, 3}, visible={1, 2})[1] == 1


def test_a_parent_with_key_results_of_its_own_counts_none():
    assert hidden_in_progress({1: [2, 3]}, has_own={1, 2, 3}, visible={1})[1] == 0


def test_it_goes_down_through_children_without_key_results_only():
    children = {1: [2, 3], 2: [4], 3: [5]}
    counts = hidden_in_progress(children, has_own={3, 4, 5}, visible={1, 2, 3})
    assert counts[1] == 1  # 4 behind 2; 5 is not in 3's figure (3 has its own key results)
    assert counts[2] == 1


def test_a_parent_loop_ends():
    assert hidden_in_progress({1: [2], 2: [1]}, has_own=set(), visible=set())[1] >= 1


@given(
    st.dictionaries(st.integers(0, 8), st.lists(st.integers(0, 8), max_size=4), max_size=8),
    st.sets(st.integers(0, 8)),
)
def test_everyone_who_sees_everything_is_told_nothing(children, has_own):
    everything = set(children) | {c for kids in children.values() for c in kids}
    assert not any(hidden_in_progress(children, has_own, everything).values())
