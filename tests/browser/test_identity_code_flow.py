"""A resident without e-ID gets a one-time code from an official and verifies, keyboard only,
on a 320 px screen, under the production CSP."""

from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from playwright.sync_api import Browser, Page

from delaktig.accounts.models import User
from delaktig.demo.region import DEMO_PASSWORD
from delaktig.identity.models import Verification
from tests.browser.conftest import assert_accessible, login, new_context, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server: Any) -> str:
    with open("/dev/null", "w") as sink:
        call_command("load_demo", stdout=sink)
    return str(live_server.url)


def press(page: Page, selector: str) -> None:
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_official_issues_a_code_and_a_young_resident_verifies_with_it(
    page: Page, browser: Browser, demo: str
) -> None:
    login(page, demo, "tjansteperson@demo.delaktig.se", DEMO_PASSWORD)
    page.goto(demo + "/identitet/personal/kod/")
    tab_to(page, "#id_identity_number")
    page.keyboard.type("20090101-2384")  # a wrong check digit, and the box left unticked
    press(page, "main form button.button")
    summary = page.locator(".error-summary").inner_text()
    assert "inte giltigt" in summary and "legitimation" in summary
    assert page.input_value("#id_identity_number") == "20090101-2384"
    assert_accessible(page, "identity-issue-code-errors")
    page.fill("#id_identity_number", "20090101-2385")
    page.select_option("#id_municipality", label="Östersund")
    tab_to(page, "#id_seen_proof")
    page.keyboard.press("Space")
    press(page, "main form button.button")
    code = page.locator(".code-slip__code").inner_text().strip()
    assert len(code) == 14
    assert_accessible(page, "identity-code-issued")

    youth = User.objects.create_user(
        username="ung@example.se", email="ung@example.se", password=DEMO_PASSWORD
    )
    EmailAddress.objects.create(user=youth, email=youth.email, verified=True, primary=True)
    phone = new_context(browser, viewport={"width": 320, "height": 640}).new_page()
    phone.set_default_timeout(15_000)
    phone.goto(demo + "/konto/login/")
    tab_to(phone, "#id_login")
    phone.keyboard.type(youth.email)
    tab_to(phone, "#id_password")
    phone.keyboard.type(DEMO_PASSWORD)
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    phone.goto(demo + "/mitt-konto/")
    assert "Du är inte verifierad ännu" in phone.locator("main").inner_text()
    press(phone, "a[href='/identitet/kod/']")
    tab_to(phone, "#id_code")
    phone.keyboard.type("abcd efgh jkmn")
    press(phone, "main form button.button")
    assert "Koden stämmer inte" in phone.locator(".error-summary").inner_text()
    assert phone.input_value("#id_code") == "abcd efgh jkmn"
    assert_accessible(phone, "identity-redeem-error-320")
    # No sideways scrolling on a 320 px screen.
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.fill("#id_code", "")
    tab_to(phone, "#id_code")
    phone.keyboard.type(code.lower())
    press(phone, "main form button.button")
    main = phone.locator("main").inner_text()
    assert "Du är verifierad och folkbokförd i Östersund." in phone.content()
    assert "Kod från tjänsteperson" in main
    assert_accessible(phone, "identity-verified-profile-320")
    assert Verification.objects.get(user=youth).method == "code"
