"""A parent objective's figure says when it includes children the reader cannot see.

An objective without key results takes the mean of its same-cycle children, hidden ones
included (docs/scoring.md §3): the figure stays the same for everyone, and the objective page
and the API tell a reader how many of the objectives behind it they cannot see.
"""

from __future__ import annotations

from datetime import date

import pytest

from headway import access
from headway.core.tests.factories import CheckInFactory, KeyResultFactory, ObjectiveFactory
from headway.okrs.models import Objective
from headway.okrs.scoring import hidden_in_figures

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mid_quarter")]


def child(world, parent: Objective, key: str, progress: int, visibility: str) -> Objective:
    objective = ObjectiveFactory(
        workspace=world.workspace, cycle=world.cycle, key=key, team=world.web, parent=parent,
        owner=world.user("member"), visibility=visibility,
    )  # fmt: skip
    kr = KeyResultFactory(objective=objective, key=f"{key}-kr", start=0, target=100)
    CheckInFactory(key_result=kr, at=date(2026, 2, 1), value=progress)
    return objective


@pytest.fixture
def company(world):
    """A company objective without key results over a workspace child (20 %) and a private
    one (80 %) that the viewer cannot see."""
    parent = ObjectiveFactory(
        workspace=world.workspace, cycle=world.cycle, key="CO", team=world.company,
        owner=world.user("admin"), visibility="workspace",
    )  # fmt: skip
    child(world, parent, "open", 20, "workspace")
    child(world, parent, "secret", 80, "private")
    return parent


def test_the_api_tells_a_viewer_the_figure_includes_an_objective_they_cannot_see(api_as, company):
    seen = api_as("viewer").get("/objectives/CO").json
    assert seen["progress"] == 0.5
    assert seen["hidden_children"] == 1
    listed = {o["key"]: o for o in api_as("viewer").get("/objectives").json["items"]}
    assert listed["CO"]["hidden_children"] == 1
    assert listed["open"]["hidden_children"] == 0
    assert "secret" not in listed


def test_those_who_see_every_child_are_told_nothing(api_as, company):
    for persona in ("admin", "member"):
        assert api_as(persona).get("/objectives/CO").json["hidden_children"] == 0, persona


def test_the_objective_page_says_so(client, world, company):
    client.force_login(world.user("viewer"))
    page = client.get("/okrs/objectives/CO/").content.decode()
    assert "Progress includes 1 objective you cannot see." in page
    client.force_login(world.user("member"))
    assert "you cannot see" not in client.get("/okrs/objectives/CO/").content.decode()


def test_the_okr_tree_says_so_on_the_parents_row(client, world, company):
    client.force_login(world.user("viewer"))
    page = client.get("/okrs/").content.decode()
    assert "includes 1 hidden" in page
    assert "secret" not in page
    client.force_login(world.user("admin"))
    assert "hidden</span>" not in client.get("/okrs/").content.decode()


def test_the_viewers_home_and_the_team_page_say_so(client, world, company):
    client.force_login(world.user("viewer"))
    for path in ("/", "/teams/company/"):
        page = client.get(path).content.decode()
        assert "includes 1 hidden" in page, path
    client.force_login(world.user("admin"))
    assert "includes 1 hidden" not in client.get("/teams/company/").content.decode()


def test_my_focus_says_so_to_the_owner_of_such_a_parent(client, world):
    parent = ObjectiveFactory(
        workspace=world.workspace, cycle=world.cycle, key="LEA", team=world.product,
        owner=world.user("lead"), visibility="workspace",
    )  # fmt: skip
    hidden = child(world, parent, "ops-secret", 80, "private")
    hidden.owner = world.user("admin")
    hidden.team = None
    hidden.save()
    client.force_login(world.user("lead"))
    assert "includes 1 hidden" in client.get("/").content.decode()


def test_a_parent_with_key_results_of_its_own_includes_no_child(api_as, company):
    KeyResultFactory(objective=company, key="CO-kr", start=0, target=100)
    assert api_as("viewer").get("/objectives/CO").json["hidden_children"] == 0


def test_a_hidden_grandchild_behind_a_visible_child_without_key_results_counts(
    api_as, world, company
):
    middle = ObjectiveFactory(
        workspace=world.workspace, cycle=world.cycle, key="MID", team=world.web,
        parent=company, owner=world.user("member"), visibility="workspace",
    )  # fmt: skip
    child(world, middle, "deep", 50, "private")
    api = api_as("viewer")
    assert api.get("/objectives/MID").json["hidden_children"] == 1
    assert api.get("/objectives/CO").json["hidden_children"] == 2


def test_asked_about_some_objectives_it_reads_what_feeds_them_and_counts_the_same(
    world, company, django_assert_max_num_queries
):
    """Scoped to the objectives a page shows, the count is the one the whole cycle gives,
    read one level at a time down the objectives without key results of their own."""
    middle = ObjectiveFactory(
        workspace=world.workspace, cycle=world.cycle, key="MID", team=world.web,
        parent=company, owner=world.user("member"), visibility="workspace",
    )  # fmt: skip
    child(world, middle, "deep", 50, "private")
    seen = access.hidden_objectives_q(world.viewer)
    every = list(Objective.objects.values_list("pk", flat=True))
    whole = hidden_in_figures([world.cycle.pk], seen, shown=every)
    assert whole == {company.pk: 2, middle.pk: 1}
    for objective in Objective.objects.all():
        with django_assert_max_num_queries(3):  # CO, its children, MID's children
            scoped = hidden_in_figures([world.cycle.pk], seen, shown=[objective.pk])
        assert scoped == {k: v for k, v in whole.items() if k == objective.pk}
