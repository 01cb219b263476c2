"""The alignment tree of a cycle, with filters and search."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.http import HttpResponse

from headway import access
from headway.accounts.models import Membership
from headway.domain.policy import Action
from headway.okrs.forms import (
    TreeFilterForm,
)
from headway.okrs.models import Cycle, Objective
from headway.okrs.scoring import Scoreboard, hidden_in_figures, scoreboard
from headway.okrs.views.common import pick_cycle
from headway.pages.htmx import render_page_or_partial
from headway.pages.http import AuthenticatedRequest, today
from headway.pages.middleware import member_required
from headway.teams.models import Team


def team_depths(teams: list[Team]) -> dict[int, int]:
    parents = {t.pk: t.parent_id for t in teams}
    depths: dict[int, int] = {}
    for team_id in parents:
        depth, node = 0, parents.get(team_id)
        while node is not None and depth < 50:
            depth, node = depth + 1, parents.get(node)
        depths[team_id] = depth
    return depths


def build_tree(
    objectives: list[Objective],
    board: Scoreboard,
    teams: list[Team],
    hidden: dict[int, int] | None = None,
) -> list[Any]:
    """Nodes {objective, figures, hidden, children}: company objectives first, then departments,
    teams. `hidden`: how many objectives the reader cannot see each figure includes."""
    visible = {o.pk for o in objectives}
    children: dict[int | None, list[Objective]] = defaultdict(list)
    for o in objectives:
        children[o.parent_id if o.parent_id in visible else None].append(o)
    depth = team_depths(teams)

    def node(o: Objective, level: int) -> dict[str, Any]:
        kids = children.get(o.pk, [])
        return {
            "objective": o,
            "figures": board.objectives.get(o.pk),
            "hidden": (hidden or {}).get(o.pk, 0),
            "children": [node(k, level + 1) for k in kids] if level < 20 else [],
        }

    roots = sorted(children[None], key=lambda o: (depth.get(o.team_id or 0, 99), o.title))
    return [node(o, 0) for o in roots]


def cycle_objectives(
    membership: Membership, cycle: Cycle | None
) -> tuple[list[Objective], Scoreboard, dict[int, int]]:
    """The objectives of `cycle` the reader can see, their figures, and how many objectives the
    reader cannot see each figure includes."""
    if cycle is None:
        return [], Scoreboard(as_of=today(membership)), {}
    objectives = list(
        access.objectives_for(membership)
        .filter(cycle=cycle)
        .select_related("owner", "team")
        .prefetch_related("key_results")
    )
    board = scoreboard([cycle], as_of=today(membership))
    hidden = hidden_in_figures([cycle.pk], access.hidden_objectives_q(membership))
    return objectives, board, hidden


def search(form: TreeFilterForm, objectives: list[Objective], board: Scoreboard) -> list[Objective]:
    """The objectives that match the filters and the search text, if any are given."""
    if not (form.is_valid() and form.active):
        return []
    data = form.cleaned_data
    q = data["q"].lower()
    return [
        o
        for o in objectives
        if (not q or q in o.title.lower() or q in o.description.lower())
        and (not data["team"] or o.team_id == data["team"].pk)
        and (not data["owner"] or o.owner_id == data["owner"].pk)
        and (not data["kind"] or o.kind == data["kind"])
        and (not data["status"] or board.objectives[o.pk].status == data["status"])
    ]


@member_required
def tree(request: AuthenticatedRequest) -> HttpResponse:
    """The alignment tree of a cycle, with filters and search."""
    membership = request.membership
    cycle, cycles = pick_cycle(request, request.GET.get("cycle"))
    teams = list(access.teams_for(membership))
    form = TreeFilterForm(membership, teams, request.GET or None)
    objectives, board, hidden = cycle_objectives(membership, cycle)
    matches = search(form, objectives, board)
    context = {
        "cycle": cycle,
        "cycles": cycles,
        "form": form,
        "filtering": form.is_bound and form.active,
        "nodes": build_tree(objectives, board, teams, hidden),
        "matches": [
            {"objective": o, "figures": board.objectives.get(o.pk), "hidden": hidden.get(o.pk, 0)}
            for o in matches
        ],
        "count": len(objectives),
        "can_create": access.may_own(membership, Action.CREATE),
    }
    return render_page_or_partial(request, "okrs/tree.html", context, partials={"tree": "tree"})
