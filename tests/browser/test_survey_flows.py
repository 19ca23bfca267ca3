"""Surveys in the browser: built by an official, answered with the keyboard and JavaScript off,
results read; axe-core on every page of the way."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Browser, Page

from delaktig.demo.region import DEMO_PASSWORD
from delaktig.participation.models import Process
from delaktig.population.models import PopulationTable
from delaktig.surveys.models import Question, Response, Survey
from tests.browser.conftest import assert_accessible, login, new_context, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server: Any) -> str:
    with open("/dev/null", "w") as sink:
        call_command("load_demo", stdout=sink)
    return str(live_server.url)


@pytest.fixture
def no_js_page(browser: Browser) -> Iterator[Page]:
    context = new_context(
        browser,
        java_script_enabled=False,
        locale="sv-SE",
        viewport={"width": 390, "height": 844},  # a phone
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def axe_with_javascript(page: Page, name: str) -> None:
    """axe-core needs JavaScript: check the same page, in the same session, in a second tab
    that has it (the answers are saved on the server, so a GET shows the same step)."""
    browser = page.context.browser
    assert browser is not None
    context = new_context(browser, locale="sv-SE", viewport={"width": 390, "height": 844})
    context.add_cookies(page.context.cookies())
    twin = context.new_page()
    twin.goto(page.url)
    assert_accessible(twin, name)
    context.close()


def press(page: Page, selector: str, key: str = "Enter") -> None:
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press(key)


def choose(page: Page, selector: str) -> None:
    """Reach a checkbox with Tab and tick it with the space bar."""
    tab_to(page, selector)
    page.keyboard.press("Space")
    assert page.locator(selector).is_checked()


def choose_radio(page: Page, group: str, index: int) -> None:
    """Tab into a radio group (focus lands on its checked or first button), then move with
    the arrow keys until the one wanted is checked."""
    name = page.locator(f"#{group}_0").get_attribute("name")
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.name") == name:
            break
    else:
        raise AssertionError(f"the radio group {name} was not reached with Tab")
    target = page.locator(f"#{group}_{index}")
    for _ in range(12):
        if target.is_checked():
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{group}_{index} could not be checked with the arrow keys")


def test_resident_answers_with_the_keyboard_and_javascript_off(no_js_page: Page, demo: str) -> None:
    page = no_js_page
    survey = Survey.objects.get(module__process__slug="resvaneenkat-2026")
    questions = {q.text: q for q in Question.objects.filter(section__survey=survey)}
    mode = questions["Hur reser du oftast?"]
    often = questions["Hur ofta åker du buss eller tåg?"]
    satisfied = questions["Hur nöjd är du med kollektivtrafiken där du bor?"]
    free = questions["Vad skulle göra det lättare för dig att resa utan bil?"]
    before = Response.objects.filter(survey=survey, submitted_at__isnull=False).count()

    page.goto(demo + "/processer/resvaneenkat-2026/")
    press(page, f"a[href='/m/survey/{survey.module_id}/']")
    axe_with_javascript(page, "survey-intro")
    press(page, "form.form button[type=submit]")

    # Page 1: the follow-up question is on the same page; without JavaScript it says when
    # to answer it.
    assert page.locator(f"#question-{often.pk} .condition").is_visible()
    axe_with_javascript(page, "survey-page-1")
    tab_to(page, "button[value=next]")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # the required question is unanswered
    summary = page.locator(".error-summary")
    assert "obligatorisk" in summary.inner_text()
    choose_radio(page, f"id_q{mode.pk}", 0)  # Buss eller tåg
    choose_radio(page, f"id_q{often.pk}", 1)  # Varje vecka
    trips = questions["Hur många resor gör du en vanlig vecka?"]
    tab_to(page, f"#id_q{trips.pk}")
    page.keyboard.type("6")
    press(page, "button[value=next]")

    # Page 2: a scale, a multiple choice and free text.
    axe_with_javascript(page, "survey-page-2")
    choose_radio(page, f"id_q{satisfied.pk}", 2)
    wanted = questions["Vad ska regionen satsa mer på? Välj gärna flera."]
    choose(page, f"#id_q{wanted.pk}_0")
    choose(page, f"#id_q{wanted.pk}_2")
    tab_to(page, f"#id_q{free.pk}")
    page.keyboard.type("Bussar som passar tågen i Bräcke")
    press(page, "button[value=next]")

    # About you: voluntary background questions.
    axe_with_javascript(page, "survey-background")
    choose_radio(page, "id_age_group", 1)  # 18–29
    choose_radio(page, "id_sex", 1)  # man
    tab_to(page, "#id_municipality")
    page.select_option("#id_municipality", label="Bräcke")
    press(page, "button[value=next]")

    assert "Bussar som passar tågen i Bräcke" in page.locator("main").inner_text()
    axe_with_javascript(page, "survey-review")
    press(page, "button[value=submit]")
    assert "Tack för ditt svar" in page.locator("h1").inner_text()
    axe_with_javascript(page, "survey-thanks")

    assert Response.objects.filter(survey=survey, submitted_at__isnull=False).count() == before + 1
    response = Response.objects.filter(survey=survey, submitted_at__isnull=False).latest("pk")
    assert (response.age_group, response.sex, response.municipality.name) == (
        "18–29",
        "man",
        "Bräcke",
    )
    given = {a.question_id: a for a in response.answers.select_related("choice")}
    assert given[mode.pk].choice.label == "Buss eller tåg"
    assert given[often.pk].choice.label == "Varje vecka"
    assert float(given[trips.pk].number) == 6.0
    assert response.answers.filter(question=wanted).count() == 2


def test_official_builds_a_survey_and_a_resident_answers_it(page: Page, demo: str) -> None:
    process = Process.objects.get(slug="resvaneenkat-2026")
    login(page, demo, "tjansteperson@demo.delaktig.se", DEMO_PASSWORD)
    page.goto(f"{demo}/personal/processer/{process.pk}/")
    page.select_option("#id_kind", "survey")
    page.fill("#id_title", "Snabbfråga om hållplatser")
    page.get_by_role("button", name="Lägg till", exact=True).click()
    page.get_by_role("link", name="Bygg och följ upp Snabbfråga om hållplatser").click()
    assert_accessible(page, "survey-builder-empty")

    now = timezone.localtime()
    page.fill("#id_intro", "Två frågor om hållplatsen närmast dig.")
    page.check("#id_access_0")  # anonymous
    page.fill("#id_opens_at", (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_closes_at", (now + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Spara inställningarna").click()
    page.wait_for_selector("text=Inställningarna är sparade.")

    page.fill("#id_section-title", "Hållplatsen")
    page.get_by_role("button", name="Lägg till avsnittet").click()
    page.get_by_role("link", name="Ny fråga i Hållplatsen").click()
    page.check("#id_kind_0")  # single choice
    page.fill("#id_text", "Finns det väderskydd vid din hållplats?")
    page.check("#id_required")
    page.fill("#id_choices_text", "Ja\nNej")
    page.get_by_role("button", name="Spara frågan").click()
    page.get_by_role("link", name="Ny fråga i Hållplatsen").click()
    page.check("#id_kind_3")  # free text
    page.fill("#id_text", "Var behövs det ett väderskydd?")
    page.select_option("#id_show_if", label="Finns det väderskydd vid din hållplats? → Nej")
    assert_accessible(page, "survey-question-form")
    page.get_by_role("button", name="Spara frågan").click()
    assert "Visas bara om svaret på" in page.locator("main").inner_text()
    assert_accessible(page, "survey-builder")

    page.get_by_role("link", name="English").first.click()
    for field in page.locator("main form.form input[type=text], main form.form textarea").all():
        source = field.evaluate(
            "el => el.closest('.field').querySelector('label span[lang]').textContent"
        )
        english = {
            "Två frågor om hållplatsen närmast dig.": "Two questions about your nearest stop.",
            "Hållplatsen": "The stop",
            "Finns det väderskydd vid din hållplats?": "Is there a shelter at your stop?",
            "Ja": "Yes",
            "Nej": "No",
            "Var behövs det ett väderskydd?": "Where is a shelter needed?",
        }.get(source, "")
        field.fill(english)
    assert_accessible(page, "survey-translate")
    page.get_by_role("button", name="Spara översättningen").click()
    page.wait_for_selector("text=Översättningen är sparad och granskad.")

    page.get_by_role("link", name="Förhandsgranska").click()
    assert "Finns det väderskydd vid din hållplats?" in page.locator("main").inner_text()
    assert_accessible(page, "survey-preview")

    # A resident answers in English with JavaScript on: the follow-up appears on "No". Asking
    # for English also gives the English interface (its catalogue is reviewed).
    survey = Survey.objects.get(module__title="Snabbfråga om hållplatser")
    resident = new_context(page.context.browser, locale="sv-SE")
    other = resident.new_page()
    other.goto(f"{demo}/m/survey/{survey.module_id}/?sprak=en")
    assert "Two questions about your nearest stop." in other.locator("main").inner_text()
    other.get_by_role("button", name="Start answering").click()
    other.get_by_role("button", name="Next").click()  # the required question is unanswered
    assert other.locator(".error-summary").evaluate("el => el === document.activeElement")
    assert_accessible(other, "survey-page-error")
    follow_up = other.locator(".question[data-show-if]")
    assert follow_up.is_hidden()
    other.get_by_label("No").check()
    assert follow_up.is_visible()
    other.get_by_label("Where is a shelter needed?").fill("Vid Storgatan")
    other.get_by_role("button", name="Next").click()
    other.get_by_role("button", name="Next").click()  # about you: skipped, all voluntary
    other.get_by_role("button", name="Send the answer").click()
    assert "Thank you for your response" in other.locator("h1").inner_text()
    resident.close()
    response = Response.objects.get(survey=survey)
    assert response.language == "en"
    assert response.answers.get(question__kind="text").text == "Vid Storgatan"


def test_staff_survey_pages_are_accessible(page: Page, demo: str) -> None:
    survey = Survey.objects.get(module__process__slug="resvaneenkat-2026")
    free = Question.objects.get(section__survey=survey, kind="text")
    table = PopulationTable.objects.get()
    module = survey.module_id
    login(page, demo, "tjansteperson@demo.delaktig.se", DEMO_PASSWORD)
    pages = {
        "survey-results": f"/m/survey/personal/{module}/resultat/",
        "survey-themes": f"/m/survey/personal/{module}/fraga/{free.pk}/teman/",
        "survey-invitations": f"/m/survey/personal/{module}/inbjudningar/",
        # Right to left: the fields are dir="rtl", the Swedish labels stay left to right.
        "survey-translate-yi": f"/m/survey/personal/{module}/oversattning/yi/",
        "population-list": "/personal/befolkning/",
        "population-detail": f"/personal/befolkning/{table.pk}/",
    }
    for name, path in pages.items():
        page.goto(demo + path)
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        assert_accessible(page, name)
    page.goto(f"{demo}/m/survey/personal/{module}/resultat/")
    text = page.locator("main").inner_text()
    assert "Representativitetsindex" in text and "Designeffekt (Kish)" in text
    assert page.locator("svg[role=img]").count() >= 4


def test_public_results_after_the_survey_closed(page: Page, demo: str) -> None:
    survey = Survey.objects.get(module__process__slug="resvaneenkat-2026")
    survey.module.phases.update(ends_at=timezone.now() - timedelta(minutes=1))
    page.goto(f"{demo}/processer/resvaneenkat-2026/")
    page.get_by_role("link", name="Se resultatet av enkäten").click()
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert "420 personer har skickat in svar." in page.locator("main").inner_text()
    assert_accessible(page, "survey-results-public")
