"""The alignment tree of a cycle: its top levels, a branch opened on demand, or filtered results.

Only what is shown is read: the top-level objectives a page at a time (a COUNT and a slice), the
first page of direct children of each opened objective, and how many objectives are aligned
directly below each shown one (a COUNT for each, in the query that reads them). Opening a branch
reads the path from the objective up to its top-level objective, one query a level. The figures
are those of the shown objectives (their stored progress, `scoring.figures_of`), and the status
filter is a filter on stored progress (`status_filter`).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import takewhile
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse, QueryDict

from headway import access
from headway.accounts.models import Membership
from headway.core.trees import ancestor_map
from headway.domain.policy import Action
from headway.domain.tree import lineage
from headway.domain.types import Status
from headway.okrs.forms import TreeFilterForm
from headway.okrs.models import Cycle, Objective
from headway.okrs.scoring import status_filter
from headway.okrs.views.common import pick_cycle, shown_figures
from headway.pages.htmx import render_page_or_partial
from headway.pages.http import AuthenticatedRequest, today
from headway.pages.middleware import member_required
from headway.pages.paging import paginate

PAGE_SIZE = 50  # top-level objectives, filter results, and children of one branch


def in_order(rows: QuerySet[Objective]) -> QuerySet[Objective]:
    """`rows` in the tree's order: company objectives first, then departments', then teams',
    then those of no team, by title within each. The kind of the team stands for its depth in
    the team tree; each objective stores its place (`team_rank`), so the order is that of the
    index `okrs_objective_tree` (no join to the teams, no sort of every top-level objective)."""
    return rows.order_by("team_rank", "title", "pk")


def top_level(visible: QuerySet[Objective]) -> QuerySet[Objective]:
    """The objectives of `visible` (one cycle's, as the reader sees them) whose parent is not
    among them: no parent, a parent the reader cannot see, or one in another cycle. Unordered,
    so that counting them reads no team."""
    parent = visible.filter(pk=OuterRef("parent_id"))
    return visible.filter(Q(parent_id__isnull=True) | ~Exists(parent))


@dataclass(frozen=True)
class Path:
    """The objectives from a top-level objective down to an opened one, and the team rank and
    title of the top-level one (its place among them)."""

    ids: list[int]
    rank: int
    title: str


def path_to(visible: QuerySet[Objective], opened: int) -> Path | None:
    """The path down to `opened` (two queries, however deep); None if no top-level objective
    leads to it (it sits in a parent loop)."""
    parents = ancestor_map(Objective.objects.filter(pk=opened))
    chain = lineage(parents, opened)
    rows = visible.filter(pk__in=chain).values_list("pk", "team_rank", "title")
    places = {pk: (rank, title) for pk, rank, title in rows}
    # Up to the first ancestor the reader does not see in this cycle: below it is the top.
    ids = list(reversed(list(takewhile(places.__contains__, chain))))
    if parents[ids[0]] in places:  # the chain came back on itself
        return None
    return Path(ids, *places[ids[0]])


def page_of(roots: QuerySet[Objective], path: Path) -> int:
    """The page of `roots` (top_level) that holds the top of `path`, from how many are
    ordered before it (one COUNT)."""
    rank, title, pk = path.rank, path.title, path.ids[0]
    same = Q(team_rank=rank) & (Q(title__lt=title) | Q(title=title, pk__lt=pk))
    before = Q(team_rank__lt=rank) | same
    return roots.filter(before).count() // PAGE_SIZE + 1


def skeleton(visible: QuerySet[Objective], ids: list[int], path: list[int]) -> list[dict[str, Any]]:
    """Nodes for `ids`; the first node of `path` is opened (its first page of children listed,
    and always the next node of `path`), and so on down `path`."""
    nodes = []
    for pk in ids:
        node: dict[str, Any] = {"id": pk, "children": None}
        if path and path[0] == pk:
            kids = in_order(visible.filter(parent_id=pk)).values_list("pk", flat=True)
            shown = list(kids[:PAGE_SIZE])
            if len(path) > 1 and path[1] not in shown:
                shown.append(path[1])
            node["children"] = skeleton(visible, shown, path[1:])
        nodes.append(node)
    return nodes


def shown_ids(nodes: list[dict[str, Any]]) -> list[int]:
    return [pk for n in nodes for pk in (n["id"], *shown_ids(n["children"] or []))]


def fill(
    membership: Membership, cycle: Cycle, visible: QuerySet[Objective], nodes: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Give each node its objective, its figures, and how many objectives of `visible` are
    aligned directly below it, with how many of those it does not list (read only for the
    shown ones)."""
    # A count for each shown objective, looked up by parent: an IN list of parents makes
    # SQLite read the whole cycle instead (most objectives have no parent, which skews its
    # statistics of the parent index).
    below = visible.filter(parent_id=OuterRef("pk")).order_by().values("parent_id")
    aligned = below.annotate(n=Count("pk")).values("n")
    objectives = visible.filter(pk__in=shown_ids(nodes)).annotate(
        aligned=Coalesce(Subquery(aligned), 0)
    )
    by_id = {
        o.pk: o for o in objectives.select_related("owner", "team").prefetch_related("key_results")
    }
    board, hidden = shown_figures(membership, [cycle], list(by_id.values()))

    def filled(node: dict[str, Any]) -> dict[str, Any]:
        pk = node["id"]
        children = node["children"]
        return node | {
            "objective": by_id[pk],
            "figures": board.objectives.get(pk),
            "hidden": hidden.get(pk, 0),
            "aligned": by_id[pk].aligned,
            "more": by_id[pk].aligned - len(children or []),
            "children": None if children is None else [filled(c) for c in children],
        }

    return [filled(n) for n in nodes]


def matching(
    membership: Membership, visible: QuerySet[Objective], cycle: Cycle, form: TreeFilterForm
) -> QuerySet[Any]:
    """The ids of the objectives of `visible` that match the filters and the search text (in
    the title, key or description), by title."""
    if not form.is_valid():
        return visible.none().values_list("pk", flat=True)
    data = form.cleaned_data
    rows = visible
    if q := data["q"].strip():
        rows = rows.filter(
            Q(title__icontains=q) | Q(key__icontains=q) | Q(description__icontains=q)
        )
    if data["team"]:
        rows = rows.filter(team=data["team"])
    if data["owner"]:
        rows = rows.filter(owner=data["owner"])
    if data["kind"]:
        rows = rows.filter(kind=data["kind"])
    if status := data["status"]:
        day = today(membership)
        rows = rows.filter(status_filter([cycle], Status(status), as_of=day, today=day)[0])
    return rows.order_by("title", "pk").values_list("pk", flat=True)


def tree_context(
    request: AuthenticatedRequest, cycle: Cycle | None, form: TreeFilterForm, opened: int | None
) -> dict[str, Any]:
    """The tree section: filter results, or the top levels with the branch down to `opened`
    open (on the page of top-level objectives that holds it)."""
    membership = request.membership
    filtering = form.is_bound and form.active
    context: dict[str, Any] = {"filtering": filtering, "nodes": []}
    if cycle is None:
        return context
    visible = access.objectives_for(membership).filter(cycle=cycle)
    # The pager's links go to the tree of this cycle, also from a branch's own address.
    query: QueryDict = request.GET.copy()
    query["cycle"] = cycle.key
    if filtering:
        page = paginate(query, matching(membership, visible, cycle, form), size=PAGE_SIZE)
        nodes = [{"id": pk, "children": None} for pk in page.items]
        return context | {"page": page, "nodes": fill(membership, cycle, visible, nodes)}
    roots = top_level(visible)
    path = path_to(visible, opened) if opened else None
    if path:  # the page of top-level objectives that holds the opened branch
        query["page"] = str(page_of(roots, path))
    page = paginate(query, in_order(roots).values_list("pk", flat=True), size=PAGE_SIZE)
    nodes = skeleton(visible, page.items, path.ids if path else [])
    return context | {
        "page": page,
        "nodes": fill(membership, cycle, visible, nodes),
        "total": visible.count(),
    }


def tree_page(
    request: AuthenticatedRequest, cycle: Cycle | None, cycles: list[Cycle], opened: int | None
) -> dict[str, Any]:
    membership = request.membership
    form = TreeFilterForm(membership, None if opened else (request.GET or None))
    return {
        "cycle": cycle,
        "cycles": cycles,
        "form": form,
        "can_create": access.may_own(membership, Action.CREATE),
        **tree_context(request, cycle, form, opened),
    }


@member_required
def tree(request: AuthenticatedRequest) -> HttpResponse:
    """The top levels of a cycle's tree, a page at a time, or the objectives the filters match."""
    cycle, cycles = pick_cycle(request, request.GET.get("cycle"))
    context = tree_page(request, cycle, cycles, opened=None)
    return render_page_or_partial(request, "okrs/tree.html", context, partials={"tree": "tree"})


@member_required
def branch(request: AuthenticatedRequest, key: str) -> HttpResponse:
    """The tree with the branch of `key` open: for HTMX only that branch (its node with its
    direct children), else the whole page with the branch and the ones above it open."""
    objective: Objective = access.get_objective(request.membership, key)
    cycle, cycles = pick_cycle(request, objective.cycle.key)
    context = tree_page(request, cycle, cycles, opened=objective.pk)
    context["branch"] = opened_node(context["nodes"])
    return render_page_or_partial(
        request, "okrs/tree.html", context, partials={f"node-{key}": "branch"}
    )


def opened_node(nodes: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The deepest open node down the open path."""
    for node in nodes:
        if node["children"] is not None:
            return opened_node(node["children"]) or node
    return None
