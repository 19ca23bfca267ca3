"""The demo region's information pages and the seats in its bodies.

The content is in ``demo_data.toml`` next to this module; everything is created through the
same services the staff pages use, and the lättläst and English versions through the
translations service, marked reviewed (we wrote them). No minority-language text is invented.
"""

from datetime import date
from typing import Any

from django.utils import timezone

from delaktig.core.contributions import DemoContext, demo_content
from delaktig.organisations.models import Body
from delaktig.translations.services import Change, translations_save

from . import services
from .models import Page
from .workflow import Action


def current_term(today: date) -> tuple[date, date]:
    """The Swedish term of office (mandatperiod) running on ``today``: elections every four
    years (2022, 2026 …), terms from 15 October of the election year to 14 October four years
    later."""
    year = today.year - (today.year - 2022) % 4
    if today < date(year, 10, 15):
        year -= 4
    return date(year, 10, 15), date(year + 4, 10, 14)


def load(context: DemoContext) -> None:
    content = demo_content(__file__)
    region, official = context.region, context.official
    pages: dict[str, Page] = {}
    for spec in content["pages"]:
        page = services.page_create(
            actor=official,
            organisation=region,
            title=spec["title"],
            kind=spec["kind"],
            slug=spec["slug"],
            summary=spec.get("summary", ""),
            body=spec.get("body", ""),
            parent=pages.get(spec.get("parent", "")),
        )
        pages[spec["key"]] = services.page_transition(
            actor=official, page=page, action=Action.PUBLISH
        )
        for code, texts in spec.get("translations", {}).items():
            translations_save(
                actor=official,
                obj=pages[spec["key"]],
                language=code,
                changes=[Change(field, text) for field, text in texts.items()],
                reviewed=True,
            )
    _seats(region, official, content["seats"])


def _seats(region: Any, official: Any, specs: list[dict[str, Any]]) -> None:
    start, end = current_term(timezone.localdate())
    for spec in specs:
        body = Body.objects.get(organisation=region, name=spec["body"])
        for person in spec["people"]:
            services.seat_create(
                actor=official,
                body=body,
                name=person["name"],
                party=person["party"],
                role=person["role"],
                term_start=start,
                term_end=end,
            )
