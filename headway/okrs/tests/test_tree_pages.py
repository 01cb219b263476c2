"""The OKR tree shows its top levels, opens a branch on demand and lists filter results a page
at a time, never showing what the reader could not see on the objective's own page."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from headway.core.tests.factories import (
    CheckInFactory,
    CycleFactory,
    KeyResultFactory,
    ObjectiveFactory,
)
from headway.core.tests.fixtures import signed_in
from headway.okrs.models import Objective

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mid_quarter")]

HX = {"HTTP_HX_REQUEST": "true"}


def objective(world, key: str, parent: Objective | None = None, **fields) -> Objective:
    defaults = {"title": f"Objective {key}", "team": world.web, "owner": world.user("member")}
    return ObjectiveFactory(
        workspace=world.workspace, cycle=world.cycle, key=key, parent=parent,
        **(defaults | fields),
    )  # fmt: skip


@pytest.fixture
def chain(world):
    """A company objective CO, aligned below it CH, below that GC; and a private objective of
    the company aligned below CO that the member cannot see."""
    company = objective(world, "CO", team=world.company, owner=world.user("admin"))
    middle = objective(world, "CH", company)
    objective(world, "GC", middle)
    objective(
        world, "secret", company, title="Secret plan", team=world.company,
        owner=world.user("admin"), visibility="private",
    )  # fmt: skip
    return company


def titles(page: str) -> list[str]:
    return re.findall(r'class="obj-title"[^>]*>([^<]*)<', page)


def test_the_tree_shows_the_top_level_and_how_many_are_aligned_directly_below(world, chain):
    page = signed_in(world, "member").get("/okrs/").content.decode()
    assert titles(page) == ["Objective CO"]
    assert "▸ 1 aligned<" in page  # CH; not GC below it, nor the secret one
    assert 'href="/okrs/tree/CO/"' in page
    admin = signed_in(world, "admin").get("/okrs/").content.decode()
    assert "▸ 2 aligned<" in admin  # CH and the secret one


def test_an_htmx_request_for_a_branch_gets_only_its_node_with_direct_children(world, chain):
    response = signed_in(world, "member").get("/okrs/tree/CO/", HTTP_HX_TARGET="node-CO", **HX)
    text = response.content.decode()
    assert response.status_code == 200
    assert text.lstrip().startswith('<li id="node-CO"')
    assert "<html" not in text
    assert titles(text) == ["Objective CO", "Objective CH"]
    assert 'href="/okrs/tree/CH/"' in text  # the next level opens the same way
    assert "Secret plan" not in text


def test_without_javascript_a_branch_is_the_page_with_the_branches_above_it_open(world, chain):
    objective(world, "other", title="Another top-level objective")
    text = signed_in(world, "member").get("/okrs/tree/CH/").content.decode()
    assert "<html" in text
    assert titles(text) == [
        "Objective CO", "Objective CH", "Objective GC", "Another top-level objective"
    ]  # fmt: skip


def test_a_branch_the_reader_cannot_see_is_not_found(world, chain):
    client = signed_in(world, "member")
    assert client.get("/okrs/tree/secret/").status_code == 404
    assert client.get("/okrs/tree/secret/", HTTP_HX_TARGET="node-secret", **HX).status_code == 404
    assert client.get("/okrs/tree/nothing/").status_code == 404
    assert signed_in(world, "stranger").get("/okrs/tree/CO/").status_code == 404
    assert signed_in(world, "admin").get("/okrs/tree/secret/").status_code == 200


def test_an_objective_below_a_hidden_parent_is_a_top_level_objective(world, chain):
    hidden = Objective.objects.get(key="secret")
    objective(world, "under-secret", hidden, title="Visible below a secret")
    page = signed_in(world, "member").get("/okrs/").content.decode()
    assert titles(page) == ["Objective CO", "Visible below a secret"]
    assert "Secret plan" not in page


def test_a_branch_below_a_hidden_parent_opens_from_the_objective_below_it(world, chain):
    """CO (seen) > secret (hidden) > under (seen) > leaf: the path starts at `under`, a
    top-level objective for the member, though the walk up passes the secret one to CO."""
    under = objective(world, "under", Objective.objects.get(key="secret"), title="Under")
    objective(world, "leaf", under, title="Leaf")
    client = signed_in(world, "member")
    assert titles(client.get("/okrs/tree/leaf/").content.decode()) == [
        "Objective CO", "Under", "Leaf"
    ]  # fmt: skip
    branch = client.get("/okrs/tree/leaf/", HTTP_HX_TARGET="node-leaf", **HX).content.decode()
    assert titles(branch) == ["Leaf"]
    assert "Secret plan" not in client.get("/okrs/tree/leaf/").content.decode()


def test_the_parents_row_says_its_figure_includes_hidden_objectives(world, chain):
    text = signed_in(world, "viewer").get("/okrs/").content.decode()
    assert "includes 1 hidden" in text


def test_top_level_objectives_come_a_page_at_a_time(world):
    for i in range(55):
        objective(world, f"top-{i:02}", title=f"Top {i:02}")
    client = signed_in(world, "member")
    first = client.get("/okrs/").content.decode()
    assert titles(first) == [f"Top {i:02}" for i in range(50)]
    assert "55 top-level objectives · 55 in all" in first
    assert 'href="/okrs/?cycle=2026-q1&amp;page=2"' in first
    assert "1–50 of 55 top-level objectives" in first  # noqa: RUF001 (the en dash shown)
    second = client.get("/okrs/", {"page": "2"}).content.decode()
    assert titles(second) == [f"Top {i:02}" for i in range(50, 55)]
    assert titles(client.get("/okrs/", {"page": "99"}).content.decode()) == titles(second)


def test_a_branch_without_javascript_opens_on_the_page_that_holds_it(world):
    for i in range(55):
        objective(world, f"top-{i:02}", title=f"Top {i:02}")
    objective(world, "below", Objective.objects.get(key="top-52"), title="Below 52")
    text = signed_in(world, "member").get("/okrs/tree/top-52/").content.decode()
    assert titles(text) == ["Top 50", "Top 51", "Top 52", "Below 52", "Top 53", "Top 54"]
    assert 'href="/okrs/?cycle=2026-q1"' in text  # back to the first page, from the branch


def test_filters_and_search_list_the_matches_flat_a_page_at_a_time(world, chain):
    for i in range(60):
        objective(world, f"n-{i:02}", title=f"Number {i:02}")
    client = signed_in(world, "member")
    first = client.get("/okrs/", {"q": "number"}).content.decode()
    assert "60 matching objectives" in first
    assert titles(first) == [f"Number {i:02}" for i in range(50)]
    second = client.get("/okrs/", {"q": "number", "page": "2"}).content.decode()
    assert titles(second) == [f"Number {i:02}" for i in range(50, 60)]
    assert "51–60 of 60 objectives" in second  # noqa: RUF001 (the en dash shown)
    by_team = client.get("/okrs/", {"team": "company"}).content.decode()
    assert titles(by_team) == ["Objective CO"]  # a child of CO is listed flat, on its own
    assert titles(client.get("/okrs/", {"q": "GC"}).content.decode()) == ["Objective GC"]


def test_search_never_lists_an_objective_the_reader_cannot_see(world, chain):
    member = signed_in(world, "member").get("/okrs/", {"q": "secret"}).content.decode()
    assert "0 matching objectives" in member
    assert "Secret plan" not in member
    admin = signed_in(world, "admin").get("/okrs/", {"q": "secret"}).content.decode()
    assert titles(admin) == ["Secret plan"]


def test_an_htmx_filter_request_gets_only_the_list(world, chain):
    response = signed_in(world, "member").get(
        "/okrs/", {"q": "objective"}, HTTP_HX_TARGET="tree", **HX
    )
    text = response.content.decode()
    assert text.lstrip().startswith('<section id="tree"')
    assert "3 matching objectives" in text


def test_a_branch_lists_a_page_of_children_and_says_how_many_more(world, chain):
    for i in range(51):
        objective(world, f"kid-{i:02}", chain, title=f"Kid {i:02}")
    text = signed_in(world, "admin").get("/okrs/tree/CO/", HTTP_HX_TARGET="node-CO", **HX)
    shown = titles(text.content.decode())
    assert len(shown) == 1 + 50
    assert "and 3 more aligned" in text.content.decode()  # 51 kids, CH and the secret one


def test_the_status_owner_and_kind_filters_narrow_the_list(world, chain):
    late = objective(world, "late", title="Late one", owner=world.user("lead"), kind="committed")
    kr = KeyResultFactory(objective=late, key="late-kr", start=0, target=100)
    CheckInFactory(key_result=kr, at=date(2026, 1, 20), value=5)
    client = signed_in(world, "member")
    assert titles(client.get("/okrs/", {"status": "off_track"}).content.decode()) == ["Late one"]
    assert titles(client.get("/okrs/", {"owner": "lea"}).content.decode()) == ["Late one"]
    assert titles(client.get("/okrs/", {"kind": "committed"}).content.decode()) == ["Late one"]


def test_the_search_finds_an_objective_by_its_key(world):
    objective(world, "zz-9", title="Something else")
    text = signed_in(world, "member").get("/okrs/", {"q": "ZZ-9"}).content.decode()
    assert titles(text) == ["Something else"]


@pytest.mark.parametrize(("role", "suggests"), [("member", True), ("viewer", False)])
def test_the_owner_and_team_filters_are_typed_not_listed(world, role, suggests):
    page = signed_in(world, role).get("/okrs/").content.decode()
    assert '<option value="max"' not in page  # no select of every member
    assert '<option value="web"' not in page  # nor of every team
    owner = re.search(r'<input[^>]*name="owner"[^>]*>', page)
    assert owner is not None
    assert ("hx-get" in owner.group(0)) is suggests  # a viewer's picker would be refused


def test_a_typed_owner_filters_the_tree(world, chain):
    client = signed_in(world, "member")
    admin = world.user("admin").username
    assert titles(client.get("/okrs/", {"owner": admin}).content.decode()) == ["Objective CO"]
    unknown = client.get("/okrs/", {"owner": "nobody-here"}).content.decode()
    assert titles(unknown) == []
    assert "There is no person “nobody-here” you may choose." in unknown


def test_an_objective_aligned_to_another_cycle_is_a_top_level_objective(world, chain):
    before = CycleFactory(workspace=world.workspace, key="2025-q4", start=date(2025, 10, 1))
    earlier = ObjectiveFactory(workspace=world.workspace, cycle=before, key="old", team=world.web)
    objective(world, "carried", earlier, title="Aligned to last quarter")
    page = signed_in(world, "member").get("/okrs/").content.decode()
    assert titles(page) == ["Objective CO", "Aligned to last quarter"]
    assert "2 top-level objectives · 4 in all" in page


def test_company_objectives_come_first_then_departments_then_teams(world):
    objective(world, "a-team", title="A team objective")
    objective(world, "z-company", title="Z company objective", team=world.company)
    objective(world, "m-product", title="M product objective", team=world.product)
    objective(world, "no-team", title="0 without a team", team=None)
    page = signed_in(world, "admin").get("/okrs/").content.decode()
    assert titles(page) == [
        "Z company objective", "M product objective", "A team objective", "0 without a team"
    ]  # fmt: skip


def build(world, count: int) -> None:
    """`count` objectives: top-level ones, each with an objective aligned below it, and a
    private objective with one aligned below it that the member cannot see."""
    secret = objective(world, f"secret-{count}", visibility="private", team=world.company)
    objective(world, f"under-secret-{count}", secret)
    for i in range(count // 2):
        objective(world, f"child-{count}-{i}", objective(world, f"top-{count}-{i}"))


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ["/okrs/", "/okrs/tree/child-5-1/", "/okrs/?q=top"])
def test_the_tree_runs_as_many_queries_for_5_as_for_60_objectives(world, url):
    client = signed_in(world, "member")
    build(world, 5)
    few = queries(client, url)
    build(world, 60)
    assert queries(client, url) == few


def test_opening_a_deep_objective_shows_the_path_down_to_it_on_its_page(world):
    for i in range(55):
        objective(world, f"top-{i:02}", title=f"Top {i:02}")
    parent = Objective.objects.get(key="top-51")
    for depth in range(1, 6):
        objective(world, f"side-{depth}", parent, title=f"Side {depth}")  # listed, not opened
        parent = objective(world, f"deep-{depth}", parent, title=f"Deep {depth}")
    objective(world, "below-deep", parent, title="Below the deepest")
    client = signed_in(world, "member")
    text = client.get("/okrs/tree/deep-5/").content.decode()
    assert titles(text) == [
        "Top 50", "Top 51", "Deep 1", "Deep 2", "Deep 3", "Deep 4", "Deep 5",
        "Below the deepest", "Side 5", "Side 4", "Side 3", "Side 2", "Side 1",
        "Top 52", "Top 53", "Top 54",
    ]  # fmt: skip
    assert 'href="/okrs/tree/side-3/"' not in text  # nothing aligned below a side objective
    branch = client.get("/okrs/tree/deep-5/", HTTP_HX_TARGET="node-deep-5", **HX)
    assert titles(branch.content.decode()) == ["Deep 5", "Below the deepest"]


def test_a_branch_lists_its_first_page_of_children_and_the_one_on_the_path(world, chain):
    for i in range(55):
        objective(world, f"kid-{i:02}", chain, title=f"Kid {i:02}")
    text = signed_in(world, "member").get("/okrs/tree/kid-53/").content.decode()
    shown = titles(text)
    assert shown[:2] == ["Objective CO", "Kid 00"]
    assert shown[-1] == "Kid 53"  # after the first page of 50, because it is the one opened
    assert len(shown) == 1 + 50 + 1
    assert "and 5 more aligned" in text  # 55 kids and CH: 56, of which 51 are listed


def test_a_parent_loop_neither_hangs_nor_breaks_the_tree(world, chain):
    first = objective(world, "loop-a", title="Loop A")
    second = objective(world, "loop-b", first, title="Loop B")
    Objective.objects.filter(pk=first.pk).update(parent=second)
    client = signed_in(world, "member")
    assert titles(client.get("/okrs/").content.decode()) == ["Objective CO"]
    page = client.get("/okrs/tree/loop-a/")
    assert page.status_code == 200
    assert titles(page.content.decode()) == ["Objective CO"]
    branch = client.get("/okrs/tree/loop-b/", HTTP_HX_TARGET="node-loop-b", **HX)
    assert branch.status_code == 200
    assert titles(client.get("/okrs/", {"q": "loop"}).content.decode()) == ["Loop A", "Loop B"]


def test_the_team_filter_takes_a_typed_team_key(world, chain):
    client = signed_in(world, "member")
    assert titles(client.get("/okrs/", {"team": "web"}).content.decode()) == [
        "Objective CH", "Objective GC"
    ]  # fmt: skip
    unknown = client.get("/okrs/", {"team": "nowhere"}).content.decode()
    assert titles(unknown) == []
    assert "There is no team “nowhere” you may choose." in unknown
    other = signed_in(world, "stranger").get("/okrs/", {"team": "web"}).content.decode()
    assert "There is no team “web” you may choose." in other  # another workspace's team


def test_a_branch_of_an_objective_without_a_team_opens_on_the_last_page(world):
    for i in range(50):
        objective(world, f"c-{i:02}", title=f"C {i:02}", team=world.company)
    objective(world, "z-web", title="Z web")
    loose = objective(world, "loose", title="A loose one", team=None)
    objective(world, "below-loose", loose, title="Below the loose one")
    text = signed_in(world, "admin").get("/okrs/tree/below-loose/").content.decode()
    assert titles(text) == ["Z web", "A loose one", "Below the loose one"]
