"""The translators' workbench in the browser: the demo translator translates a process into
Northern Sami side by side and marks it reviewed; the public page in Sami then shows the Sami
title with lang="se". axe-core checks the overview, the list and the editor."""

from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page

from delaktig.demo.region import DEMO_PASSWORD
from delaktig.participation.models import Process
from delaktig.translations.models import Translation
from tests.browser.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TRANSLATOR = "oversattare@demo.delaktig.se"
SAMI_TITLE = "Nuoraid váikkuhanmodealla"


@pytest.fixture
def demo(live_server: Any) -> str:
    with open("/dev/null", "w") as sink:
        call_command("load_demo", stdout=sink)
    return str(live_server.url)


def test_a_translator_translates_a_process_into_sami(demo: str, page: Page) -> None:
    process = Process.objects.filter(status="open").order_by("pk").first()
    assert process is not None
    login(page, demo, TRANSLATOR, DEMO_PASSWORD)
    page.goto(f"{demo}/personal/oversattning/")
    assert page.get_by_role("heading", name="Översättning", exact=True).is_visible()
    assert_accessible(page, "translations-overview")
    page.get_by_role("link", name="Nordsamiska", exact=True).click()
    page.wait_for_load_state()
    assert_accessible(page, "translations-list")
    page.get_by_role("link", name=process.title, exact=True).first.click()
    page.wait_for_load_state()
    assert_accessible(page, "translations-editor")
    # Side by side on a wide screen: the Swedish left of the Sami box.
    source = page.locator(".translation-source").first.bounding_box()
    target = page.locator("#id_title").bounding_box()
    assert source and target and source["x"] + source["width"] <= target["x"]
    assert page.locator("#id_title").get_attribute("lang") == "se"
    page.fill("#id_title", SAMI_TITLE)
    with page.expect_navigation():
        page.get_by_role("button", name="Spara och markera som granskad").click()
    assert page.get_by_text("Översättningen är sparad och granskad.").is_visible()
    row = Translation.objects.get(object_id=process.pk, language="se", field="title")
    assert row.reviewed and row.translator and row.translator.email == TRANSLATOR
    page.goto(f"{demo}{process.get_absolute_url()}?sprak=se")
    heading = page.locator("h1")
    assert heading.inner_text() == SAMI_TITLE
    assert heading.get_attribute("lang") == "se"
    # On a phone the columns stack.
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(page.url)
    page.go_back()
    page.wait_for_load_state()
    source = page.locator(".translation-source").first.bounding_box()
    target = page.locator("#id_title").bounding_box()
    assert source and target and target["y"] >= source["y"] + source["height"]
