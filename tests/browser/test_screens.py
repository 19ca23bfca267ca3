"""The waiting-room screen, a process page with share links, and the A4 poster, in the browser.

axe-core checks the screen (at 1920×1080, a TV, and 390 px, a phone) and a process page with
its share links. The screen names no resident of the demo region on any of its pages. The
poster is a PDF; no PDF rasteriser is installed here (no pdftoppm, pypdfium2 or PyMuPDF), so
its first page is shot in Chromium's own PDF viewer; what the PDF holds (A4, text, tags) is
checked in ``screens/tests/test_poster.py``.
"""

import re
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page

from delaktig.accounts.models import User
from delaktig.demo.region import DEMO_PASSWORD
from delaktig.discussions.models import Comment
from delaktig.participation.models import Process
from delaktig.proposals.models import Proposal
from tests.browser.conftest import (
    ARTIFACTS,
    assert_accessible,
    axe_violations,
    login,
    new_context,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REGION = "region-jamtland-harjedalen"
OFFICIAL = "tjansteperson@demo.delaktig.se"


@pytest.fixture
def demo(live_server: Any) -> str:
    with open("/dev/null", "w") as sink:
        call_command("load_demo", stdout=sink)
    return str(live_server.url)


def test_the_screen_on_a_tv_and_a_phone(demo: str, browser: Browser) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    context = new_context(browser, viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    page.goto(f"{demo}/skarm/{REGION}/")
    refresh = page.locator('meta[http-equiv="refresh"]').get_attribute("content") or ""
    assert re.fullmatch(r"20;url=\?i=1", refresh)
    count = int(re.search(r"1 av (\d+)", page.content()).group(1))
    assert count >= 3
    assert page.locator("svg.qr").is_visible()
    assert context.cookies() == []
    page.screenshot(path=str(ARTIFACTS / "screen-1920-rotating.png"))
    # axe flags every delayed meta refresh (WCAG 2.2.1): it cannot see the page's own way to
    # turn it off, the "Pausa" link, which leads to the same page without the refresh. That
    # one rule is the only finding on the rotating page; the paused page has none.
    assert [v["id"] for v in axe_violations(page)] == ["meta-refresh"]
    page.get_by_role("link", name=re.compile("^Pausa")).click()
    page.wait_for_load_state()
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    assert_accessible(page, "screen-1920")
    page.get_by_role("link", name="Nästa").click()
    page.wait_for_load_state()
    assert "2 av" in page.content()
    page.goto(f"{demo}/skarm/{REGION}/?i={count - 1}&kommun=2326&paus=1")
    assert_accessible(page, "screen-1920-last-berg")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{demo}/skarm/{REGION}/?paus=1")
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    assert_accessible(page, "screen-390")

    pages = []
    for index in range(count):
        page.goto(f"{demo}/skarm/{REGION}/?i={index}")
        pages.append(page.content())
    text = "\n".join(pages)
    residents = User.objects.filter(roles__isnull=True)
    assert residents.exists()
    for person in residents:
        assert person.email not in text
        assert not person.display_name or person.display_name not in text
    for comment in Comment.objects.all():
        assert comment.body[:40] not in text
    for proposal in Proposal.objects.all():
        assert proposal.author_name not in text
    context.close()


def test_a_process_page_with_share_links_and_its_poster(
    demo: str, page: Page, browser: Browser
) -> None:
    process = Process.objects.get(slug="principer-for-medborgardialog")
    page.goto(f"{demo}{process.get_absolute_url()}")
    assert page.locator('meta[property="og:title"]').get_attribute("content") == process.title
    assert page.get_by_role("heading", name="Dela", exact=True).is_visible()
    assert page.get_by_label("Länk att kopiera").input_value().endswith(process.get_absolute_url())
    assert_accessible(page, "process-share")
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page, "process-share-390")
    response = page.request.get(f"{demo}/processer/{process.slug}/affisch.pdf")
    assert response.ok and response.body().startswith(b"%PDF-")

    # The poster's first page as Chromium's own PDF viewer shows it (no pdftoppm here), in a
    # page of its own: the viewer is not the site and does not run under its CSP.
    poster = browser.new_page(viewport={"width": 1000, "height": 1300})
    poster.goto(f"{demo}/processer/{process.slug}/affisch.pdf")
    poster.wait_for_timeout(2000)
    poster.screenshot(path=str(ARTIFACTS / "poster-page-1.png"))
    poster.close()


def test_the_staff_page_on_a_wide_screen_and_a_phone(demo: str, page: Page) -> None:
    login(page, demo, OFFICIAL, DEMO_PASSWORD)
    page.goto(f"{demo}/personal/skarmar/")
    assert page.url.endswith(f"/personal/skarmar/{REGION}/")
    assert page.get_by_role("link", name="Visa skärmen för Berg").is_visible()
    assert_accessible(page, "screens-staff")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    assert_accessible(page, "screens-staff-390")
