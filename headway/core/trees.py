"""Reading a chain of parents from the database: what a loop check needs, not the whole tree."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
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


def subtree_ids(roots: QuerySet[Any]) -> set[int]:
    """The ids of `roots` and of every row below them (by `parent_id`, in the workspace of its
    parent), in one recursive query: what it finds, not the whole tree. UNION (not UNION ALL)
    ends a loop."""
    try:
        roots_sql, params = roots.order_by().values("pk", "workspace_id").query.sql_with_params()
    except EmptyResultSet:  # no roots (`pk__in=[]`)
        return set()
    table = connection.ops.quote_name(roots.model._meta.db_table)
    # Built from Django's own SQL for `roots` and a quoted table name; values are parameters.
    sql = (
        f"WITH RECURSIVE below(id, workspace_id) AS ({roots_sql} UNION "  # noqa: S608
        f"SELECT t.id, t.workspace_id FROM {table} t JOIN below "
        "ON t.parent_id = below.id AND t.workspace_id = below.workspace_id) SELECT id FROM below"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {pk for (pk,) in cursor.fetchall()}
