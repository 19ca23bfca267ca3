"""The site search in the browser, as a resident uses it: from the search box in the footer,
by keyboard, under the production CSP, to hits of every kind with the word highlighted, a
filter by kind, and the page at 320 px; axe-core finds nothing on it."""

from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page

from tests.browser.conftest import ARTIFACTS, assert_accessible, press_enter_and_wait

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server: Any) -> str:
    with open("/dev/null", "w") as sink:
        call_command("load_demo", stdout=sink)
    return str(live_server.url)


def test_a_resident_searches_for_vardcentral(demo: str, page: Page) -> None:
    page.goto(f"{demo}/")
    page.focus("#site-search-q")
    page.keyboard.type("vårdcentral")
    press_enter_and_wait(page)
    assert "/sok/?q=" in page.url
    main = page.locator("main")
    # Proposals, a process and a meeting, each with the word marked.
    for kind in ("Förslag", "Deltagandeprocesser", "Möten"):
        assert main.get_by_role("link", name=f"{kind} (").count() == 1, kind
    marks = [text.lower() for text in main.locator("mark").all_inner_texts()]
    assert marks and all(text.startswith("vårdcentral") for text in marks)
    hits = main.locator("ol.search-results > li")
    kinds = set(hits.locator("p.meta").all_inner_texts())
    assert any(text.startswith("Möte") for text in kinds)
    assert any(text.startswith("Deltagandeprocess") for text in kinds)
    assert_accessible(page, "search-vardcentral")
    # Only the meetings, through the filter's link, by keyboard.
    link = main.get_by_role("link", name="Möten (")
    link.focus()
    press_enter_and_wait(page)
    assert "typ=meetings.meetings" in page.url
    assert set(hits.locator("p.meta").all_inner_texts()) <= {
        text for text in hits.locator("p.meta").all_inner_texts() if text.startswith("Möte")
    }
    assert main.get_by_role("link", name="Möten (").get_attribute("aria-current") == "page"
    # The hit leads to the meeting.
    first = hits.first.get_by_role("link")
    first.focus()
    press_enter_and_wait(page)
    assert "/moten/" in page.url
    page.go_back()
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    page.screenshot(path=str(ARTIFACTS / "search-320.png"), full_page=True)
    assert_accessible(page, "search-320")
