"""The main flows done with the keyboard only: Tab, typing, Enter and Space. No clicks."""

import re
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import Page

from delaktig.accounts.models import User
from delaktig.demo.region import DEMO_PASSWORD
from delaktig.discussions.models import Comment
from delaktig.participation import services
from delaktig.participation.models import Process
from tests.browser.conftest import assert_accessible, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server: Any) -> str:
    with open("/dev/null", "w") as sink:
        call_command("load_demo", stdout=sink)
    mail.outbox.clear()
    return str(live_server.url)


def focused_text(page: Page) -> str:
    return str(page.evaluate("document.activeElement.textContent.trim()"))


def test_skip_link_is_the_first_stop_and_moves_to_main(page: Page, demo: str) -> None:
    page.goto(demo + "/processer/")
    page.keyboard.press("Tab")
    assert focused_text(page) == "Hoppa till innehållet"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_new_person_registers_comments_follows_and_hears_about_feedback(
    page: Page, demo: str
) -> None:
    page.goto(demo + "/konto/signup/")
    tab_to(page, "#id_email")
    page.keyboard.type("ny.invanare@example.se")
    tab_to(page, "#id_password1")
    page.keyboard.type("ett-langt-losenord-42")
    page.keyboard.press("Tab")
    page.keyboard.type("ett-langt-losenord-42")
    tab_to(page, "#id_display_name")
    page.keyboard.type("Robin i Ragunda")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/konto/confirm-email/.*"))

    message = next(m for m in mail.outbox if "ny.invanare@example.se" in m.to)
    link = re.search(r"https?://\S+/konto/confirm-email/\S+/", message.body)
    assert link, message.body
    page.goto(link.group(0))
    tab_to(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("text=Du har loggat in")
    person = User.objects.get(email="ny.invanare@example.se")
    assert person.emailaddress_set.get().verified

    process = Process.objects.get(slug="digital-dialog-om-jamlik-vard")
    page.goto(demo + process.get_absolute_url())
    assert page.locator("form[action='/konto/logout/']").count() == 1
    tab_to(page, "form.comment-form textarea")
    page.keyboard.type("Vi behöver kvällstider på vårdcentralen i Hammarstrand.")
    # A first post: the region's samtalsregler are accepted first, with the keyboard too.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name").endswith("accept_rules")
    page.keyboard.press("Space")
    tab_to(page, "form.comment-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Din kommentar är publicerad.")
    assert Comment.objects.filter(author=person, body__startswith="Vi behöver").exists()

    tab_to(page, "section.follow button")
    page.keyboard.press("Space")
    page.wait_for_selector("text=Du följer nu processen")
    assert process.follows.filter(user=person).exists()

    official = User.objects.get(email="tjansteperson@demo.delaktig.se")
    services.process_close(actor=official, process=process)
    services.feedback_save(
        actor=official,
        process=process,
        heard="Många ville ha kvällstider.",
        decided="Två vårdcentraler öppnar till 19 på torsdagar.",
        reasons="Det var det vanligaste önskemålet.",
    )
    services.process_publish_feedback(actor=official, process=process)
    told = [
        m for m in mail.outbox if m.to == ["ny.invanare@example.se"] and process.title in m.subject
    ]
    assert len(told) == 1 and process.get_absolute_url() in told[0].body

    page.goto(demo + process.get_absolute_url())
    assert page.locator("#feedback").is_visible()
    assert "Två vårdcentraler öppnar" in page.locator("#feedback").inner_text()


def test_empty_comment_shows_the_error_summary_and_keeps_other_input(page: Page, demo: str) -> None:
    page.goto(demo + "/konto/login/")
    tab_to(page, "#id_login")
    page.keyboard.type("invanare@demo.delaktig.se")
    tab_to(page, "#id_password")
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    process = Process.objects.get(slug="digital-dialog-om-jamlik-vard")
    page.goto(demo + process.get_absolute_url())
    tab_to(page, "form.comment-form button[type=submit]")
    page.keyboard.press("Enter")
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert summary.evaluate("el => el === document.activeElement")
    # The summary links to the field; following the link puts focus in it.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.tagName") == "TEXTAREA"
    page.keyboard.type("Nu med text")
    assert_accessible(page, "keyboard-comment-error")


def test_staff_create_a_process_with_the_keyboard(page: Page, demo: str) -> None:
    page.goto(demo + "/konto/login/")
    tab_to(page, "#id_login")
    page.keyboard.type("tjansteperson@demo.delaktig.se")
    tab_to(page, "#id_password")
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.goto(demo + "/personal/processer/ny/?tom=1")
    tab_to(page, "#id_title")
    page.keyboard.type("Dialog om kollektivtrafik i Bräcke")
    tab_to(page, "#id_summary")
    page.keyboard.type("Hur reser du?")
    tab_to(page, "#id_ladder_step_0")
    page.keyboard.press("ArrowDown")  # radio group: arrows move and select
    page.keyboard.press("ArrowDown")
    tab_to(page, "#id_question")
    page.keyboard.type("Vilka turer saknas?")
    tab_to(page, "#id_purpose")
    page.keyboard.type("Underlag till trafikplanen.")
    tab_to(page, "#id_input_use")
    page.keyboard.type("Sammanställs till nämnden.")
    tab_to(page, "#id_decision_maker")
    page.keyboard.type("Regionala utvecklingsnämnden")
    tab_to(page, "form.form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Processen är sparad som utkast.")
    process = Process.objects.get(title="Dialog om kollektivtrafik i Bräcke")
    assert process.ladder_step == 3 and process.status == "draft"
    assert process.slug == "dialog-om-kollektivtrafik-i-bracke"
