"""The KPI board at scale: one page of 48 KPIs in group order, the filters kept from page to
page, and the count of all that match."""

from __future__ import annotations

from datetime import date

import pytest

from headway.core.tests.factories import KPIFactory, KPIValueFactory, TeamFactory
from headway.core.tests.fixtures import signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mid_quarter")]


@pytest.fixture
def board(world):
    """60 KPIs of team Web (`Web 00`… `Web 59`, 20 of them red), 10 without a team, and one
    KPI of globex named like them."""
    for n in range(60):
        kpi = KPIFactory(workspace=world.workspace, name=f"Web {n:02d}", team=world.web)
        KPIValueFactory(kpi=kpi, at=date(2026, 2, 8), value=50.0 if n % 3 == 0 else 95.0)
    for n in range(10):
        KPIFactory(workspace=world.workspace, name=f"Loose {n}", category="financial")
    KPIFactory(workspace=world.other, name="Web secret", team=TeamFactory(workspace=world.other))
    return world


class TestTheBoardIsPaged:
    def test_a_page_shows_48_kpis_in_group_order_and_the_count_of_all(self, board):
        text = signed_in(board, "member").get("/kpis/").content.decode()
        assert "1\u201348 of 70 KPIs" in text
        assert text.count('class="kpi-name"') == 48
        # "No team" sorts before "Web", as the groups always did
        assert text.index("No team") < text.index(">Web<")
        assert "Web 37" in text
        assert "Web 38" not in text
        assert "Web secret" not in text

    def test_the_next_page_goes_on_with_the_group_and_keeps_the_filters(self, board):
        client = signed_in(board, "member")
        text = client.get("/kpis/", {"q": "web", "group": "team", "page": "2"}).content.decode()
        assert "49\u201360 of 60 KPIs" in text
        assert "Web 48" in text
        assert "Web 47" not in text
        assert 'href="?q=web&amp;group=team"' in text  # previous: page 1, the filters kept

    def test_a_status_filter_counts_only_the_matching_kpis(self, board):
        text = signed_in(board, "member").get("/kpis/", {"status": "red"}).content.decode()
        assert "1\u201320 of 20 KPIs" in text
        assert "Web 00" in text
        assert "Web 01" not in text

    def test_grouped_by_category_the_groups_follow_their_labels(self, board):
        text = signed_in(board, "member").get("/kpis/", {"group": "category"}).content.decode()
        assert text.index(">Financial<") < text.index(">Other<")

    @pytest.mark.parametrize("page", ["0", "abc", "100000"])
    def test_a_page_out_of_range_gives_the_nearest(self, board, page):
        response = signed_in(board, "member").get("/kpis/", {"page": page})
        assert response.status_code == 200
        assert "of 70 KPIs" in response.content.decode()

    def test_htmx_swaps_the_cards_with_their_pager(self, board):
        response = signed_in(board, "member").get(
            "/kpis/", {"page": "2"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="kpi-cards"
        )
        text = response.content.decode()
        assert text.lstrip().startswith('<div id="kpi-cards">')
        assert "49\u201370 of 70 KPIs" in text
        assert 'hx-target="#kpi-cards"' in text
