"""A viewer has no Check-in tab, and the check-in page tells them what they do instead; their
home shows the company's objectives and the KPIs needing attention instead of an empty page
that says "Your KPIs are green"."""

from __future__ import annotations

from datetime import date

import pytest

from headway.core.tests.factories import KPIFactory, KPIValueFactory, ObjectiveFactory
from headway.core.tests.fixtures import signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mid_quarter")]


@pytest.fixture
def company(world):
    ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, team=world.company,
                     title="Become the default OKR tool", owner=world.user("admin"))  # fmt: skip
    ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, team=world.web,
                     title="Make the web app fast")  # fmt: skip
    red = KPIFactory(workspace=world.workspace, name="Churn rate", owner=world.user("admin"),
                     direction="lower_is_better", target=2, green=3, red=5)  # fmt: skip
    KPIValueFactory(kpi=red, at=date(2026, 2, 12), value=8)
    green = KPIFactory(workspace=world.workspace, name="Uptime", target=99, green=98, red=95)
    KPIValueFactory(kpi=green, at=date(2026, 2, 12), value=99.9)
    return world


class TestViewer:
    def test_the_navigation_has_no_check_in_tab_for_a_viewer_only(self, company):
        assert ">Check-in</a>" not in signed_in(company, "viewer").get("/").content.decode()
        assert ">Check-in</a>" in signed_in(company, "member").get("/").content.decode()

    def test_their_home_shows_the_company_objectives_and_kpis_needing_attention(self, company):
        page = signed_in(company, "viewer").get("/").content.decode()
        assert "Your KPIs are green" not in page
        assert "Company objectives" in page
        assert "Become the default OKR tool" in page
        assert "Make the web app fast" not in page
        assert "Churn rate" in page
        assert "Uptime" not in page
        assert "Due for a check-in" not in page

    def test_the_check_in_page_tells_a_viewer_what_they_can_do_instead(self, company):
        page = signed_in(company, "viewer").get("/okrs/check-in/").content.decode()
        assert "you do not check in" in page
        assert 'href="/okrs/"' in page
        assert "Save check-ins" not in page
        member_page = signed_in(company, "member").get("/okrs/check-in/").content.decode()
        assert "you do not check in" not in member_page


class TestMember:
    def test_a_member_who_owns_no_kpi_is_not_told_their_kpis_are_green(self, company):
        page = signed_in(company, "member").get("/").content.decode()
        assert "Your KPIs are green" not in page
        assert "You own no KPIs" in page
