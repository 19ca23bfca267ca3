"""What the search app contributes: the menu link to ``/sok/``, the daily pass that brings the
index up to date (through the task worker), and the demo's index."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from delaktig.core.contributions import (
    Contribution,
    DemoContext,
    DemoData,
    Job,
    SiteLink,
    contribute,
)


def reindex_enqueue(now: datetime) -> int:
    """Queue the nightly pass over every source (``tasks.reindex_all``); returns 1."""
    from .tasks import reindex_all

    reindex_all.enqueue()
    return 1


def _demo_index(context: DemoContext) -> None:
    from .index import reindex

    # After the other loaders, some of which change what they made with QuerySet.update().
    reindex()


def _menu_links(request: Any) -> Sequence[tuple[str, str]]:
    return [(str(_("Sök")), reverse("search"))]


contribute(
    Contribution(
        app_label="search",
        jobs=(
            Job(
                key="search.reindex",
                name=_("Går igenom sökindexet"),
                run=reindex_enqueue,
                every="day",
            ),
        ),
        links=(SiteLink(key="search.menu", links=_menu_links, place="menu", order=90),),
        demo=DemoData(load=_demo_index, order=990),
    )
)
