"""Pickers (core.forms.PickerField, pages/pickers.py): a key or username typed in a form is
checked as the select checked it, and the suggestions come from the same scope."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from headway.core.tests.factories import (
    KPIFactory,
    MembershipFactory,
    ObjectiveFactory,
    TeamFactory,
    UserFactory,
)
from headway.core.tests.fixtures import nothing_changes, signed_in
from headway.pages import pickers

EDIT_FAST = {"title": "Fast", "cycle": "2026-q1", "team": "web", "owner": "max",
             "kind": "aspirational", "visibility": "workspace"}  # fmt: skip


@pytest.fixture
def fast(world):
    return ObjectiveFactory(
        workspace=world.workspace, cycle=world.cycle, key="fast", title="Fast", team=world.web,
        owner=world.user("member"),
    )  # fmt: skip


@pytest.fixture
def secret(world):
    """An objective of the company team that only its members (and admins) may see."""
    return ObjectiveFactory(
        workspace=world.workspace, cycle=world.cycle, key="secret", title="Grow in secret",
        team=world.company, visibility="private",
    )  # fmt: skip


def options(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


class TestTypedKeys:
    def test_a_parent_is_chosen_by_its_key(self, world, fast):
        ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, key="top")
        client = signed_in(world, "member")
        response = client.post("/okrs/objectives/fast/edit/", {**EDIT_FAST, "parent": "top"})
        assert response.status_code == 302
        fast.refresh_from_db()
        assert fast.parent.key == "top"

    def test_the_edit_form_shows_the_current_keys(self, world, fast):
        fast.parent = ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, key="top")
        fast.save()
        page = options(signed_in(world, "member"), "/okrs/objectives/fast/edit/")
        assert 'name="parent" value="top"' in page
        assert 'name="team" value="web"' in page
        assert 'name="owner" value="max"' in page

    def test_an_unknown_key_is_refused_next_to_the_field(self, world, fast):
        client = signed_in(world, "member")
        with nothing_changes():
            response = client.post("/okrs/objectives/fast/edit/", {**EDIT_FAST, "parent": "nope"})
        assert response.status_code == 200
        page = response.content.decode()
        assert '<p class="field-error" id="id_parent_error">There is no objective “nope”' in page

    def test_a_key_the_caller_may_not_see_is_refused_as_unknown(self, world, fast, secret):
        client = signed_in(world, "member")
        with nothing_changes():
            response = client.post("/okrs/objectives/fast/edit/", {**EDIT_FAST, "parent": "secret"})
        assert "There is no objective “secret” you may choose." in response.content.decode()

    def test_someone_of_another_workspace_is_not_a_person_to_choose(self, world):
        KPIFactory(workspace=world.workspace, key="mrr", team=world.web)
        body = {"name": "MRR", "direction": "higher_is_better", "target": "1",
                "cadence": "weekly", "category": "other", "indicator": "lagging",
                "owner": "sam"}  # fmt: skip
        client = signed_in(world, "admin")
        with nothing_changes():
            response = client.post("/kpis/mrr/edit/", body)
        assert "There is no person “sam” you may choose." in response.content.decode()

    def test_a_teams_members_are_typed_as_usernames(self, world):
        client = signed_in(world, "admin")
        body = {"name": "Web", "kind": "team", "parent": "product", "members": "max, lea"}
        assert client.post("/teams/web/edit/", body).status_code == 302
        assert {u.username for u in world.web.members.all()} == {"max", "lea"}
        shown = re.search(r'name="members" value="([^"]*)"', options(client, "/teams/web/edit/"))
        assert shown is not None
        assert sorted(shown[1].split(", ")) == ["lea", "max"]

    def test_one_unknown_member_refuses_them_all(self, world):
        body = {"name": "Web", "kind": "team", "members": "lea ghost"}
        client = signed_in(world, "admin")
        with nothing_changes():
            response = client.post("/teams/web/edit/", body)
        assert "There is no person “ghost” you may choose." in response.content.decode()


def test_the_pages_with_a_form_list_neither_objectives_nor_people(world, fast):
    for i in range(5):
        ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, title=f"Elsewhere {i}")
    client = signed_in(world, "admin")
    for url in ("/okrs/objectives/fast/", "/okrs/objectives/new/", "/okrs/objectives/fast/edit/",
                "/kpis/new/", "/teams/web/edit/"):  # fmt: skip
        page = options(client, url)
        assert "Elsewhere" not in page, url
        assert 'value="lea"' not in page, url


class TestSuggestions:
    def test_at_most_twenty_are_suggested(self, world):
        for i in range(25):
            ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, title=f"Grow {i}")
        page = options(signed_in(world, "member"), "/okrs/pick/objectives/?q=grow")
        assert page.count("<option") == 20

    def test_the_picker_sends_its_input_under_the_fields_name(self, world, fast):
        client = signed_in(world, "member")
        page = options(client, "/okrs/pick/objectives/?field=parent&parent=fas")
        assert '<option value="fast">Fast (Q1 2026)</option>' in page
        assert "<option" not in options(client, "/okrs/pick/objectives/?field=parent&parent=zz")

    def test_a_hidden_objective_or_key_result_is_never_suggested(self, world, secret):
        ObjectiveFactory(workspace=world.other, title="Grow globex")
        member = signed_in(world, "member")
        for url in ("/okrs/pick/objectives/?q=grow", "/okrs/pick/dependencies/?q=grow"):
            assert "<option" not in options(member, url)
        assert 'value="secret"' in options(signed_in(world, "admin"), "/okrs/pick/objectives/")

    def test_people_teams_and_kpis_are_of_the_workspace(self, world):
        KPIFactory(workspace=world.workspace, key="mrr", name="Revenue")
        KPIFactory(workspace=world.other, key="churn", name="Churn")
        client = signed_in(world, "member")
        people = options(client, "/teams/pick/people/?q=")
        assert 'value="max"' in people
        assert 'value="sam"' not in people
        assert 'value="web"' in options(client, "/teams/pick/teams/?q=we")
        kpis = options(client, "/kpis/pick/kpis/?q=")
        assert 'value="mrr"' in kpis
        assert "churn" not in kpis

    @pytest.mark.parametrize(
        "url",
        ["/okrs/pick/objectives/", "/okrs/pick/dependencies/", "/teams/pick/people/",
         "/teams/pick/teams/", "/kpis/pick/kpis/"],
    )  # fmt: skip
    def test_a_viewer_fills_in_no_form_and_gets_no_suggestions(self, world, client, url):
        assert signed_in(world, "viewer").get(url).status_code == 403
        assert client.get(url).status_code == 302  # signed out: to the sign-in page


def values(page: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)"', page)


class TestWhatIsSuggested:
    def test_an_objective_is_found_by_its_key_or_by_its_title(self, world, fast):
        ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, key="o-7", title="Ship")
        client = signed_in(world, "member")
        assert values(options(client, "/okrs/pick/objectives/?q=o-7")) == ["o-7"]
        assert values(options(client, "/okrs/pick/objectives/?q=SHI")) == ["o-7"]
        assert values(options(client, "/okrs/pick/objectives/?q=hip")) == ["o-7"]

    def test_a_person_is_found_by_username_or_by_name(self, world):
        UserFactory(username="jo", name="Joanna Pike").memberships.create(
            workspace=world.workspace, role="member"
        )
        client = signed_in(world, "member")
        assert values(options(client, "/teams/pick/people/?q=jo")) == ["jo"]
        assert values(options(client, "/teams/pick/people/?q=pike")) == ["jo"]
        assert values(options(client, "/teams/pick/people/?q=zzzz")) == []

    def test_what_starts_with_the_text_comes_before_what_contains_it(self, world):
        for key, title in [("a-1", "Best grow"), ("a-2", "Grow more"), ("grow-3", "Later")]:
            ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, key=key, title=title)
        page = options(signed_in(world, "member"), "/okrs/pick/objectives/?q=grow")
        assert values(page) == ["a-2", "grow-3", "a-1"]

    def test_a_name_starting_with_the_text_is_found_however_old(self, world, monkeypatch):
        monkeypatch.setattr(pickers, "WINDOW", 5)
        ObjectiveFactory(
            workspace=world.workspace, cycle=world.cycle, key="aged", title="Alpha goal"
        )
        for i in range(10):
            ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, title=f"Another {i}")
        client = signed_in(world, "member")
        assert values(options(client, "/okrs/pick/objectives/?q=age")) == ["aged"]
        assert values(options(client, "/okrs/pick/objectives/?q=ALPHA G")) == ["aged"]
        # Text inside a key or name is looked for among the WINDOW newest rows only.
        assert values(options(client, "/okrs/pick/objectives/?q=goal")) == []
        assert len(values(options(client, "/okrs/pick/objectives/?q=nother"))) == 5

    def test_only_what_the_reader_may_see_is_suggested(self, world, secret):
        ObjectiveFactory(workspace=world.other, key="grow-x", title="Grow globex")
        member, admin = signed_in(world, "member"), signed_in(world, "admin")
        for q in ("grow", "secret", "row"):
            assert values(options(member, f"/okrs/pick/objectives/?q={q}")) == []
        assert values(options(admin, "/okrs/pick/objectives/?q=grow")) == ["secret"]
        assert values(options(member, "/teams/pick/people/?q=sa")) == []  # sam is of globex


@pytest.mark.parametrize(
    "url",
    ["/okrs/pick/objectives/?q=o", "/okrs/pick/objectives/?q=zzzz",
     "/okrs/pick/dependencies/?q=o", "/teams/pick/people/?q=u", "/teams/pick/people/?q=zzzz",
     "/teams/pick/teams/?q=t", "/kpis/pick/kpis/?q=k"],
)  # fmt: skip
def test_a_suggestion_costs_the_same_queries_with_5_or_60_rows(world, url):
    client = signed_in(world, "member")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            options(client, url)
        return len(captured)

    counts = []
    for n in (5, 55):
        for _ in range(n):
            ObjectiveFactory(workspace=world.workspace, cycle=world.cycle)
            MembershipFactory(workspace=world.workspace)
            TeamFactory(workspace=world.workspace)
            KPIFactory(workspace=world.workspace)
        counts.append(queries())
    assert counts[0] == counts[1]
