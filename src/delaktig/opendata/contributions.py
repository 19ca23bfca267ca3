"""What the open-data app contributes: the footer link to the open-data page, the daily job
that has the task worker make the dumps, and the demo's first dumps (so that the open-data
page offers its downloads at once, not after the first night)."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from delaktig.core.contributions import (
    Contribution,
    DemoContext,
    DemoData,
    Job,
    SiteLink,
    contribute,
)


def dumps_enqueue(now: datetime) -> int:
    """Queue the nightly dumps for the task worker (``tasks.make_dumps``); returns 1."""
    from .tasks import make_dumps

    make_dumps.enqueue()
    return 1


def _demo_dumps(context: DemoContext) -> None:
    from django.utils import timezone

    from .dumps import dumps_make

    # Last of all the demo loaders: the dumps hold what the others made.
    dumps_make(now=timezone.now())


def _footer_links(request: Any) -> Sequence[tuple[str, str]]:
    from .links import footer_links

    return footer_links(request)


contribute(
    Contribution(
        app_label="opendata",
        jobs=(
            Job(
                key="opendata.dumps",
                name=_("Gör nedladdningarna av öppna data"),
                run=dumps_enqueue,
                every="day",
            ),
        ),
        links=(SiteLink(key="opendata.footer", links=_footer_links, place="footer"),),
        demo=DemoData(load=_demo_dumps, order=1000),
    )
)
