"""Screening and transparent moderation as people meet them, in a real browser under the
production CSP, with axe on every new page: a resident is asked to remove a personnummer and
keeps their text, a threat waits for a moderator who sees why, the author of a hidden comment
reads the reason and asks for a review, and the public figures show the month's decisions."""

from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page

from delaktig.accounts.models import User
from delaktig.demo.region import DEMO_PASSWORD
from delaktig.discussions.models import Comment
from delaktig.moderation.models import Decision
from delaktig.participation.models import Process
from tests.browser.conftest import assert_accessible, login, new_context
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "lösenord-123"  # tests.factories.UserFactory


@pytest.fixture
def demo(live_server: Any) -> str:
    with open("/dev/null", "w") as sink:
        call_command("load_demo", stdout=sink)
    return str(live_server.url)


def _new_resident() -> User:
    return User.objects.get(pk=UserFactory(display_name="Ny skribent").pk)


def _post_comment(page: Page, text: str, then: str) -> None:
    """Write and send a comment (htmx swaps the discussion in place), and wait for ``then``."""
    form = page.locator("form.comment-form").first
    form.locator("textarea").fill(text)
    form.locator("button[type=submit]").click()
    page.wait_for_selector(then)


def test_a_resident_is_asked_about_personal_data_and_a_threat_waits(page: Page, demo: str) -> None:
    person = _new_resident()
    process = Process.objects.get(slug="digital-dialog-om-jamlik-vard")
    login(page, demo, person.email, PASSWORD)
    page.goto(demo + process.get_absolute_url())
    text = "Jag har väntat länge. Mitt personnummer är 811218-9876 om ni vill kolla."
    _post_comment(page, text, ".error-summary")
    # Nothing lost; the rules and the personal data are both pointed out.
    assert page.locator("form.comment-form textarea").first.input_value() == text
    assert "personnummer ”811218-9876”" in page.locator(".error-summary").inner_text()
    assert page.locator("input[name$=personal_data_ok]").count() == 1
    assert page.locator("input[name$=accept_rules]").count() == 1
    assert_accessible(page, "comment-personal-data")
    page.locator("input[name$=accept_rules]").check()
    _post_comment(
        page,
        "Jag har väntat länge på en tid, det måste gå fortare.",
        "text=Din kommentar är publicerad.",
    )
    _post_comment(
        page,
        "Vi vet var du bor, kommunalrådet. Vi kommer hem till dig i natt.",
        "text=granskas av en moderator",
    )
    held = Comment.objects.get(author=person, held_at__isnull=False)
    assert "Vi vet var du bor" not in page.locator("#comment-" + str(held.pk)).all_inner_texts()
    decision = Decision.objects.get(object_id=held.pk, kind="discussions.comment")
    assert decision.automated and decision.rule == "threat"
    page.goto(demo + "/mitt-konto/")
    assert page.locator("h2", has_text="Dina texter som inte visas").count() == 1
    assert_accessible(page, "mine-withheld")


def test_a_moderator_sees_why_hides_and_the_author_asks_for_a_review(
    browser: Browser, page: Page, demo: str
) -> None:
    process = Process.objects.get(slug="digital-dialog-om-jamlik-vard")
    comment = Comment.objects.filter(module__process=process, hidden_at=None).first()
    assert comment is not None
    login(page, demo, "moderator@demo.delaktig.se", DEMO_PASSWORD)
    page.goto(demo + "/personal/moderering/")
    assert_accessible(page, "moderation-queue")
    page.goto(demo + f"/m/discussion/personal/kommentar/{comment.pk}/")
    page.select_option("select[name=rule]", "off_topic")
    page.fill("[name=reason]", "Handlar inte om vården.")
    with page.expect_navigation():
        page.click("button[value=hide]")
    decision = Decision.objects.get(kind="discussions.comment", object_id=comment.pk)
    page.goto(demo + f"/moderering/beslut/{decision.pk}/")
    assert_accessible(page, "decision-moderator")

    author = comment.author
    author.set_password(PASSWORD)
    author.save()
    context = new_context(browser, viewport={"width": 320, "height": 800})
    own = context.new_page()
    login(own, demo, author.email, PASSWORD)
    own.goto(demo + process.get_absolute_url() + f"#comment-{comment.pk}")
    with own.expect_navigation():
        own.get_by_text("Läs beslutet och skälen, eller begär omprövning").first.click()
    assert "Handlar inte om vården." in own.content()
    assert own.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(own, "decision-author")
    own.fill("textarea[name=explanation]", "Jag skrev om väntetiderna på vårdcentralen.")
    with own.expect_navigation():
        own.click("button[value=request]")
    assert own.get_by_text("Omprövning begärd").count() == 1
    context.close()
    decision.refresh_from_db()
    assert decision.review_pending


def test_the_public_figures_and_the_staff_pages_for_rules_and_words(
    browser: Browser, page: Page, demo: str
) -> None:
    for width in (1280, 320):
        context = new_context(browser, viewport={"width": width, "height": 900})
        public = context.new_page()
        public.goto(demo + "/moderering/region-jamtland-harjedalen/")
        assert public.locator("h1").count() == 1
        assert public.evaluate("document.documentElement.scrollWidth") <= width
        assert_accessible(public, f"moderation-figures-{width}")
        public.goto(demo + "/moderering/region-jamtland-harjedalen/samtalsregler/")
        assert_accessible(public, f"conversation-rules-{width}")
        context.close()
    login(page, demo, "tjansteperson@demo.delaktig.se", DEMO_PASSWORD)
    for name, path in {
        "rules-edit": "/personal/moderering/region-jamtland-harjedalen/samtalsregler/",
        "terms": "/personal/moderering/region-jamtland-harjedalen/ord/",
    }.items():
        page.goto(demo + path)
        assert page.locator("h1").count() == 1
        assert_accessible(page, name)
    # A term that cannot be read is refused at the field, with the text kept.
    page.fill("input[name=text]", "(((")
    with page.expect_navigation():
        page.click("main form.form button[type=submit]")
    assert page.locator("input[name=text]").input_value() == "((("
    assert_accessible(page, "terms-error")
