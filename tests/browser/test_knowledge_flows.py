"""The knowledge bank in the browser: an elected representative reads a part and marks it as
gone through, a resident reads the public part, an official follows up who has done what.
axe-core checks the reader's pages and the follow-up table, at 1280 and 320 px."""

from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page

from delaktig.demo.region import DEMO_PASSWORD
from delaktig.knowledge.models import Completion, Part
from tests.browser.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REGION = "region-jamtland-harjedalen"
ELECTED = "fortroendevald@demo.delaktig.se"
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


def test_an_elected_representative_reads_and_marks_a_part(demo: str, page: Page) -> None:
    login(page, demo, ELECTED, DEMO_PASSWORD)
    page.goto(f"{demo}/kunskapsbank/")
    assert page.url.endswith(f"/kunskapsbank/{REGION}/")
    assert page.get_by_role("heading", name="Hur långt du har kommit").is_visible()
    assert_accessible(page, "knowledge-bank")
    part = Part.objects.get(title="Samtalsregler och ordförandens roll")
    page.get_by_role("link", name=part.title).click()
    page.wait_for_load_state()
    assert_accessible(page, "knowledge-part")
    with page.expect_navigation():
        page.get_by_role("button", name="Jag har gått igenom den här delen").click()
    assert page.get_by_text("Delen är markerad som genomgången.").is_visible()
    assert Completion.objects.filter(part=part, user__email=ELECTED).count() == 1
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{demo}/kunskapsbank/{REGION}/")
    assert no_sideways_scroll(page)
    assert_accessible(page, "knowledge-bank-320")


def test_a_visitor_reads_only_the_public_part(demo: str, page: Page) -> None:
    page.goto(f"{demo}/kunskapsbank/{REGION}/")
    assert page.get_by_role("link", name="Så modererar vi").is_visible()
    assert page.get_by_role("link", name="Om någon hotar dig").count() == 0
    page.get_by_role("link", name="Så modererar vi").click()
    page.wait_for_load_state()
    assert_accessible(page, "knowledge-public-part")


def test_an_official_follows_up_the_training(demo: str, page: Page) -> None:
    login(page, demo, OFFICIAL, DEMO_PASSWORD)
    page.goto(f"{demo}/personal/kunskapsbank/{REGION}/uppfoljning/")
    assert page.get_by_role("table", name="Vem har gått igenom vilken del").is_visible()
    assert page.get_by_role("rowheader", name="Förtroendevald Region JH").is_visible()
    assert_accessible(page, "knowledge-follow-up")
    page.goto(f"{demo}/personal/kunskapsbank/{REGION}/")
    assert_accessible(page, "knowledge-staff")
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{demo}/personal/kunskapsbank/{REGION}/uppfoljning/")
    assert no_sideways_scroll(page)
    assert_accessible(page, "knowledge-follow-up-320")
