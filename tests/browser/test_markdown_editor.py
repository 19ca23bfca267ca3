"""The Markdown editor and the confirmation page in Chromium, under the production CSP:
the toolbar and live preview with JavaScript, the preview button without it, axe on both."""

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from delaktig.participation.models import Process
from tests.browser.conftest import assert_accessible, login, new_context
from tests.factories import ProcessFactory, UserFactory, role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "lösenord-123"  # tests.factories.UserFactory


@pytest.fixture
def setup(live_server: Any) -> tuple[str, Process, str]:
    process = ProcessFactory(status="open", title="Vården i Bräcke", body="Gammal text")
    official = role(UserFactory(), "official", process.organisation)
    return str(live_server.url), process, official.email


def official_page(browser: Browser, setup: tuple[str, Process, str], **options: Any) -> Page:
    base, _process, email = setup
    context = new_context(browser, **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, base, email, PASSWORD)
    return page


def test_toolbar_and_live_preview(browser: Browser, setup: tuple[str, Process, str]) -> None:
    base, process, _email = setup
    page = official_page(browser, setup, viewport={"width": 1366, "height": 900})
    page.goto(f"{base}/personal/processer/{process.pk}/redigera/")
    toolbar = page.get_by_role("group", name="Formatera texten")
    expect(toolbar).to_be_visible()
    assert page.locator("button[name=preview]").count() == 0  # the live preview replaces it
    preview = page.get_by_role("region", name="Förhandsgranskning")
    expect(preview).to_contain_text("Gammal text")  # the text there was, rendered on load

    page.fill("#id_body", "")
    page.click("#id_body")
    page.keyboard.type("Vi vill veta hur du reser. ")
    toolbar.get_by_role("button", name="Fetstil").click()
    page.keyboard.type("Viktigt")  # typed over the selected placeholder, inside the stars
    assert page.input_value("#id_body") == "Vi vill veta hur du reser. **Viktigt**"
    expect(preview.locator("strong")).to_have_text("Viktigt")

    page.keyboard.press("End")
    page.keyboard.type("\n\n")
    page.keyboard.press("Control+i")
    page.keyboard.type("lutande")
    page.keyboard.press("End")
    page.keyboard.type("\n\nrad ett")
    toolbar.get_by_role("button", name="Punktlista").click()
    page.keyboard.type(" <script>document.title='x'</script>")
    expect(preview.locator("em")).to_have_text("lutande")
    expect(preview.locator("li")).to_contain_text("rad ett")
    assert preview.locator("script").count() == 0 and page.title() != "x"  # stripped
    assert_accessible(page, "markdown-editor")

    with page.expect_navigation():
        page.locator("form.form button[type=submit]").last.click()
    process.refresh_from_db()
    assert process.body.replace("\r\n", "\n").startswith(
        "Vi vill veta hur du reser. **Viktigt**\n\n_lutande_"
    )


def test_preview_without_javascript(browser: Browser, setup: tuple[str, Process, str]) -> None:
    base, process, _email = setup
    page = official_page(browser, setup, java_script_enabled=False)
    page.goto(f"{base}/personal/processer/{process.pk}/redigera/")
    assert not page.get_by_role("group", name="Formatera texten").is_visible()
    page.fill("#id_body", "**Ny** text")
    with page.expect_navigation():
        page.get_by_role("button", name="Förhandsgranska").click()
    assert page.input_value("#id_body") == "**Ny** text"
    preview = page.get_by_role("region", name="Förhandsgranskning")
    assert preview.locator("strong").inner_text() == "Ny"
    process.refresh_from_db()
    assert process.body == "Gammal text"


def test_closing_is_confirmed_on_a_phone(browser: Browser, setup: tuple[str, Process, str]) -> None:
    base, process, _email = setup
    page = official_page(browser, setup, viewport={"width": 390, "height": 844})
    page.goto(f"{base}/personal/processer/{process.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Stäng").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Vill du verkligen stänga processen ”Vården i Bräcke”?"
    )
    process.refresh_from_db()
    assert process.status == "open"
    assert_accessible(page, "confirm-close-process")
    with page.expect_navigation():
        page.get_by_role("button", name="Bekräfta").click()
    expect(page.locator("#messages")).to_have_text("Processen är stängd.")
    process.refresh_from_db()
    assert process.status == "closed"
