"""What people do in a browser, on the demo workspace: sign in, check in, create, close."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from headway import access
from headway.accounts.models import Membership
from headway.core.timeutil import today_in
from headway.kpis.actions import ValueIn, record_kpi_values
from headway.kpis.models import KPI
from headway.kpis.scoring import kpi_figures
from headway.okrs.models import CheckIn, Cycle, Dependency, KeyResult, Objective
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("demo")]


def test_sign_in_and_out(page, live_server):
    page.goto(f"{live_server.url}/okrs/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/okrs/"))
    page.get_by_label("Username or email").fill("liam@northwind.example")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match")
    sign_in(page, live_server, "liam")
    expect(page.get_by_role("heading", name="My focus")).to_be_visible()
    expect(page.locator(".whoami")).to_contain_text("Liam Walsh")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login/"))
    assert page.console_errors == []


def test_check_in_on_two_key_results(page, live_server):
    sign_in(page, live_server, "liam")
    page.get_by_role("link", name="Check-in", exact=True).click()
    rows = page.locator("fieldset.checkin-row")
    first, second = rows.nth(0), rows.nth(1)
    keys = [row.get_attribute("id").removeprefix("checkin-") for row in (first, second)]
    targets = dict(KeyResult.objects.filter(key__in=keys).values_list("key", "target"))
    before = [row.locator(".status").inner_text() for row in (first, second)]
    for row, key in zip((first, second), keys, strict=True):
        row.get_by_label("New value").fill(str(targets[key]))
        row.get_by_label("Confidence").fill("9")
    first.get_by_label("Note").fill("Shipped the last piece")
    second.get_by_label("I need help").check()
    page.evaluate("window.stillHere = true")
    page.get_by_role("button", name="Save check-ins").click()
    expect(page.get_by_role("status")).to_contain_text("Saved 2 check-ins")
    assert page.evaluate("window.stillHere") is True  # swapped in place, no full reload
    for row in (page.locator(f"#checkin-{keys[0]}"), page.locator(f"#checkin-{keys[1]}")):
        expect(row.locator(".progress")).to_have_text("100%")
        expect(row.locator(".status")).to_have_text("Done")
    assert before != ["Done", "Done"]
    day = today_in("Europe/Berlin")
    assert CheckIn.objects.filter(key_result__key__in=keys, at=day, confidence=9).count() == 2
    assert page.console_errors == []


def test_create_an_objective_with_three_key_results(page, live_server):
    sign_in(page, live_server, "liam")
    page.goto(f"{live_server.url}/okrs/objectives/new/")
    page.get_by_label("Title").first.fill("Make checkout effortless")
    page.locator("#id_team").fill("web")
    for i, (title, target) in enumerate(
        [("Checkout conversion at 4 %", "4"), ("Checkout in 3 steps", "3"), ("Zero P1 bugs", "0")]
    ):
        page.locator(f"#id_kr-{i}-title").fill(title)
        page.locator(f"#id_kr-{i}-start").fill("10" if i == 1 else "1")
        page.locator(f"#id_kr-{i}-target").fill(target)
    page.get_by_role("button", name="Create objective").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Make checkout effortless")
    expect(page.locator("article.kr h3")).to_have_count(3)
    objective = Objective.objects.get(title="Make checkout effortless")
    assert objective.key_results.count() == 3
    assert objective.team.name == "Web"


def test_add_and_remove_a_dependency(page, live_server):
    objective = Objective.objects.filter(owner__username="liam", cycle__state="active").first()
    before = Dependency.objects.filter(objective=objective).count()
    sign_in(page, live_server, "liam")
    page.goto(f"{live_server.url}/okrs/objectives/{objective.key}/")
    section = page.locator("#dependencies")
    choice = section.get_by_label("Depends on")
    # Typing asks for suggestions (at most 20, scoped as the form is) into the input's list.
    suggestions = section.locator("datalist option")
    expect(suggestions).to_have_count(0)
    choice.press_sequentially("a")
    expect(suggestions.first).to_be_attached()
    assert 1 <= suggestions.count() <= 20
    first = suggestions.first
    label = first.inner_text()
    choice.fill(first.get_attribute("value"))
    section.get_by_label("Note").fill("Needs their API first")
    page.evaluate("window.stillHere = true")
    section.get_by_role("button", name="Add dependency").click()
    expect(section.locator("ul")).to_contain_text("Needs their API first")
    assert page.evaluate("window.stillHere") is True  # swapped in place
    assert Dependency.objects.filter(objective=objective).count() == before + 1
    added = Dependency.objects.filter(objective=objective).latest("id")
    target = added.depends_on_objective or added.depends_on_key_result
    assert target is not None
    assert target.title in label
    section.locator("li", has_text="Needs their API first").get_by_role("button").click()
    expect(section).not_to_contain_text("Needs their API first")
    assert Dependency.objects.filter(objective=objective).count() == before
    assert page.console_errors == []


def test_add_a_kpi_value_and_see_its_colour_change(page, live_server):
    kpi = next(
        k
        for k in KPI.objects.filter(direction="higher_is_better", green__isnull=False)
        if kpi_figures([k], as_of=today_in("Europe/Berlin"))[k.pk].status != "green"
    )
    sign_in(page, live_server, "olivia")
    page.goto(f"{live_server.url}/kpis/{kpi.key}/")
    expect(page.locator("#kpi-status .chip").first).not_to_have_text("Green")
    page.get_by_role("spinbutton", name="Value").fill(str(kpi.green))  # green from here
    page.evaluate("window.stillHere = true")
    page.get_by_role("button", name="Add value").click()
    expect(page.locator("#kpi-status .chip").first).to_have_text("Green")
    assert page.evaluate("window.stillHere") is True
    expect(page.locator("#kpi-status .chip-green")).to_be_visible()


def test_start_an_okr_from_a_red_kpi(page, live_server):
    kpi = KPI.objects.filter(direction="higher_is_better", red__isnull=False).first()
    day = today_in("Europe/Berlin")
    record_kpi_values(kpi, [ValueIn(at=day, value=kpi.red / 2)], actor=None)
    assert kpi_figures([kpi], as_of=day)[kpi.pk].status == "red"
    sign_in(page, live_server, "olivia")
    page.goto(f"{live_server.url}/kpis/")
    page.get_by_role("link", name=kpi.name).click()
    expect(page.locator("#kpi-status")).to_contain_text("Red")
    page.get_by_role("link", name="Start an OKR from this KPI").click()
    expect(page.locator("#id_title")).to_have_value(f"Improve {kpi.name}")
    expect(page.locator("#id_kr-0-start")).to_have_value(str(kpi.red / 2))
    expect(page.locator("#id_kr-0-target")).to_have_value(str(kpi.target))
    page.locator("#id_kr-1-title").fill("Find the three biggest causes")
    page.locator("#id_kr-1-metric").select_option("boolean")
    page.get_by_role("button", name="Create objective").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Improve {kpi.name}")
    expect(page.locator("article.kr").first).to_contain_text(kpi.name)
    assert KeyResult.objects.filter(kpi=kpi, objective__title=f"Improve {kpi.name}").exists()


def test_close_a_cycle(page, live_server):
    sign_in(page, live_server, "olivia")
    page.get_by_role("link", name="OKRs", exact=True).click()
    page.get_by_role("link", name="Cycle review").click()
    cycle_name = page.locator("h1 .muted").inner_text().removeprefix("· ")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Close cycle").click()
    expect(page.get_by_role("status")).to_contain_text("its scores are final")
    expect(page.get_by_role("button", name="Close cycle")).to_have_count(0)
    assert Cycle.objects.get(name=cycle_name).state == "closed"


def test_a_viewer_sees_no_edit_controls_and_cannot_write(page, live_server):
    vera = Membership.objects.get(user__username="vera")
    objective = access.objectives_for(vera).filter(cycle__state="active").first()
    kr = objective.key_results.first()
    sign_in(page, live_server, "vera")
    page.goto(f"{live_server.url}/okrs/objectives/{objective.key}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(objective.title)
    for name in ("Edit", "Check in", "Add child objective", "Add"):
        expect(page.get_by_role("button", name=name, exact=True)).to_have_count(0)
        expect(page.get_by_role("link", name=name, exact=True)).to_have_count(0)
    expect(page.locator("#initiatives form")).to_have_count(0)
    expect(page.get_by_role("link", name="New objective")).to_have_count(0)

    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    before = CheckIn.objects.count(), Objective.objects.get(pk=objective.pk).title
    writes = [
        ("/okrs/check-in/", {f"{kr.key}-value": "1", f"{kr.key}-confidence": "5"}),
        (f"/okrs/objectives/{objective.key}/edit/", {"title": "Hacked"}),
        (f"/okrs/objectives/{objective.key}/initiatives/", {"title": "Hacked"}),
    ]
    for path, form in writes:
        for headers in ({"X-CSRFToken": token}, {"X-CSRFToken": token, "HX-Request": "true"}):
            response = page.request.post(f"{live_server.url}{path}", form=form, headers=headers)
            assert response.status == 403, path
    assert (CheckIn.objects.count(), Objective.objects.get(pk=objective.pk).title) == before


def test_a_title_with_markup_shows_as_text(page, live_server):
    objective = Objective.objects.filter(cycle__state="active", parent__isnull=True).first()
    Objective.objects.filter(pk=objective.pk).update(title="<script>alert(1)</script>")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, live_server, "olivia")
    page.goto(f"{live_server.url}/okrs/")
    expect(page.get_by_text("<script>alert(1)</script>").first).to_be_visible()
    page.goto(f"{live_server.url}/okrs/objectives/{objective.key}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("<script>alert(1)</script>")
    assert dialogs == []


def test_a_busy_database_during_a_check_in_says_nothing_was_saved(page, live_server, monkeypatch):
    from django.db import OperationalError

    from headway.okrs import actions

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    sign_in(page, live_server, "liam")
    page.get_by_role("link", name="Check-in", exact=True).click()
    row = page.locator("fieldset.checkin-row").first
    row.get_by_label("New value").fill("1")
    before = CheckIn.objects.count()
    monkeypatch.setattr(actions, "record_check_in", locked)
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Save check-ins").click()
    assert answer.value.status == 503
    alert = page.locator("#check-in > .htmx-error")
    expect(alert).to_have_attribute("role", "alert")
    expect(alert).to_contain_text("The database is busy")
    expect(alert).to_contain_text("was not saved")
    expect(alert).to_be_focused()
    expect(row.get_by_label("New value")).to_have_value("1")  # what was typed is kept
    assert CheckIn.objects.count() == before
    monkeypatch.undo()  # the database is free again: the retry saves and the message goes
    page.get_by_role("button", name="Save check-ins").click()
    expect(page.get_by_role("status")).to_contain_text("Saved 1 check-in")
    expect(page.locator(".htmx-error")).to_have_count(0)
    # The browser reports the refused request and htmx logs it; nothing else went wrong.
    unexpected = [e for e in page.console_errors if "503" not in e]
    assert unexpected == []
