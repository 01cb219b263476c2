"""The shared pager (headway/pages/paging.py): bounds, counts and links that keep the query."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from headway.pages.paging import paginate

ROWS = list(range(1, 124))  # 123 rows: pages of 50, 50 and 23


class TestPaginate:
    @pytest.mark.parametrize(
        ("page", "number"),
        [
            ("", 1),
            ("1", 1),
            ("2", 2),
            ("3", 3),
            ("0", 1),
            ("-1", 1),
            ("4", 3),
            ("x", 1),
            ("2.5", 1),
        ],
    )
    def test_a_number_out_of_range_or_malformed_gives_the_nearest_page(self, page, number):
        assert paginate(QueryDict(f"page={page}"), ROWS).number == number

    def test_it_slices_and_says_where_the_page_sits(self):
        page = paginate(QueryDict("page=3"), ROWS)
        assert page.items == list(range(101, 124))
        assert (page.start, page.end, page.total, page.last) == (101, 123, 123, 3)

    def test_its_links_keep_the_other_parameters(self):
        page = paginate(QueryDict("q=web&page=2&status=red"), ROWS)
        assert page.previous_url == "?q=web&status=red"
        assert page.next_url == "?q=web&page=3&status=red"

    def test_the_first_and_last_pages_have_no_link_beyond(self):
        assert paginate(QueryDict(""), ROWS).previous_url == ""
        assert paginate(QueryDict("page=3"), ROWS).next_url == ""

    def test_an_empty_list_is_one_empty_page(self):
        page = paginate(QueryDict("page=5"), [])
        assert (page.number, page.start, page.end, page.total, page.items) == (1, 0, 0, 0, [])

    def test_two_lists_on_one_page_page_by_their_own_parameter(self):
        query = QueryDict("page=2&invitations=3")
        assert paginate(query, ROWS, size=10, param="invitations").items == list(range(21, 31))
        assert paginate(query, ROWS, size=10).items == list(range(11, 21))
