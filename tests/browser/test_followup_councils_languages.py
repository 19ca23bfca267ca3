"""A council, a referral, a strategy and its plan read in English (the demo's reviewed
translations): the translated texts shown, the Swedish left marked ``lang="sv"`` and named in
the notice, axe-core clean at 1280 and 390 px."""

from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page

from delaktig.councils.models import Referral
from tests.browser.conftest import assert_accessible, new_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server: Any) -> str:
    with open("/dev/null", "w") as sink:
        call_command("load_demo", stdout=sink)
    return str(live_server.url)


def no_sideways_scroll(page: Page) -> bool:
    return bool(
        page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
    )


def test_the_sami_council_and_its_referral_in_english(demo: str, page: Page) -> None:
    page.goto(f"{demo}/rad/samiska-samradet/?sprak=en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Sami Consultation"
    assert "Consultation with Sami representatives" in page.locator(".prose").first.inner_text()
    assert_accessible(page, "council-sami-en")
    referral = Referral.objects.get()
    page.goto(f"{demo}{referral.get_absolute_url()}")  # the choice is kept in a cookie
    assert page.locator("h1").inner_text() == "Principles for citizen dialogue"
    assert_accessible(page, "council-referral-en")


def test_the_democracy_strategy_in_english(demo: str, page: Page) -> None:
    page.goto(f"{demo}/uppfoljning/demokratistrategi/?sprak=en")
    assert page.locator("h1").inner_text() == "Democracy strategy for Region Jämtland Härjedalen"
    assert page.locator("#mal + ol h3").first.inner_text() == (
        "1. Greater trust in the region's democracy"
    )
    # The indicators are not translated: marked Swedish, and the notice says so.
    assert page.locator(".translation-notice").count() == 1
    assert page.locator("table a[lang='sv']").count() > 0
    assert_accessible(page, "followup-strategy-en")
    page.get_by_role("link", name="Action plan for a stronger democracy 2023–2025").click()
    assert page.locator("h1").inner_text() == "Action plan for a stronger democracy 2023–2025"
    assert_accessible(page, "followup-plan-en")


def test_the_pages_hold_on_a_phone(demo: str, browser: Browser) -> None:
    context = new_context(browser, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{demo}/uppfoljning/demokratistrategi/?sprak=en")
        assert no_sideways_scroll(page)
        assert_accessible(page, "followup-strategy-en-390")
        page.goto(f"{demo}/rad/pensionarsradet/?sprak=en")
        assert page.locator("h1").inner_text() == "Regional Pensioners' Council"
        assert no_sideways_scroll(page)
        assert_accessible(page, "council-pensioners-en-390")
    finally:
        context.close()
