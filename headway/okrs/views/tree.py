"""The alignment tree of a cycle: its top levels, a branch opened on demand, or filtered results.

Only what is shown is read in full and rendered: the top-level objectives a page at a time,
the direct children of an opened branch, or a page of the objectives matching the filters.
Placing objectives in the tree reads one light row (id, parent, team, title) per visible
objective of the cycle. The figures are those of the shown objectives (their stored progress,
`scoring.figures_of`), and the status filter is a filter on stored progress (`status_filter`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.http import HttpResponse

from headway import access
from headway.accounts.models import Membership
from headway.domain.policy import Action
from headway.domain.tree import depths, lineage
from headway.domain.types import Status
from headway.okrs.forms import TreeFilterForm
from headway.okrs.models import Cycle, Objective
from headway.okrs.scoring import status_filter
from headway.okrs.views.common import pick_cycle, shown_figures
from headway.pages.htmx import render_page_or_partial
from headway.pages.http import AuthenticatedRequest, today
from headway.pages.middleware import member_required
from headway.pages.paging import paginate
from headway.teams.models import Team

PAGE_SIZE = 50  # top-level objectives, filter results, and children of one branch


@dataclass(frozen=True)
class Outline:
    """Where each objective of a cycle that the reader can see sits: its parent if the reader
    sees that parent in the same cycle (else it is a top-level objective), its children in
    order, and how many objectives are aligned below it."""

    parents: dict[int, int | None]
    children: dict[int | None, list[int]]
    below: dict[int, int]

    @classmethod
    def of(cls, membership: Membership, cycle: Cycle, teams: list[Team]) -> Outline:
        rows = list(
            access.objectives_for(membership)
            .filter(cycle=cycle)
            .values_list("id", "parent_id", "team_id", "title")
        )
        team_depth = depths({t.pk: t.parent_id for t in teams})
        seen = {pk for pk, _, _, _ in rows}
        parents = {pk: (parent if parent in seen else None) for pk, parent, _, _ in rows}
        children: dict[int | None, list[int]] = {}
        # Company objectives first, then departments', then teams'; by title within each.
        for pk, *_ in sorted(rows, key=lambda r: (team_depth.get(r[2], 99), r[3], r[0])):
            children.setdefault(parents[pk], []).append(pk)
        below = dict.fromkeys(parents, 0)
        for pk in parents:
            for ancestor in lineage(parents, pk)[1:]:
                below[ancestor] += 1
        return cls(parents=parents, children=children, below=below)

    def skeleton(self, ids: list[int], path: list[int]) -> list[dict[str, Any]]:
        """Nodes for `ids`; the first node of `path` is opened (its children listed, up to a
        page of them and always the next node of `path`), and so on down `path`."""
        nodes = []
        for pk in ids:
            node: dict[str, Any] = {"id": pk, "below": self.below[pk], "children": None}
            if path and path[0] == pk:
                kids = self.children.get(pk, [])
                shown = kids[:PAGE_SIZE]
                if len(path) > 1 and path[1] not in shown:
                    shown.append(path[1])
                node["children"] = self.skeleton(shown, path[1:])
                node["more"] = len(kids) - len(shown)
            nodes.append(node)
        return nodes


def shown_ids(nodes: list[dict[str, Any]]) -> list[int]:
    return [pk for n in nodes for pk in (n["id"], *shown_ids(n["children"] or []))]


def fill(membership: Membership, cycle: Cycle, nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give each node its objective and figures (read only for the shown ones)."""
    objectives = access.objectives_for(membership).filter(pk__in=shown_ids(nodes))
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
            "children": None if children is None else [filled(c) for c in children],
        }

    return [filled(n) for n in nodes]


def matching_ids(membership: Membership, cycle: Cycle, form: TreeFilterForm) -> list[int]:
    """The objectives of `cycle` the reader sees that match the filters and the search text
    (in the title, key or description), by title."""
    if not form.is_valid():
        return []
    data = form.cleaned_data
    rows = access.objectives_for(membership).filter(cycle=cycle)
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
    return list(rows.order_by("title", "pk").values_list("pk", flat=True))


def tree_context(
    request: AuthenticatedRequest,
    cycle: Cycle | None,
    teams: list[Team],
    form: TreeFilterForm,
    opened: int | None,
) -> dict[str, Any]:
    """The tree section: filter results, or the top levels with the branch down to `opened`
    open (on the page of top-level objectives that holds it)."""
    membership = request.membership
    filtering = form.is_bound and form.active
    context: dict[str, Any] = {"filtering": filtering, "nodes": []}
    if cycle is None:
        return context
    # The pager's links go to the tree of this cycle, also from a branch's own address.
    query = request.GET.copy()
    query["cycle"] = cycle.key
    if filtering:
        page = paginate(query, matching_ids(membership, cycle, form), size=PAGE_SIZE)
        nodes = [{"id": pk, "below": 0, "children": None} for pk in page.items]
        return context | {"page": page, "nodes": fill(membership, cycle, nodes)}
    outline = Outline.of(membership, cycle, teams)
    roots = outline.children.get(None, [])
    path = list(reversed(lineage(outline.parents, opened))) if opened else []
    if path:  # the page of top-level objectives that holds the opened branch
        query["page"] = str(roots.index(path[0]) // PAGE_SIZE + 1)
    page = paginate(query, roots, size=PAGE_SIZE)
    nodes = fill(membership, cycle, outline.skeleton(page.items, path))
    return context | {"page": page, "nodes": nodes, "total": len(outline.parents)}


def tree_page(
    request: AuthenticatedRequest, cycle: Cycle | None, cycles: list[Cycle], opened: int | None
) -> dict[str, Any]:
    membership = request.membership
    teams = list(access.teams_for(membership))
    form = TreeFilterForm(membership, teams, None if opened else (request.GET or None))
    return {
        "cycle": cycle,
        "cycles": cycles,
        "form": form,
        "can_create": access.may_own(membership, Action.CREATE),
        **tree_context(request, cycle, teams, form, opened),
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
