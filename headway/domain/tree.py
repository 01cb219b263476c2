"""Rules of a parent chain (the team tree, objectives aligned to a parent).

A tree is given as a mapping from each node to its parent (None for a root). Nothing here
trusts the mapping to be a tree: a loop ends a walk instead of hanging it, and a parent that is
not a key of the mapping ends the chain there.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

from headway.domain.types import TeamKind

K = TypeVar("K", bound=Hashable)


def lineage(parents: Mapping[K, K | None], node: K) -> list[K]:
    """`node`, its parent, its parent's parent... up to a root, a node not in `parents`, or a
    node already listed (a loop)."""
    chain: list[K] = []
    seen: set[K] = set()
    current: K | None = node
    while current is not None and current in parents and current not in seen:
        chain.append(current)
        seen.add(current)
        current = parents[current]
    return chain


def has_loop(parents: Mapping[K, K | None], node: K) -> bool:
    """Whether the parent chain from `node` comes back to a node it already passed.

    To ask whether giving `node` the parent `parent` would make it its own ancestor, ask
    `has_loop({**parents, node: parent}, node)`.
    """
    chain = lineage(parents, node)
    if not chain:
        return False
    last = parents[chain[-1]]
    return last is not None and last in chain


def depths(parents: Mapping[K, K | None]) -> dict[K, int]:
    """How many ancestors each node has in `parents` (a loop counts each node once)."""
    return {node: len(lineage(parents, node)) - 1 for node in parents}


def parents_first(parents: Mapping[K, K | None]) -> list[K]:
    """The nodes with every parent before its children (roots first, order kept otherwise)."""
    depth = depths(parents)
    return sorted(parents, key=depth.__getitem__)


def descendants(parents: Mapping[K, K | None], roots: Iterable[K]) -> set[K]:
    """`roots` and every node below them."""
    children: dict[K, list[K]] = {}
    for node, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(node)
    found: set[K] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        if node not in found:
            found.add(node)
            stack.extend(children.get(node, []))
    return found


# The OKR tree lists its top-level objectives by their team's kind, which stands for its depth in
# the team tree (the company's first, then departments', then teams'), and those of no team last.
TEAM_RANKS: dict[TeamKind | None, int] = {
    TeamKind.COMPANY: 0,
    TeamKind.DEPARTMENT: 1,
    TeamKind.TEAM: 2,
    None: 3,
}


def team_rank(kind: str | None) -> int:
    """The place of an objective whose team is of this kind (None: no team) in the OKR tree's
    order, lowest first: company 0, department 1, team 2, no team 3. An unknown kind raises
    ValueError."""
    return TEAM_RANKS[None if kind is None else TeamKind(kind)]
