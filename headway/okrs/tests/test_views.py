"""OKR pages through the real URL stack: tree, objective, check-in, create, review."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from headway.core.tests.factories import (
    CheckInFactory,
    DependencyFactory,
    InitiativeFactory,
    KeyResultFactory,
    ObjectiveFactory,
)
from headway.core.tests.fixtures import signed_in
from headway.history.models import Event
from headway.okrs.models import CheckIn, Cycle, Dependency, Initiative, KeyResult, Objective

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mid_quarter")]


HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def okr(world):
    """An objective of the web team owned by `member`, with two key results half-way."""
    objective = ObjectiveFactory(
        workspace=world.workspace,
        cycle=world.cycle,
        key="fast",
        title="Make the web app fast",
        team=world.web,
        owner=world.user("member"),
    )
    krs = [
        KeyResultFactory(objective=objective, key=f"fast-kr{i}", title=f"Metric {i}", position=i)
        for i in range(2)
    ]
    for kr in krs:
        CheckInFactory(key_result=kr, at=date(2026, 1, 20), value=10.0, confidence=6)
    return objective


class TestTree:
    def test_it_shows_the_cycles_objectives_with_progress_and_status(self, world, okr):
        response = signed_in(world, "viewer").get("/okrs/")
        assert response.status_code == 200
        text = response.content.decode()
        assert "Make the web app fast" in text
        assert "Off track" in text  # 10% of the way, half the quarter gone
        assert "as measured by Metric 0; Metric 1" in text

    def test_search_and_filters_narrow_the_list(self, world, okr):
        ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, title="Hire well")
        client = signed_in(world, "member")
        text = client.get("/okrs/", {"q": "hire"}).content.decode()
        assert "Hire well" in text
        assert "Make the web app fast" not in text
        text = client.get("/okrs/", {"team": "web"}).content.decode()
        assert "Make the web app fast" in text
        assert "Hire well" not in text

    def test_htmx_request_gets_only_the_tree(self, world, okr):
        response = signed_in(world, "member").get(
            "/okrs/", {"q": "fast"}, HTTP_HX_TARGET="tree", **HX
        )
        text = response.content.decode()
        assert text.lstrip().startswith('<section id="tree"')
        assert "<html" not in text
        assert "Make the web app fast" in text

    def test_a_private_objective_of_another_team_is_not_listed(self, world, okr):
        ObjectiveFactory(
            workspace=world.workspace, cycle=world.cycle, title="Secret plan",
            team=world.company, visibility="private",
        )  # fmt: skip
        assert "Secret plan" not in signed_in(world, "member").get("/okrs/").content.decode()
        assert "Secret plan" in signed_in(world, "admin").get("/okrs/").content.decode()

    def test_a_title_with_markup_is_shown_as_text(self, world):
        ObjectiveFactory(
            workspace=world.workspace, cycle=world.cycle, title="<script>alert(1)</script>"
        )
        text = signed_in(world, "member").get("/okrs/").content.decode()
        assert "<script>alert(1)</script>" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text

    def test_anonymous_visitors_are_sent_to_sign_in(self, world):
        response = Client().get("/okrs/")
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=/okrs/")


class TestObjective:
    def test_it_shows_key_results_charts_initiatives_and_history(self, world, okr):
        InitiativeFactory(objective=okr, key="cdn", title="Put assets on a CDN")
        Event.objects.create(
            workspace=world.workspace, actor=world.user("member"), at=okr.created_at,
            verb="created", subject_type="objective", subject_key="fast", summary="Made it",
            objective=okr,
        )  # fmt: skip
        response = signed_in(world, "member").get("/okrs/objectives/fast/")
        text = response.content.decode()
        assert response.status_code == 200
        assert "Metric 0" in text
        assert "Metric 1" in text
        assert "<svg" in text
        assert "check-ins against the expected line" in text
        assert "Put assets on a CDN" in text
        assert "Made it" in text
        assert 'href="/okrs/objectives/fast/edit/"' in text

    def test_a_done_or_not_key_result_reads_as_words_without_a_chart(self, world, okr):
        KeyResultFactory(
            objective=okr, key="launch", title="Launch the beta", metric="boolean",
            start=None, target=None, position=5,
        )  # fmt: skip
        text = signed_in(world, "member").get("/okrs/objectives/fast/").content.decode()
        start = text.index('id="kr-launch"')
        launch = text[start : text.index("</article>", start)]
        assert "Not yet" in launch
        assert "check-ins against the expected line" not in launch

    def test_a_viewer_sees_no_edit_controls(self, world, okr):
        InitiativeFactory(objective=okr, key="cdn", title="Put assets on a CDN")
        text = signed_in(world, "viewer").get("/okrs/objectives/fast/").content.decode()
        assert "/edit/" not in text
        assert "/initiatives/" not in text
        assert "Check in" not in text

    def test_another_workspace_gets_404(self, world, okr):
        assert signed_in(world, "stranger").get("/okrs/objectives/fast/").status_code == 404

    def test_an_initiative_is_ticked_off_with_htmx(self, world, okr):
        InitiativeFactory(objective=okr, key="cdn", title="Put assets on a CDN")
        response = signed_in(world, "member").post(
            "/okrs/initiatives/cdn/status/", {"status": "done"}, **HX
        )
        assert response.status_code == 200
        assert 'id="initiatives"' in response.content.decode()
        assert Initiative.objects.get(key="cdn").status == "done"

    def test_an_initiative_can_be_added(self, world, okr):
        response = signed_in(world, "member").post(
            "/okrs/objectives/fast/initiatives/", {"title": "Lazy-load images"}, **HX
        )
        assert "Lazy-load images" in response.content.decode()
        assert okr.initiatives.get().title == "Lazy-load images"


class TestCheckIn:
    def test_it_saves_every_filled_row_and_shows_the_new_progress(self, world, okr):
        client = signed_in(world, "member")
        page = client.get("/okrs/check-in/").content.decode()
        assert "Metric 0" in page
        assert "Off track" in page
        response = client.post(
            "/okrs/check-in/",
            {
                "fast-kr0-value": "80", "fast-kr0-confidence": "8", "fast-kr0-note": "CDN",
                "fast-kr1-value": "60", "fast-kr1-confidence": "7",
                "fast-kr1-help_needed": "on", "fast-kr1-blockers": "Waiting on ops",
            },
            HTTP_HX_TARGET="check-in",
            **HX,
        )  # fmt: skip
        text = response.content.decode()
        assert "<html" not in text
        assert "Saved 2 check-ins" in text
        assert "80%" in text
        assert "On track" in text
        values = dict(
            CheckIn.objects.filter(at=date(2026, 2, 15)).values_list("key_result__key", "value")
        )
        assert values == {"fast-kr0": 80.0, "fast-kr1": 60.0}
        assert CheckIn.objects.get(key_result__key="fast-kr1", at=date(2026, 2, 15)).blockers == (
            "Help needed. Waiting on ops"
        )

    def test_one_bad_row_saves_nothing_and_says_which_field(self, world, okr):
        response = signed_in(world, "member").post(
            "/okrs/check-in/",
            {"fast-kr0-value": "80", "fast-kr0-confidence": "8",
             "fast-kr1-value": "60", "fast-kr1-confidence": "11"},
        )  # fmt: skip
        text = response.content.decode()
        assert "Nothing was saved" in text
        assert "less than or equal to 10" in text
        assert not CheckIn.objects.filter(at=date(2026, 2, 15)).exists()

    def test_a_viewer_is_refused_and_nothing_changes(self, world, okr):
        okr.owner = world.user("viewer")
        okr.save()
        response = signed_in(world, "viewer").post(
            "/okrs/check-in/", {"fast-kr0-value": "80", "fast-kr0-confidence": "8"}
        )
        assert response.status_code == 403
        assert not CheckIn.objects.filter(at=date(2026, 2, 15)).exists()

    def test_a_post_without_the_csrf_token_is_refused(self, world, okr):
        client = Client(enforce_csrf_checks=True)
        client.force_login(world.user("member"))
        response = client.post(
            "/okrs/check-in/", {"fast-kr0-value": "80", "fast-kr0-confidence": "8"}
        )
        assert response.status_code == 403
        assert not CheckIn.objects.filter(at=date(2026, 2, 15)).exists()

    def test_with_the_csrf_token_from_the_page_it_is_saved(self, world, okr):
        client = Client(enforce_csrf_checks=True)
        client.force_login(world.user("member"))
        client.get("/okrs/check-in/")
        token = client.cookies["csrftoken"].value
        response = client.post(
            "/okrs/check-in/",
            {"fast-kr0-value": "80", "fast-kr0-confidence": "8"},
            HTTP_X_CSRFTOKEN=token,
        )
        assert response.status_code == 200
        assert CheckIn.objects.filter(at=date(2026, 2, 15)).count() == 1


def objective_post(**extra):
    data = {
        "title": "Delight new customers", "cycle": "2026-q1", "team": "web", "owner": "max",
        "kind": "committed", "visibility": "workspace",
        "kr-TOTAL_FORMS": "5", "kr-INITIAL_FORMS": "0", "kr-MIN_NUM_FORMS": "0",
        "kr-MAX_NUM_FORMS": "5",
    }  # fmt: skip
    for i in range(5):
        data |= {f"kr-{i}-metric": "number", f"kr-{i}-direction": "auto"}
    data.update(extra)
    return data


class TestCreateObjective:
    def test_it_creates_the_objective_with_its_key_results(self, world):
        krs = {}
        for i, (title, target) in enumerate([("Activation", 60), ("NPS", 45), ("Time", 10)]):
            krs |= {f"kr-{i}-title": title, f"kr-{i}-start": "0", f"kr-{i}-target": str(target)}
        response = signed_in(world, "member").post("/okrs/objectives/new/", objective_post(**krs))
        objective = Objective.objects.get(title="Delight new customers")
        assert response.status_code == 302
        assert response["Location"] == f"/okrs/objectives/{objective.key}/"
        assert list(objective.key_results.values_list("title", flat=True)) == [
            "Activation", "NPS", "Time",
        ]  # fmt: skip
        assert Event.objects.filter(subject_type="key_result", verb="created").count() == 3

    def test_one_key_result_is_not_enough_and_errors_show_next_to_fields(self, world):
        data = objective_post(**{"kr-0-title": "Activation", "kr-1-title": "NPS"})
        data["title"] = ""
        response = signed_in(world, "member").post("/okrs/objectives/new/", data)
        text = response.content.decode()
        assert response.status_code == 200
        assert "This field is required." in text
        assert "Give a target value." in text
        assert not Objective.objects.exists()

    def test_a_member_cannot_create_for_a_team_they_are_not_in(self, world):
        krs = {"kr-0-title": "A", "kr-0-target": "1", "kr-1-title": "B", "kr-1-target": "1"}
        data = objective_post(**krs) | {"team": "company", "owner": "ada"}
        response = signed_in(world, "member").post("/okrs/objectives/new/", data)
        assert response.status_code == 403
        assert not Objective.objects.exists()


class TestKeyResults:
    def test_the_owner_adds_and_edits_a_key_result(self, world, okr):
        client = signed_in(world, "member")
        data = {"title": "Lighthouse 95", "metric": "number", "start": "70", "target": "95",
                "direction": "auto"}  # fmt: skip
        response = client.post("/okrs/objectives/fast/key-results/new/", data)
        assert response["Location"] == "/okrs/objectives/fast/"
        kr = okr.key_results.get(title="Lighthouse 95")
        assert kr.key == "fast-kr3"
        client.post(f"/okrs/key-results/{kr.key}/edit/", data | {"target": "98"})
        kr.refresh_from_db()
        assert kr.target == 98.0

    def test_a_boolean_key_result_needs_no_target_but_a_number_does(self, world, okr):
        client = signed_in(world, "member")
        data = {"title": "Launched", "metric": "number", "direction": "auto"}
        response = client.post("/okrs/objectives/fast/key-results/new/", data)
        assert "Give a target value." in response.content.decode()
        client.post("/okrs/objectives/fast/key-results/new/", data | {"metric": "boolean"})
        assert okr.key_results.filter(title="Launched", metric="boolean").exists()


class TestReview:
    def test_an_admin_closes_the_cycle(self, world, okr):
        client = signed_in(world, "admin")
        assert "Close cycle" in client.get("/okrs/review/").content.decode()
        response = client.post("/okrs/cycles/2026-q1/close/", follow=True)
        assert "its scores are final" in response.content.decode()
        assert Cycle.objects.get(key="2026-q1").state == "closed"
        assert "Close cycle" not in client.get("/okrs/review/2026-q1/").content.decode()

    def test_a_member_may_not_close_a_cycle(self, world, okr):
        client = signed_in(world, "member")
        assert "Close cycle" not in client.get("/okrs/review/").content.decode()
        assert client.post("/okrs/cycles/2026-q1/close/").status_code == 403
        assert Cycle.objects.get(key="2026-q1").state == "active"

    def test_the_owner_writes_a_retrospective(self, world, okr):
        response = signed_in(world, "member").post(
            "/okrs/objectives/fast/retrospective/",
            {"retrospective": "Caching mattered most."},
            **HX,
        )
        assert "Saved" in response.content.decode()
        assert Objective.objects.get(key="fast").retrospective == "Caching mattered most."


class TestInitiativeEditing:
    def test_the_checklist_links_to_the_edit_page_which_saves_every_field(self, world, okr):
        InitiativeFactory(objective=okr, key="cdn", title="Put assets on a CDN")
        client = signed_in(world, "member")
        page = client.get("/okrs/objectives/fast/").content.decode()
        assert 'href="/okrs/initiatives/cdn/edit/"' in page
        form = client.get("/okrs/initiatives/cdn/edit/").content.decode()
        assert "Metric 1" in form  # the objective's key results to choose from
        response = client.post(
            "/okrs/initiatives/cdn/edit/",
            {"title": "Serve assets from the edge", "owner": "max", "status": "doing",
             "due": "2026-03-01", "key_result": "fast-kr1"},
        )  # fmt: skip
        assert response["Location"] == "/okrs/objectives/fast/"
        initiative = Initiative.objects.get(key="cdn")
        assert (initiative.title, initiative.owner, initiative.status) == (
            "Serve assets from the edge", world.user("member"), "doing",
        )  # fmt: skip
        assert (initiative.due, initiative.key_result.key) == (date(2026, 3, 1), "fast-kr1")
        event = Event.objects.get(subject_type="initiative", verb="updated")
        assert event.changes["status"] == ["todo", "doing"]

    def test_a_key_result_of_another_objective_is_refused_next_to_the_field(self, world, okr):
        InitiativeFactory(objective=okr, key="cdn", title="Put assets on a CDN")
        other = KeyResultFactory(objective=ObjectiveFactory(workspace=world.workspace), key="x")
        response = signed_in(world, "member").post(
            "/okrs/initiatives/cdn/edit/",
            {"title": "CDN", "status": "todo", "key_result": other.key},
        )
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
        assert Initiative.objects.get(key="cdn").key_result is None

    def test_deleting_asks_first_then_deletes(self, world, okr):
        InitiativeFactory(objective=okr, key="cdn", title="Put assets on a CDN")
        client = signed_in(world, "member")
        assert 'href="/okrs/initiatives/cdn/delete/"' in (
            client.get("/okrs/initiatives/cdn/edit/").content.decode()
        )
        question = client.get("/okrs/initiatives/cdn/delete/")
        assert "Delete the initiative “Put assets on a CDN”?" in question.content.decode()
        assert Initiative.objects.filter(key="cdn").exists()
        response = client.post("/okrs/initiatives/cdn/delete/", follow=True)
        assert response.redirect_chain[-1][0] == "/okrs/objectives/fast/"
        assert "is deleted" in response.content.decode()
        assert not Initiative.objects.filter(key="cdn").exists()
        assert Event.objects.filter(subject_type="initiative", verb="deleted").exists()


class TestDependencies:
    def test_an_editor_adds_a_dependency_on_a_key_result_with_htmx(self, world, okr):
        other = ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, title="Grow revenue")
        KeyResultFactory(objective=other, key="budget", title="Budget approved")
        client = signed_in(world, "member")
        page = client.get("/okrs/objectives/fast/").content.decode()
        assert 'hx-get="/okrs/pick/dependencies/?field=depends_on&amp;for=fast"' in page
        offered = client.get("/okrs/pick/dependencies/?for=fast&q=").content.decode()
        assert (
            '<option value="budget">Key result of Grow revenue: Budget approved</option>' in offered
        )
        assert 'value="fast"' not in offered  # not on itself
        assert 'value="fast-kr0"' not in offered  # nor on its own key results
        response = client.post(
            "/okrs/objectives/fast/dependencies/",
            {"depends_on": "budget", "note": "for the CDN bill"},
            **HX,
        )
        text = response.content.decode()
        assert text.lstrip().startswith('<div id="dependencies">')
        assert "Budget approved" in text
        assert "for the CDN bill" in text
        dependency = Dependency.objects.get()
        assert (dependency.objective, dependency.depends_on_key_result.key) == (okr, "budget")

    def test_an_invisible_objective_cannot_be_chosen(self, world, okr):
        ObjectiveFactory(
            workspace=world.workspace, cycle=world.cycle, key="secret", team=world.company,
            visibility="private",
        )  # fmt: skip
        client = signed_in(world, "member")
        assert "secret" not in client.get("/okrs/pick/dependencies/?q=secret").content.decode()
        response = client.post(
            "/okrs/objectives/fast/dependencies/", {"depends_on": "secret"}, **HX
        )
        assert "There is no objective or key result “secret” you may choose." in (
            response.content.decode()
        )
        assert not Dependency.objects.exists()

    def test_without_javascript_it_redirects_back_to_the_objective(self, world, okr):
        ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, key="hire", title="Hire")
        response = signed_in(world, "member").post(
            "/okrs/objectives/fast/dependencies/", {"depends_on": "hire"}, follow=True
        )
        assert response.redirect_chain[-1][0] == "/okrs/objectives/fast/"
        assert Dependency.objects.get().depends_on_objective.key == "hire"

    def test_an_editor_removes_a_dependency(self, world, okr):
        dependency = DependencyFactory(workspace=world.workspace, objective=okr, note="Blocked")
        client = signed_in(world, "member")
        page = client.get("/okrs/objectives/fast/").content.decode()
        assert f'action="/okrs/dependencies/{dependency.pk}/delete/"' in page
        response = client.post(f"/okrs/dependencies/{dependency.pk}/delete/", **HX)
        assert "Blocked" not in response.content.decode()
        assert not Dependency.objects.exists()
        assert Event.objects.filter(subject_type="dependency", verb="deleted").exists()

    def test_a_member_of_another_team_can_neither_add_nor_remove(self, world, okr):
        dependency = DependencyFactory(workspace=world.workspace, objective=okr)
        ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, key="hire")
        client = signed_in(world, "lead")  # leads the department above: sees, cannot change
        page = client.get("/okrs/objectives/fast/").content.decode()
        assert "Add dependency" not in page
        assert "/delete/" not in page
        response = client.post("/okrs/objectives/fast/dependencies/", {"depends_on": "hire"})
        assert response.status_code == 403
        assert client.post(f"/okrs/dependencies/{dependency.pk}/delete/").status_code == 403
        assert Dependency.objects.count() == 1


class TestDeleteObjective:
    def test_the_owner_deletes_it_after_confirming_and_lands_on_the_tree(self, world, okr):
        client = signed_in(world, "member")
        assert 'href="/okrs/objectives/fast/delete/"' in (
            client.get("/okrs/objectives/fast/edit/").content.decode()
        )
        question = client.get("/okrs/objectives/fast/delete/").content.decode()
        assert "Its key results, check-ins, initiatives and dependencies are deleted" in question
        response = client.post("/okrs/objectives/fast/delete/", follow=True)
        assert response.redirect_chain[-1][0] == "/okrs/?cycle=2026-q1"
        text = response.content.decode()
        assert "The objective “Make the web app fast” is deleted." in text
        assert not Objective.objects.filter(key="fast").exists()
        assert not KeyResult.objects.filter(key__startswith="fast-").exists()
        assert Event.objects.filter(subject_type="objective", verb="deleted").exists()

    def test_in_a_closed_cycle_it_is_refused_with_the_reason(self, world, okr):
        Cycle.objects.filter(pk=world.cycle.pk).update(state="closed")
        client = signed_in(world, "admin")
        question = client.get("/okrs/objectives/fast/delete/").content.decode()
        assert "the Q1 2026 cycle is closed and its scores are final" in question
        assert '<button type="submit" class="btn btn-danger">Delete</button>' not in question
        response = client.post("/okrs/objectives/fast/delete/", follow=True)
        assert response.redirect_chain[-1][0] == "/okrs/objectives/fast/"
        assert "is closed: its scores are final" in response.content.decode()
        assert Objective.objects.filter(key="fast").exists()

    def test_a_member_of_another_team_may_not_delete(self, world, okr):
        client = signed_in(world, "lead")
        assert client.get("/okrs/objectives/fast/delete/").status_code == 403
        assert client.post("/okrs/objectives/fast/delete/").status_code == 403
        assert Objective.objects.filter(key="fast").exists()


WRITES = [
    ("/okrs/check-in/", {"fast-kr0-value": "99", "fast-kr0-confidence": "9"}),
    ("/okrs/objectives/new/", objective_post(**{"kr-0-title": "A", "kr-0-target": "1",
                                                "kr-1-title": "B", "kr-1-target": "1"})),
    ("/okrs/objectives/fast/edit/", {"title": "Hacked", "cycle": "2026-q1", "kind": "committed",
                                     "visibility": "workspace"}),
    ("/okrs/objectives/fast/retrospective/", {"retrospective": "Hacked"}),
    ("/okrs/objectives/fast/key-results/new/", {"title": "Hacked", "metric": "boolean",
                                               "direction": "auto"}),
    ("/okrs/objectives/fast/initiatives/", {"title": "Hacked"}),
    ("/okrs/initiatives/cdn/status/", {"status": "done"}),
    ("/okrs/initiatives/cdn/edit/", {"title": "Hacked", "status": "done"}),
    ("/okrs/initiatives/cdn/delete/", {}),
    ("/okrs/objectives/fast/delete/", {}),
    ("/okrs/objectives/fast/dependencies/", {"depends_on": "other"}),
    ("/okrs/dependencies/{dependency}/delete/", {}),
    ("/okrs/key-results/fast-kr0/edit/", {"title": "Hacked", "metric": "number", "target": "1",
                                          "direction": "auto"}),
    ("/okrs/key-results/fast-kr0/delete/", {}),
    ("/okrs/cycles/2026-q1/close/", {}),
    ("/okrs/cycles/2026-q1/reopen/", {}),
    ("/okrs/cycles/2026-q1/carry-over/", {"objectives": "fast", "to_cycle": "2026-q1"}),
    ("/okrs/cycles/new/", {"key": "q9", "name": "Q9", "start": "2026-04-01", "end": "2026-06-30",
                           "state": "active"}),
    ("/okrs/cycles/2026-q1/edit/", {"key": "2026-q1", "name": "Hacked", "start": "2026-01-01",
                                    "end": "2026-03-31", "state": "active"}),
    ("/kpis/new/", {"name": "Hacked", "direction": "higher_is_better", "target": "1",
                    "cadence": "weekly", "category": "other", "indicator": "lagging"}),
    ("/kpis/k/edit/", {"name": "Hacked", "direction": "higher_is_better", "target": "1",
                       "cadence": "weekly", "category": "other", "indicator": "lagging"}),
    ("/kpis/k/values/", {"at": "2026-02-15", "value": "1"}),
    ("/teams/new/", {"name": "Hacked", "kind": "team"}),
    ("/teams/web/edit/", {"name": "Hacked", "kind": "team"}),
    ("/settings/members/", {"add-login": "sam", "add-role": "admin"}),
    ("/settings/invitations/{invitation}/revoke/", {}),
]  # fmt: skip


@pytest.mark.parametrize(("path", "data"), WRITES, ids=[path for path, _ in WRITES])
@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_a_viewers_write_is_refused_and_changes_nothing(world, okr, path, data, htmx):
    from headway.core.tests.factories import KPIFactory

    InitiativeFactory(objective=okr, key="cdn", title="Put assets on a CDN")
    KPIFactory(workspace=world.workspace, key="k", name="Uptime")
    other = ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, key="other")
    dependency = DependencyFactory(workspace=world.workspace, objective=other)

    def state() -> tuple[int, ...]:
        models = (Event, CheckIn, KeyResult, Initiative, Objective, Dependency)
        return tuple(model.objects.count() for model in models)

    from headway.accounts.models import Invitation

    invitation = Invitation.objects.create(workspace=world.workspace, login="someone")
    before = state()
    path = path.format(dependency=dependency.pk, invitation=invitation.pk)
    response = signed_in(world, "viewer").post(path, data, **(HX if htmx else {}))
    assert response.status_code == 403
    assert state() == before
    assert Initiative.objects.get(key="cdn").title == "Put assets on a CDN"
    assert not Objective.objects.filter(title="Hacked").exists()
    assert Cycle.objects.get(key="2026-q1").state == "active"
    assert list(Invitation.objects.values_list("login", "state")) == [("someone", "pending")]
