"""Information pages and the site search in the browser: axe-core on the tree, a page, the
search page and a page with a Yiddish translation laid out right to left, at 390 and 1366 px.
"""

from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page

from delaktig.accounts.models import User
from delaktig.organisations.models import OrganisationSettings
from delaktig.pages.models import Page as InfoPage
from delaktig.translations.services import Change, translations_save
from tests.browser.conftest import ARTIFACTS, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REGION = "region-jamtland-harjedalen"
OFFICIAL = "tjansteperson@demo.delaktig.se"


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


def test_the_tree_a_page_and_the_search_are_accessible(demo: str, page: Page) -> None:
    page.goto(f"{demo}/sidor/{REGION}/?sprak=sv")
    assert page.get_by_role("link", name="Så styrs regionen").first.is_visible()
    assert_accessible(page, "pages-index")
    page.goto(f"{demo}/sidor/{REGION}/sa-styrs-regionen/")
    assert page.get_by_role("heading", name="Så styrs regionen", level=1).is_visible()
    assert page.get_by_role("link", name="Lättläst").is_visible()
    assert_accessible(page, "pages-page")
    page.get_by_role("link", name="Lättläst").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Vanlig svenska").is_visible()
    page.goto(f"{demo}/sidor/{REGION}/sa-styrs-regionen/organ-och-ledamoter/?sprak=sv")
    assert page.get_by_role("heading", name="Regionstyrelsen").is_visible()
    assert_accessible(page, "pages-bodies")
    # The search box in the footer, without JavaScript's help: a GET form.
    page.fill("#site-search-q", "påverka")
    page.press("#site-search-q", "Enter")
    page.wait_for_load_state()
    assert "/sok/?q=" in page.url
    assert page.get_by_role("link", name="Så kan du påverka").is_visible()
    assert_accessible(page, "pages-search")
    page.set_viewport_size({"width": 390, "height": 800})
    assert no_sideways_scroll(page)
    assert_accessible(page, "pages-search-390")


def test_a_yiddish_page_is_laid_out_right_to_left(demo: str, page: Page) -> None:
    info = InfoPage.objects.get(organisation__slug=REGION, slug="nationella-minoriteter")
    settings = OrganisationSettings.objects.get(organisation=info.organisation)
    if "yi" not in settings.content_languages:
        settings.content_languages = [*settings.content_languages, "yi"]
        settings.save()
    translations_save(
        actor=User.objects.get(email=OFFICIAL),
        obj=info,
        language="yi",
        changes=[
            Change("title", "נאַציאָנאַלע מינאָריטעטן"),
            Change("summary", "פֿינף נאַציאָנאַלע מינאָריטעטן האָבן באַזונדערע רעכט."),
            Change("body", "## רעכט\n\nדאָס איז אַ טעסט־טעקסט אויף ייִדיש.\n\n- איינס\n- צוויי"),
        ],
        reviewed=True,
    )
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{demo}/sidor/{REGION}/nationella-minoriteter/?sprak=yi")
        body = page.locator(".info-page .prose")
        assert body.get_attribute("dir") == "rtl"
        assert body.get_attribute("lang") == "yi"
        assert page.locator("h1").get_attribute("dir") == "rtl"
        assert no_sideways_scroll(page)
        page.screenshot(path=str(ARTIFACTS / f"pages-yiddish-{width}.png"), full_page=True)
        assert_accessible(page, f"pages-yiddish-{width}")
