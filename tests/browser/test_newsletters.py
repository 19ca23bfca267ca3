"""Newsletters in the browser: a resident without an account subscribes to news for Berg,
opens the confirmation link from the e-mail, receives the next newsletter in English (its
translation reviewed) and leaves with one click. An official composes, previews and sends
it and follows the progress. axe-core on every page, at 1280 and 390 px."""

import re
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page

from delaktig.accounts.models import User
from delaktig.demo.region import DEMO_PASSWORD
from delaktig.newsletters.models import Delivery, Newsletter, Subscription
from delaktig.notifications.models import OutgoingEmail
from delaktig.translations.services import Change, translations_save
from tests.browser.conftest import assert_accessible, login, new_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REGION = "region-jamtland-harjedalen"
OFFICIAL = "tjansteperson@demo.delaktig.se"
ADDRESS = "ny.invanare@example.se"


@pytest.fixture
def demo(live_server: Any) -> str:
    with open("/dev/null", "w") as sink:
        call_command("load_demo", stdout=sink)
    return str(live_server.url)


def _path(url: str) -> str:
    found = re.search(r"https?://[^/\s]+(/\S+)", url)
    assert found, url
    return found.group(1)


def _subscribe(page: Page, demo: str) -> None:
    page.goto(f"{demo}/nyhetsbrev/{REGION}/")
    assert_accessible(page, "newsletters-subscribe")
    page.get_by_label("E-postadress").fill(ADDRESS)
    page.get_by_label("English").check()
    page.get_by_label("Kommun").select_option(label="Berg")
    with page.expect_navigation():
        page.get_by_role("button", name="Skicka bekräftelselänk").click()
    assert page.get_by_role("heading", name="Titta i din e-post").is_visible()
    assert_accessible(page, "newsletters-requested")
    subscription = Subscription.objects.get(email=ADDRESS)
    assert subscription.confirmed_at is None
    assert subscription.municipality is not None and subscription.municipality.name == "Berg"


def _confirm(page: Page, demo: str) -> None:
    confirmation = OutgoingEmail.objects.get(recipient=ADDRESS, template="newsletter_confirm")
    link = next(w for w in confirmation.body.split() if "/nyhetsbrev/bekrafta/" in w)
    page.goto(demo + _path(link))
    assert_accessible(page, "newsletters-confirm")
    with page.expect_navigation():
        page.get_by_role("button", name="Ja, bekräfta").click()
    assert page.get_by_role("heading", name="Prenumerationen är bekräftad").is_visible()
    assert_accessible(page, "newsletters-confirmed")
    assert Subscription.objects.get(email=ADDRESS).confirmed_at is not None


def _compose_and_send(page: Page, demo: str) -> Newsletter:
    login(page, demo, OFFICIAL, DEMO_PASSWORD)
    page.goto(f"{demo}/personal/nyhetsbrev/{REGION}/")
    assert_accessible(page, "newsletters-staff-list")
    page.get_by_role("link", name="Nytt nyhetsbrev").click()
    page.wait_for_load_state()
    assert_accessible(page, "newsletters-compose")
    page.get_by_label("Ämnesrad").fill("Nytt om bussarna i Berg")
    page.locator("#id_body").fill("Från januari går bussen **oftare**.")
    page.locator("fieldset", has_text="Bara prenumeranter i kommunerna").get_by_label(
        "Berg"
    ).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Spara utkast").click()
    newsletter = Newsletter.objects.get(subject="Nytt om bussarna i Berg")
    translations_save(
        actor=User.objects.get(email=OFFICIAL),
        obj=newsletter,
        language="en",
        changes=[
            Change("subject", "News about the buses in Berg"),
            Change("body", "From January the bus runs **more often**."),
        ],
        reviewed=True,
    )
    page.reload()
    assert page.get_by_text("Sammanlagt").is_visible()
    assert_accessible(page, "newsletters-preview")
    with page.expect_navigation():
        page.get_by_role("button", name="Skicka nyhetsbrevet").click()
    assert_accessible(page, "newsletters-send-confirm")
    with page.expect_navigation():
        page.get_by_role("button", name="Skicka").click()
    assert page.get_by_role("heading", name="Hur utskicket går").is_visible()
    assert_accessible(page, "newsletters-progress")
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page, "newsletters-progress-390")
    return newsletter


def test_a_resident_subscribes_for_berg_gets_the_next_newsletter_in_english_and_leaves(
    demo: str, browser: Browser
) -> None:
    resident = new_context(browser, viewport={"width": 390, "height": 844}).new_page()
    _subscribe(resident, demo)
    _confirm(resident, demo)

    staff = new_context(browser, viewport={"width": 1280, "height": 900}).new_page()
    newsletter = _compose_and_send(staff, demo)

    delivery = Delivery.objects.get(newsletter=newsletter, email=ADDRESS)
    assert delivery.language == "en"
    email = OutgoingEmail.objects.get(recipient=ADDRESS, template="newsletter")
    assert email.subject == "News about the buses in Berg"
    assert "more often" in email.body
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = email.headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe in email.body
    # A Swedish subscriber in Berg got it in Swedish, and Östersund's did not get it.
    swedish = Delivery.objects.get(newsletter=newsletter, email="nyhetsbrev.berg@demo.delaktig.se")
    assert swedish.language == "sv"
    assert not Delivery.objects.filter(
        newsletter=newsletter, email="nyhetsbrev.ostersund@demo.delaktig.se"
    ).exists()

    resident.goto(demo + _path(unsubscribe))
    assert_accessible(resident, "newsletters-unsubscribe")
    assert Subscription.objects.filter(email=ADDRESS).exists()
    with resident.expect_navigation():
        resident.get_by_role("button", name="Avsluta").click()
    assert resident.get_by_role("heading", name="Du får inga fler nyhetsbrev").is_visible()
    assert_accessible(resident, "newsletters-unsubscribed")
    assert not Subscription.objects.filter(email=ADDRESS).exists()
