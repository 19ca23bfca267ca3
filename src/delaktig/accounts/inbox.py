"""The one staff inbox: every queue the apps contribute through the registry, with counts.

The inbox knows no app by name. Each app declares its ``InboxQueue``s in its own
``contributions.py`` (what waits, scoped to the organisations the person is staff of, and
where it is handled); this page lists them, the header and the staff menu show the total,
and the staff dashboard shows a count per queue. A new app's queue appears here without
any change to this module.
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from delaktig.core.contributions import InboxQueue, WorkItem, inbox_queues
from delaktig.core.params import int_param

from .decorators import staff_required
from .types import Visitor

# Items shown per queue on the overview; the rest behind "Visa alla".
OVERVIEW_LIMIT = 10
# Items per page when one queue is viewed alone.
PAGE_SIZE = 50


@dataclass(frozen=True)
class QueueCount:
    queue: InboxQueue
    count: int


@dataclass(frozen=True)
class QueueListing:
    queue: InboxQueue
    count: int
    items: list[WorkItem]

    @property
    def has_more(self) -> bool:
        return self.count > len(self.items)


def queue_counts(user: Visitor) -> list[QueueCount]:
    """Every registered queue with how many items wait in it for ``user``."""
    return [QueueCount(queue, queue.size(user)) for queue in inbox_queues()]


def inbox_total(user: Visitor) -> int:
    """How many items wait for ``user`` in all queues together (the menu's count)."""
    return sum(entry.count for entry in queue_counts(user))


def _ordered(items: list[WorkItem]) -> list[WorkItem]:
    # Urgent items first; otherwise the order the queue gave (oldest first).
    return sorted(items, key=lambda item: not item.urgent)


@staff_required
def inbox_view(request: HttpRequest) -> HttpResponse:
    """All queues with items, the empty ones on one line; or one queue alone (``?ko=``)."""
    queues = {queue.key: queue for queue in inbox_queues()}
    key = request.GET.get("ko", "")
    if key:
        if key not in queues:
            raise Http404
        return _one_queue(request, queues[key])
    listings: list[QueueListing] = []
    empty: list[InboxQueue] = []
    for entry in queue_counts(request.user):
        if entry.count == 0:
            empty.append(entry.queue)
            continue
        items = _ordered(list(entry.queue.items(request.user)))
        listings.append(QueueListing(entry.queue, max(entry.count, len(items)), items))
    for listing in listings:
        del listing.items[OVERVIEW_LIMIT:]
    return render(
        request,
        "accounts/inbox.html",
        {
            "listings": listings,
            "empty": empty,
            "total": sum(listing.count for listing in listings),
        },
    )


def _one_queue(request: HttpRequest, queue: InboxQueue) -> HttpResponse:
    items = _ordered(list(queue.items(request.user)))
    number = int_param(request.GET, "sida", default=1, minimum=1)
    page: Page[WorkItem] = Paginator(items, PAGE_SIZE).get_page(number)
    return render(
        request,
        "accounts/inbox.html",
        {
            "queue": queue,
            "listings": [QueueListing(queue, len(items), list(page.object_list))],
            "page": page,
            "empty": [],
            "total": len(items),
        },
    )
