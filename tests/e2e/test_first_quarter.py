"""The first quarter of a new install, from an empty database (not the demo).

A staff user made with `headway createsuperuser` signs in, creates the workspace and its first
cycle, follows the empty pages' hints, sets up a team, an objective, a KPI, checks in, and
invites a colleague who accepts and creates their own API token. A viewer's visit follows.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from headway.accounts import actions as account_actions
from headway.accounts.models import ApiToken, Membership, User, Workspace
from headway.core.timeutil import today_in
from headway.kpis.models import KPI, KPIValue
from headway.okrs.models import CheckIn, Cycle, KeyResult, Objective
from tests.e2e.conftest import PASSWORD, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("transactional_db")]


def test_first_quarter_of_a_new_install(page, live_server):
    User.objects.create_superuser("ada", "ada@acme.example", PASSWORD, name="Ada Lovelace")
    User.objects.create_user("ben", "ben@acme.example", PASSWORD, name="Ben Okafor")
    day = today_in("UTC")
    start, end = day - timedelta(days=30), day + timedelta(days=60)

    # First run: no workspace yet, and a button to create one.
    sign_in(page, live_server, "ada")
    expect(page.get_by_role("heading", name="You are not in a workspace yet")).to_be_visible()
    page.get_by_role("link", name="Create a workspace").click()
    page.get_by_label("Workspace name").fill("Acme")
    expect(page.get_by_label("Time zone")).to_have_value("UTC")
    page.get_by_label("First cycle").fill("This quarter")
    page.get_by_label("Cycle starts").fill(start.isoformat())
    page.get_by_label("Cycle ends").fill(end.isoformat())
    page.get_by_role("button", name="Create the workspace").click()
    expect(page.get_by_role("status")).to_contain_text("Acme is ready: you are its admin.")
    expect(page.get_by_role("heading", name="My focus")).to_be_visible()
    expect(page.locator(".whoami")).to_contain_text("Admin")
    workspace = Workspace.objects.get(name="Acme")
    cycle = Cycle.objects.get(workspace=workspace)
    assert (cycle.start, cycle.end) == (start, end)
    assert Membership.objects.get(workspace=workspace, user__username="ada").role == "admin"

    # Empty pages say what to do next, with the button to do it.
    expect(page.get_by_text("You own no objectives in an open cycle.")).to_be_visible()
    expect(page.get_by_role("link", name="Create an objective")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="OKRs").click()
    expect(page.get_by_text("No objectives in this cycle yet.")).to_be_visible()
    expect(page.get_by_role("link", name="Create an objective")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="KPIs").click()
    expect(page.get_by_text("No KPIs yet")).to_be_visible()
    expect(page.get_by_role("link", name="Add a KPI")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Teams").click()
    expect(page.get_by_text("No teams yet")).to_be_visible()

    # A team.
    page.get_by_role("link", name="Create a team").click()
    page.get_by_label("Name").fill("Platform")
    page.get_by_label("Lead").fill("ada")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Platform")

    # An objective with two key results, the second done/not-done.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="OKRs").click()
    page.get_by_role("link", name="Create an objective").click()
    page.locator("#id_title").fill("Make the platform dependable")
    page.locator("#id_team").fill("platform")
    page.locator("#id_kr-0-title").fill("Uptime from 99 % to 99.9 %")
    page.locator("#id_kr-0-start").fill("99")
    page.locator("#id_kr-0-target").fill("99.9")
    page.locator("#id_kr-1-title").fill("Runbook for every alert")
    page.locator("#id_kr-1-metric").select_option("boolean")
    page.get_by_role("button", name="Create objective").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Make the platform dependable")
    expect(page.locator("article.kr h3")).to_have_count(2)
    objective = Objective.objects.get(title="Make the platform dependable")
    uptime = objective.key_results.get(metric="number")
    runbook = objective.key_results.get(metric="boolean")
    expect(page.locator(f"#kr-{runbook.key}")).to_contain_text("Not yet")

    # Check in: the runbook is done (a checkbox), the uptime reading is back-dated.
    back = day - timedelta(days=3)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Check-in").click()
    done_row = page.locator(f"#checkin-{runbook.key}")
    number_row = page.locator(f"#checkin-{uptime.key}")
    expect(done_row.locator(".current")).to_have_text("Not yet")  # not a bare 0
    expect(done_row.get_by_label("Done")).not_to_be_checked()
    done_row.get_by_label("Done").check()
    done_row.get_by_label("Confidence").fill("9")
    number_row.get_by_label("New value").fill("99.5")
    number_row.get_by_label("Confidence").fill("7")
    number_row.get_by_label("Date").fill(back.isoformat())
    number_row.get_by_label("Blockers").fill("Waiting for the new load balancer")
    page.get_by_role("button", name="Save check-ins").click()
    expect(page.get_by_role("status")).to_contain_text("Saved 2 check-ins")
    expect(page.locator(f"#checkin-{runbook.key} .status")).to_have_text("Done")
    expect(page.locator(f"#checkin-{runbook.key} .current")).to_have_text("Yes")
    assert CheckIn.objects.get(key_result=runbook).value == 1
    reading = CheckIn.objects.get(key_result=uptime)
    assert (reading.at, reading.value) == (back, 99.5)
    page.goto(f"{live_server.url}/okrs/objectives/{objective.key}/")
    expect(page.locator(f"#kr-{runbook.key}")).to_contain_text("Yes")
    expect(page.locator(f"#kr-{uptime.key}")).to_contain_text("99.5")
    # Ada leads Platform: the blocker is on her focus page and on the team's page.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My focus").click()
    blockers = page.locator("ul.blockers")
    expect(blockers).to_contain_text("Waiting for the new load balancer")
    expect(blockers.get_by_role("link", name="Uptime from 99 % to 99.9 %")).to_be_visible()
    page.goto(f"{live_server.url}/teams/{objective.team.key}/")
    expect(page.locator("ul.blockers")).to_contain_text("Waiting for the new load balancer")

    # A KPI and its first value.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="KPIs").click()
    page.get_by_role("link", name="Add a KPI").click()
    page.get_by_label("Name").fill("Open incidents")
    page.get_by_label("Direction").select_option("lower_is_better")
    page.get_by_label("Target", exact=True).fill("2")
    page.get_by_label("Team").fill("platform")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Open incidents")
    page.get_by_role("spinbutton", name="Value").fill("5")
    page.get_by_role("button", name="Add value").click()
    expect(page.locator("#kpi-status .chip").first).not_to_have_text("No data")
    kpi = KPI.objects.get(name="Open incidents")
    assert list(KPIValue.objects.filter(kpi=kpi).values_list("value", flat=True)) == [5]
    page.get_by_role("navigation", name="Main").get_by_role("link", name="KPIs").click()
    expect(page.get_by_role("link", name="Open incidents")).to_be_visible()

    # Invite Ben, who has an account already.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_label("Username or email").fill("ben@acme.example")
    page.get_by_role("button", name="Invite").click()
    expect(page.get_by_role("table", name="Pending invitations")).to_contain_text(
        "ben@acme.example"
    )
    assert not Membership.objects.filter(workspace=workspace, user__username="ben").exists()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login/"))

    # Ben signs in, sees the invitation, accepts, lands in Acme.
    sign_in(page, live_server, "ben")
    expect(page.get_by_role("heading", name="You are not in a workspace yet")).to_be_visible()
    expect(page.locator("main")).to_contain_text("invites you to join Acme as member")
    page.get_by_role("button", name="Accept the invitation to Acme").click()
    expect(page.get_by_role("status")).to_contain_text("Welcome to Acme.")
    expect(page.get_by_role("heading", name="My focus")).to_be_visible()
    expect(page.locator(".workspace-name")).to_have_text("Acme")
    expect(page.locator(".whoami")).to_contain_text("Member")
    assert Membership.objects.get(workspace=workspace, user__username="ben").role == "member"

    # Ben creates his own API token: shown once.
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_text("No API tokens yet")).to_be_visible()
    page.get_by_label("Token name").fill("My laptop")
    page.get_by_role("button", name="Create a token for me").click()
    shown = page.locator("code.token")
    expect(shown).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("it is not shown again")
    secret = shown.inner_text()
    expect(page.get_by_role("table")).to_contain_text("My laptop")
    expect(page.get_by_role("table")).to_contain_text("Ben Okafor")
    response = page.request.get(
        f"{live_server.url}/api/v1/objectives", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status == 200
    page.reload()  # no second token, and the secret is gone
    expect(page.get_by_role("table").locator("tbody tr")).to_have_count(1)
    assert ApiToken.objects.filter(user__username="ben").count() == 1
    expect(page.locator("code.token")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text(secret)
    assert page.console_errors == []


def test_a_viewers_visit(page, live_server):
    ada = User.objects.create_superuser("ada", "ada@acme.example", PASSWORD, name="Ada Lovelace")
    User.objects.create_user("val", "val@acme.example", PASSWORD, name="Val Petit")
    day = today_in("UTC")
    ada_in = account_actions.create_workspace(
        ada, name="Acme", timezone_name="UTC", cycle_name="This quarter",
        cycle_start=day - timedelta(days=30), cycle_end=day + timedelta(days=60), via="test",
    )  # fmt: skip
    workspace = ada_in.workspace
    Membership.objects.create(
        workspace=workspace, user=User.objects.get(username="val"), role="viewer"
    )
    cycle = Cycle.objects.get(workspace=workspace)
    objective = Objective.objects.create(
        workspace=workspace, cycle=cycle, key="grow", title="Grow the customer base", owner=ada
    )
    KeyResult.objects.create(
        workspace=workspace,
        objective=objective,
        key="grow-1",
        title="Reach 40 customers",
        start=10,
        target=40,
    )
    kpi = KPI.objects.create(
        workspace=workspace, key="churn", name="Monthly churn", direction="lower_is_better",
        target=2, red=5, owner=ada,
    )  # fmt: skip
    KPIValue.objects.create(kpi=kpi, at=day, value=8, recorded_at=timezone.now())

    sign_in(page, live_server, "val")
    expect(page.locator(".whoami")).to_contain_text("Viewer")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Check-in")).to_have_count(0)
    expect(nav.get_by_role("link", name="Settings")).to_have_count(0)
    expect(page.get_by_role("heading", name="Company objectives")).to_be_visible()
    expect(page.get_by_role("link", name="Grow the customer base")).to_be_visible()
    attention = page.locator(
        "section", has=page.get_by_role("heading", name="KPIs needing attention")
    )
    expect(attention.get_by_role("link", name="Monthly churn")).to_be_visible()
    expect(attention).to_contain_text("Red")
    expect(page.get_by_text("Your KPIs are green")).to_have_count(0)
    page.get_by_role("link", name="Grow the customer base").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Grow the customer base")
    expect(page.get_by_role("link", name="Check in", exact=True)).to_have_count(0)
    page.goto(f"{live_server.url}/okrs/check-in/")  # typed in: nothing to save
    expect(page.get_by_role("button", name="Save check-ins")).to_have_count(0)
    assert page.console_errors == []


def test_the_first_run_pages_fit_a_phone_and_lead_home_and_out(browser, live_server):
    User.objects.create_superuser("ada", "ada@acme.example", PASSWORD, name="Ada Lovelace")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, live_server, "ada")
    for path in ("/", "/workspaces/new/", "/invitations/"):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("main h1")).to_be_visible()
        # No dead end: the way home and out are on every page, in a workspace or not.
        expect(page.get_by_role("link", name="Headway")).to_have_attribute("href", "/")
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width} px wide on a phone"
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login/"))
    context.close()


def test_without_a_cycle_the_pages_say_create_one_first(page, live_server):
    ada = User.objects.create_superuser("ada", "ada@acme.example", PASSWORD, name="Ada Lovelace")
    day = today_in("UTC")
    account_actions.create_workspace(
        ada, name="Acme", timezone_name="UTC", cycle_name="Old",
        cycle_start=day - timedelta(days=30), cycle_end=day + timedelta(days=60), via="test",
    )  # fmt: skip
    Cycle.objects.filter(workspace__name="Acme").delete()  # e.g. a plan file without cycles
    sign_in(page, live_server, "ada")
    expect(page.get_by_role("heading", name="No open cycle yet")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="OKRs").click()
    expect(page.get_by_text("No cycle yet")).to_be_visible()
    page.get_by_role("link", name="Create a cycle").click()
    page.get_by_label("Key").fill("next")
    page.get_by_label("Name").fill("Next quarter")
    page.get_by_label("Start").fill(day.isoformat())
    page.get_by_label("End").fill((day + timedelta(days=90)).isoformat())
    page.get_by_role("button", name="Save").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="OKRs").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Next quarter")
    expect(page.get_by_role("link", name="Create an objective")).to_be_visible()
    assert Cycle.objects.get(workspace__name="Acme").state_on(day).value == "active"
    assert page.console_errors == []
