"""One page of a long public list without counting the list.

Django's ``Paginator`` counts every row that matches (``SELECT COUNT(*)``) to say "page 3 of
5,000", which at a hundred thousand rows costs more than the page itself. A :class:`Window`
reads the page's rows and one more, which says whether there is a next page: links to the
previous and the next page (``includes/window_pagination.html``), as the open-data API's
cursors do. The page number comes from ``?sida=`` like the paginated lists.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet

from .params import int_param

T = TypeVar("T")

# Deep pages cost an OFFSET over every row before them; nobody reads page 10,000 of a list,
# and a crawler that tries gets the last page allowed.
MAX_PAGE = 1000


@dataclass(frozen=True)
class Window(Generic[T]):
    items: Sequence[T]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def page_number(data: Any, name: str = "sida") -> int:
    """``?sida=`` as a page number from 1 to ``MAX_PAGE`` (1 when absent)."""
    number = int_param(data, name, 1, minimum=1)
    return min(number or 1, MAX_PAGE)


def window(queryset: "QuerySet[Any]", number: int, per_page: int) -> Window[Any]:
    """Page ``number`` of ``queryset`` (which must be ordered): one query of per_page + 1 rows."""
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    return Window(items=rows[:per_page], number=number, has_next=len(rows) > per_page)


# How far a list's heading counts ("Fler än 1 000 processer" beyond).
COUNT_CAP = 1000


def capped_count(queryset: "QuerySet[Any]", cap: int = COUNT_CAP) -> tuple[int, bool]:
    """How many rows match, counting no further than ``cap``: (the count, whether there are
    more). One query that stops at ``cap + 1`` rows."""
    found = queryset.order_by()[: cap + 1].count()
    return min(found, cap), found > cap
