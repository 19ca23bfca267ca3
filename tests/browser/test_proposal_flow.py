"""A citizen proposal from submission to decision, every step with the keyboard only."""

from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import Browser, Page

from delaktig.demo.region import DEMO_PASSWORD
from delaktig.organisations.models import Organisation
from delaktig.proposals.models import Proposal, ProposalSettings
from tests.browser.conftest import assert_accessible, new_context, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server: Any) -> str:
    with open("/dev/null", "w") as sink:
        call_command("load_demo", stdout=sink)
    ProposalSettings.objects.update(threshold_value=2)
    mail.outbox.clear()
    return str(live_server.url)


def keyboard_login(browser: Browser, demo: str, email: str) -> Page:
    page = new_context(browser, locale="sv-SE").new_page()
    page.set_default_timeout(15_000)
    page.goto(demo + "/konto/login/")
    tab_to(page, "#id_login")
    page.keyboard.type(email)
    tab_to(page, "#id_password")
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    return page


def press(page: Page, selector: str, key: str = "Enter") -> None:
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press(key)


def told(address: str, status: str) -> bool:
    return any(address in m.to and status in m.subject for m in mail.outbox)


def test_submit_intake_supports_register_refer_decide(browser: Browser, demo: str) -> None:
    author = keyboard_login(browser, demo, "invanare@demo.delaktig.se")
    author.goto(demo + "/forslag/nytt/")
    tab_to(author, "#id_title")
    author.keyboard.type("Cykelställ vid alla vårdcentraler")
    tab_to(author, "#id_body")
    author.keyboard.type("Sätt upp väderskyddade cykelställ.")
    press(author, "form.form button.button")
    assert "Förhandsgranskning" in author.content()
    proposal = Proposal.objects.get(title="Cykelställ vid alla vårdcentraler")
    tab_to(author, "#confirm_public")
    author.keyboard.press("Space")
    press(author, "section.submit form button.button")
    proposal.refresh_from_db()
    assert proposal.status == "submitted"
    assert told("invanare@demo.delaktig.se", "Inskickat")

    official = keyboard_login(browser, demo, "tjansteperson@demo.delaktig.se")
    official.goto(f"{demo}/forslag/personal/{proposal.pk}/")
    press(official, "button[value=publish]")
    press(official, ".confirm button[type=submit]")  # core.confirm asks first
    proposal.refresh_from_db()
    assert proposal.status == "collecting" and proposal.support_threshold == 2

    for supporter in ("invanare1@demo.delaktig.se", "invanare2@demo.delaktig.se"):
        page = keyboard_login(browser, demo, supporter)
        page.goto(demo + proposal.get_absolute_url())
        press(page, "section.support form button.button")
        assert "Tack för ditt stöd!" in page.content()
    proposal.refresh_from_db()
    assert proposal.status == "lodged" and proposal.support_count == 2
    assert told("invanare1@demo.delaktig.se", "Väckt")

    official.goto(f"{demo}/forslag/personal/{proposal.pk}/")
    press(official, "#action-register ~ form button.button")
    press(official, ".confirm button[type=submit]")
    proposal.refresh_from_db()
    assert proposal.status == "registered" and proposal.case_number
    assert proposal.case_number.startswith("RS/")

    tab_to(official, "#id_refer-body")
    official.keyboard.press("ArrowDown")
    official.keyboard.press("ArrowDown")
    tab_to(official, "#id_refer-official")
    official.keyboard.press("ArrowDown")
    press(official, "#action-refer ~ form button.button")
    press(official, ".confirm button[type=submit]")
    proposal.refresh_from_db()
    assert proposal.status == "referred" and proposal.responsible_body is not None

    tab_to(official, "#id_decide-outcome_0")
    official.keyboard.press("Space")
    tab_to(official, "#id_decide-decided_by")
    official.keyboard.press("ArrowDown")
    tab_to(official, "#id_decide-decided_on")
    # The decision is taken on the day the proposal was registered, whatever day the test
    # runs. Chromium here shows dates as mm/dd/yyyy whatever the page's locale; each segment
    # moves on to the next when it is full.
    decided_on = proposal.registered_on
    assert decided_on is not None
    official.keyboard.type(f"{decided_on:%m}")
    official.keyboard.type(f"{decided_on:%d}")
    official.keyboard.type(f"{decided_on:%Y}")
    assert official.input_value("#id_decide-decided_on") == decided_on.isoformat()
    tab_to(official, "#id_decide-minutes_reference")
    official.keyboard.type("Regionfullmäktige § 140")
    tab_to(official, "#id_decide-answer")
    official.keyboard.type("Cykelställ sätts upp under 2027.")
    press(official, "#action-decide ~ form button.button")
    press(official, ".confirm button[type=submit]")
    proposal.refresh_from_db()
    assert proposal.status == "decided" and proposal.outcome == "bifall"

    for address in (
        "invanare@demo.delaktig.se",
        "invanare1@demo.delaktig.se",
        "invanare2@demo.delaktig.se",
    ):
        for status in ("Diariefört", "Under beredning", "Beslutat"):
            assert told(address, status), (address, status)
    author.goto(demo + proposal.get_absolute_url())
    assert "Cykelställ sätts upp under 2027." in author.locator("#beslut").inner_text()
    assert proposal.case_number in author.content()
    assert_accessible(author, "proposal-decided-keyboard-flow")
    assert Organisation.objects.exists()


def test_a_council_member_answers_a_referral_with_the_keyboard(browser: Browser, demo: str) -> None:
    from delaktig.councils.models import Referral

    referral = Referral.objects.get()
    member = keyboard_login(browser, demo, "invanare11@demo.delaktig.se")  # Sami council chair
    member.goto(demo + referral.get_absolute_url())
    tab_to(member, "#id_kind_0")
    member.keyboard.press("Space")
    tab_to(member, "#id_text")
    member.keyboard.type("Samrådet vill att materialet också finns på sydsamiska.")
    press(member, "section.form-section form button.button")
    assert "Ert svar är lämnat." in member.content()
    assert referral.responses.filter(kind="joint", council__slug="samiska-samradet").exists()
    assert_accessible(member, "referral-answered-keyboard")
