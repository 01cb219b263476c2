"""Every main page with the demo data, saved to docs/screenshots/ (the README shows some).

Each page must load without a console error: a script or style blocked by the content
security policy, or a missing asset, would show up here.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from headway.kpis.models import KPI
from headway.okrs.models import Objective
from headway.teams.models import Team
from tests.e2e.conftest import shoot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("demo")]


def test_screenshots_of_every_main_page(page, live_server):
    page.goto(f"{live_server.url}/login/")
    shoot(page, "sign-in")
    sign_in(page, live_server, "olivia")
    objective = Objective.objects.filter(cycle__state="active", title__startswith="Make the web")
    kpi = KPI.objects.order_by("name").filter(values__isnull=False).first()
    team = Team.objects.get(name="Product & Engineering")
    pages = {
        "my-focus": "/",
        "okr-tree": "/okrs/",
        "objective": f"/okrs/objectives/{objective.first().key}/",
        "check-in": "/okrs/check-in/",
        "kpi-dashboard": "/kpis/",
        "kpi": f"/kpis/{kpi.key}/",
        "teams": "/teams/",
        "team": f"/teams/{team.key}/",
        "cycle-review": "/okrs/review/",
        "new-objective": "/okrs/objectives/new/",
        "settings": "/settings/",
    }
    for name, path in pages.items():
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        expect(page.locator("main h1").first).to_be_visible()
        shoot(page, name)
    assert page.console_errors == []


def test_screenshots_on_a_phone(browser, live_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page = context.new_page()
    sign_in(page, live_server, "liam")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the focus page scrolls sideways on a phone"
    shoot(page, "phone-my-focus")
    for name, path in {
        "phone-okr-tree": "/okrs/",
        "phone-check-in": "/okrs/check-in/",
        "phone-kpi-dashboard": "/kpis/",
    }.items():
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        shoot(page, name)
    context.close()
