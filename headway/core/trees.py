"""Reading a chain of parents from the database: what a loop check needs, not the whole tree."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet


def parent_chain(rows: QuerySet[Any], start: int) -> dict[int, int | None]:
    """{id: parent_id} of `start` and each of its ancestors among `rows`, one query a level
    (the depth of the tree, not its size); stops where the chain comes back on itself."""
    chain: dict[int, int | None] = {}
    node: int | None = start
    while node is not None and node not in chain:
        parent = rows.filter(pk=node).values_list("parent_id", flat=True).first()
        chain[node] = parent
        node = parent
    return chain
