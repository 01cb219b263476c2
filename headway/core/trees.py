"""Reading parts of a tree from the database (a chain of parents, a subtree, sums over
subtrees), each in one recursive query: what a page or a loop check needs, not the whole
tree."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, QuerySet


def subtree_ids(roots: QuerySet[Any]) -> set[int]:
    """The ids of `roots` and of every row below them (by `parent_id`, in the workspace of its
    parent), in one recursive query: what it finds, not the whole tree. UNION (not UNION ALL)
    ends a loop."""
    found = query_sql(roots.order_by().values("pk", "workspace_id"))
    if found is None:  # no roots (`pk__in=[]`)
        return set()
    roots_sql, params = found
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


def ancestor_map(start: QuerySet[Any]) -> dict[int, int | None]:
    """{id: parent_id} of the rows of `start` and of each of their ancestors (by `parent_id`, in
    the same workspace), in one recursive query: the path up, however long the tree below.
    UNION ends a loop; domain.tree.lineage orders the chain."""
    found = query_sql(start.order_by().values("pk", "parent_id", "workspace_id"))
    if found is None:
        return {}
    start_sql, params = found
    table = connection.ops.quote_name(start.model._meta.db_table)
    sql = (
        f"WITH RECURSIVE above(id, parent_id, workspace_id) AS ({start_sql} UNION "  # noqa: S608
        f"SELECT t.id, t.parent_id, t.workspace_id FROM {table} t JOIN above "
        "ON t.id = above.parent_id AND t.workspace_id = above.workspace_id) "
        "SELECT id, parent_id FROM above"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def subtree_totals(
    roots: QuerySet[Any], rows: QuerySet[Any], *, link: str, value: str
) -> dict[int, tuple[Any, int]]:
    """For each row of `roots` (a tree, by `parent_id`): the SUM and COUNT of the non-null
    `value` of the `rows` whose `link` (an id of the tree) is that root or a row below it, in
    one query. A root with no such rows is left out.

    What it reads is the roots' subtrees and, through an index on `link`, their rows: not the
    whole tree. The rows are summed per node of the subtrees first, then per root (joining
    each row to the subtrees directly makes SQLite build a Bloom filter over every row of
    `rows`, a scan of them all even for a small subtree). UNION ends a loop."""
    tree = query_sql(roots.order_by().values(r=F("pk"), w=F("workspace_id")))
    summed = query_sql(rows.order_by().values(k=F(link), v=F(value)))
    if tree is None or summed is None:
        return {}
    (roots_sql, roots_params), (rows_sql, rows_params) = tree, summed
    table = connection.ops.quote_name(roots.model._meta.db_table)
    sql = (
        "WITH RECURSIVE below(root, id, workspace_id) AS ("  # noqa: S608
        f"SELECT roots.r, roots.r, roots.w FROM ({roots_sql}) roots UNION "
        f"SELECT below.root, t.id, t.workspace_id FROM {table} t JOIN below "
        "ON t.parent_id = below.id AND t.workspace_id = below.workspace_id), "
        f"per_node(id, total, count) AS (SELECT x.k, SUM(x.v), COUNT(x.v) FROM ({rows_sql}) x "
        "WHERE x.k IN (SELECT id FROM below) GROUP BY x.k) "
        "SELECT below.root, SUM(per_node.total), SUM(per_node.count) FROM below "
        "JOIN per_node ON per_node.id = below.id GROUP BY below.root"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*roots_params, *rows_params))
        return {root: (total, count) for root, total, count in cursor.fetchall() if count}


def query_sql(rows: QuerySet[Any]) -> tuple[str, tuple[Any, ...]] | None:
    """The SQL and parameters of `rows`, to use inside a larger query; None where Django knows
    it finds nothing (`pk__in=[]`)."""
    try:
        return rows.query.sql_with_params()
    except EmptyResultSet:
        return None
