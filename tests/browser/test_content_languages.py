"""A process in Northern Sami, as a resident reads it: a translator has translated part of it
and marked it reviewed; the resident chooses davvisámegiella in the header's language switcher
and reads the process with lang="se", told which parts are still Swedish; an official edits the
Swedish title and the resident's page shows the Swedish at once. axe-core checks the page in
Sami and the switcher opened, at 1366 and 390 px."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from delaktig.accounts.models import Role
from delaktig.organisations.models import Organisation, OrganisationSettings
from delaktig.participation.models import Feedback, Process
from delaktig.translations.services import Change, translations_save
from tests.browser.conftest import assert_accessible, login, new_context
from tests.factories import ModuleFactory, PhaseFactory, ProcessFactory, UserFactory, role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "lösenord-123"
SAMI_TITLE = "Nuoraid váikkuhanmálle"
SAMI_SUMMARY = "Mii ráhkadit málle mo nuorat besset váikkuhit regiovnna mearrádusaide."


@pytest.fixture
def process(live_server: Any) -> Process:
    region = Organisation.objects.create(
        name="Region Jämtland Härjedalen", slug="region-jh", kind="region", scb_code="23"
    )
    OrganisationSettings.objects.create(
        organisation=region, content_languages=["sv", "en", "se", "sma", "yi"]
    )
    translator = UserFactory(email="oversattare@example.se")
    Role.objects.create(user=translator, kind="translator", organisation=region, languages=["se"])
    process = ProcessFactory(
        organisation=region,
        title="Ungas inflytandemodell",
        summary="Vi tar fram en modell för hur unga ska få inflytande över regionens beslut.",
        body="## Bakgrund\n\nRegionens demokratiplan lovar dialog.",
        status="closed",
    )
    module = ModuleFactory(process=process, title="Diskussion", description="Skriv här.")
    PhaseFactory(
        process=process,
        module=module,
        name="Dialog",
        starts_at=timezone.now() - timedelta(days=30),
        ends_at=timezone.now() - timedelta(days=2),
    )
    Feedback.objects.create(
        process=process,
        heard="Över 300 unga deltog.",
        decided="Ett ungdomsråd inrättas.",
        reasons="Arbetsgruppens förslag följdes.",
        published_at=timezone.now(),
    )
    process.status = "feedback_published"
    process.save()
    translations_save(
        actor=translator,
        obj=process,
        language="se",
        changes=[Change("title", SAMI_TITLE), Change("summary", SAMI_SUMMARY)],
        reviewed=True,
    )
    translations_save(
        actor=translator,
        obj=module,
        language="se",
        changes=[Change("title", "Ságastallan"), Change("description", "Čále dása.")],
        reviewed=True,
    )
    return process


def test_a_resident_reads_a_process_in_sami_and_sees_the_swedish_once_it_changes(
    live_server: Any, page: Page, browser: Any, process: Process
) -> None:
    base = str(live_server.url)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{base}{process.get_absolute_url()}")
    assert page.locator("h1").inner_text() == "Ungas inflytandemodell"

    # The header's switcher: a disclosure with one button per language.
    switcher = page.locator("details.language-switcher")
    switcher.locator("summary").click()
    assert_accessible(page, "content-languages-switcher-1366")
    with page.expect_navigation():
        switcher.get_by_role("button", name="davvisámegiella").click()

    heading = page.locator("h1")
    assert heading.inner_text() == SAMI_TITLE
    assert heading.get_attribute("lang") == "se"
    assert page.locator("p.lead").get_attribute("lang") == "se"
    assert page.locator("html").get_attribute("lang") == "sv"
    notice = page.locator("aside.translation-notice")
    assert notice.is_visible()
    assert "davvisámegiella" in notice.inner_text()
    text = notice.inner_text()
    # The process is partly translated (its other fields are named); its feedback not at all.
    assert "beskrivning" in text and "Återkoppling: Ungas inflytandemodell (hela texten)" in text
    assert "rubrik" not in text.split("\n")[2]
    assert page.locator(".module h2[lang='se']").inner_text() == "Ságastallan"
    assert_accessible(page, "content-languages-process-se-1366")
    page.set_viewport_size({"width": 390, "height": 800})
    page.reload()
    assert page.locator("h1").get_attribute("lang") == "se"
    assert_accessible(page, "content-languages-process-se-390")
    page.locator("details.language-switcher summary").click()
    assert_accessible(page, "content-languages-switcher-390")

    # An official edits the Swedish title through the staff form.
    official = role(UserFactory(email="tjansteperson@example.se"), "official", process.organisation)
    staff_context = new_context(browser, viewport={"width": 1366, "height": 900})
    staff = staff_context.new_page()
    login(staff, base, official.email, PASSWORD)
    staff.goto(f"{base}/personal/processer/{process.pk}/redigera/")
    staff.fill("#id_title", "Ungas inflytandemodell i hela länet")
    with staff.expect_navigation():
        staff.locator("form .form-actions button[type=submit]").first.click()
    staff_context.close()

    # The resident's page, still in Sami, shows the Swedish title at once and says so.
    page.reload()
    heading = page.locator("h1")
    assert heading.inner_text() == "Ungas inflytandemodell i hela länet"
    assert heading.get_attribute("lang") is None
    assert page.locator("p.lead").get_attribute("lang") == "se"
    assert "rubrik" in page.locator("aside.translation-notice").inner_text()
    assert_accessible(page, "content-languages-process-stale-390")
