"""One page of a list: its number and size from the query string, the total, and the slice.

Used by pages with `{% include "core/pager.html" %}`; an out-of-range or malformed page number
gives the nearest page, never an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from django.http import QueryDict

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """The rows of one page, where they sit in the whole list, and the links to its neighbours."""

    items: list[T]
    number: int
    size: int
    total: int
    query: QueryDict
    param: str

    @property
    def start(self) -> int:
        """The position of the first row shown (1-based; 0 on an empty list)."""
        return (self.number - 1) * self.size + 1 if self.total else 0

    @property
    def end(self) -> int:
        return (self.number - 1) * self.size + len(self.items)

    @property
    def last(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def previous_url(self) -> str:
        """The query string of the previous page ("" on the first page)."""
        return self.url(self.number - 1) if self.number > 1 else ""

    @property
    def next_url(self) -> str:
        return self.url(self.number + 1) if self.number < self.last else ""

    def url(self, number: int) -> str:
        """`?…` with the other parameters of the request kept and this page's number."""
        query = self.query.copy()
        if number > 1:
            query[self.param] = str(number)
        else:
            query.pop(self.param, None)
        return f"?{query.urlencode()}"


def paginate(
    query: QueryDict, rows: QuerySet[Any, T] | Sequence[T], *, size: int = 50, param: str = "page"
) -> Page[T]:
    """The page of `rows` the query string asks for (`param`): one COUNT and one slice for a
    QuerySet. A number below 1 or not a number gives the first page, past the end the last."""
    total = rows.count() if isinstance(rows, QuerySet) else len(rows)
    last = max(1, -(-total // size))
    try:
        number = min(max(int(query.get(param, "1")), 1), last)
    except ValueError:
        number = 1
    offset = (number - 1) * size
    return Page(list(rows[offset : offset + size]), number, size, total, query, param)
