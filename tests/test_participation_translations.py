"""Processes in the reader's language: a process, its phases, modules and feedback carry
translations (``translations.TranslatedModel``), shown with ``lang``/``dir`` on the public
pages, cards and feeds where reviewed and current; the Swedish shown otherwise, and said."""

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from delaktig.accounts.models import User
from delaktig.core.contributions import translatable_kind
from delaktig.organisations.models import Organisation, OrganisationSettings
from delaktig.participation.models import Feedback, Process
from delaktig.translations import selectors as translation_selectors
from delaktig.translations.services import Change, translations_save
from tests.factories import (
    ModuleFactory,
    OrganisationFactory,
    PhaseFactory,
    ProcessFactory,
    UserFactory,
    role,
)

pytestmark = pytest.mark.django_db

SAMI_TITLE = "Nuoraid váikkuhanmálle"
SAMI_SUMMARY = "Mii ráhkadit málle nuoraid váikkuhussii."


@pytest.fixture
def region() -> Organisation:
    region = OrganisationFactory()
    OrganisationSettings.objects.create(
        organisation=region, content_languages=["sv", "en", "se", "yi"]
    )
    return region


@pytest.fixture
def official(region: Organisation) -> User:
    return role(UserFactory(), "official", region)


def translate(actor: User, obj: Any, language: str, reviewed: bool = True, **texts: str) -> None:
    translations_save(
        actor=actor,
        obj=obj,
        language=language,
        changes=[Change(field, text) for field, text in texts.items()],
        reviewed=reviewed,
    )


def page(client: Client, process: Process, language: str = "se") -> str:
    response = client.get(process.get_absolute_url(), {"sprak": language})
    assert response.status_code == 200
    return response.content.decode()


def notice(html: str) -> str:
    """The notice's text, without its tags."""
    found = re.search(r'<aside class="notice translation-notice".*?</aside>', html, re.S)
    return re.sub(r"<(?!/?li>)[^>]+>", "", found.group(0)) if found else ""


def test_a_reviewed_translation_is_read_with_its_language_and_the_rest_is_named(
    client: Client, region: Organisation, official: User
) -> None:
    process = ProcessFactory(organisation=region, title="Ungas inflytande", body="**Bakgrund**")
    translate(official, process, "se", title=SAMI_TITLE, summary=SAMI_SUMMARY)
    html = page(client, process)
    assert f'<h1 lang="se">{SAMI_TITLE}</h1>' in html
    assert f'<p class="lead" lang="se">{SAMI_SUMMARY}</p>' in html
    assert "<title>" in html and SAMI_TITLE in html.split("</title>")[0]
    # The Swedish interface shows the untranslated Swedish without an attribute.
    assert "<dd>Att få underlag.</dd>" in html
    assert '<section class="prose" aria-label="Beskrivning"><p><strong>Bakgrund' in html
    said = notice(html)
    assert "davvisámegiella" in said
    assert f"{SAMI_TITLE}: beskrivning, frågan vi ställer, syfte" in said
    assert "rubrik" not in said and "sammanfattning" not in said
    # In Swedish, no notice and no attribute.
    swedish = page(client, process, "sv")
    assert "<h1>Ungas inflytande</h1>" in swedish and not notice(swedish)


def test_a_draft_translation_is_not_shown(
    client: Client, region: Organisation, official: User
) -> None:
    process = ProcessFactory(organisation=region, title="Ungas inflytande")
    translate(official, process, "se", reviewed=False, title=SAMI_TITLE)
    html = page(client, process)
    assert "<h1>Ungas inflytande</h1>" in html and SAMI_TITLE not in html
    assert "Den här sidan finns inte på" in notice(html)


def test_phases_modules_and_feedback_are_translated(
    client: Client, region: Organisation, official: User
) -> None:
    process = ProcessFactory(organisation=region, status="feedback_published")
    module = ModuleFactory(process=process, title="Diskussion", description="Skriv här.")
    phase = PhaseFactory(process=process, module=module, name="Dialog", description="Öppen.")
    feedback = Feedback.objects.create(
        process=process,
        heard="Vi hörde **mycket**.",
        decided="Nämnden beslutade.",
        reasons="Därför.",
        published_at=timezone.now(),
    )
    translate(official, module, "en", title="Discussion", description="Write here.")
    translate(official, phase, "en", name="Dialogue", description="Open.")
    translate(official, feedback, "en", heard="We heard **a lot**.", decided="It was decided.")
    html = page(client, process, "en")
    # English is an interface language too: the page is lang="en", the Swedish parts "sv".
    assert '<html lang="en">' in html
    assert f'<h2 id="module-{module.pk}-title">Discussion</h2>' in html
    assert "<p>Write here.</p>" in html
    assert "<strong>Dialogue</strong>" in html and "<span>Open.</span>" in html
    assert '<div class="prose"><p>We heard <strong>a lot</strong>.</p></div>' in html
    assert '<div class="prose" lang="sv"><p>Därför.</p></div>' in html
    assert f'<h1 lang="sv">{process.title}</h1>' in html
    # In an English interface the notice is English: the feedback's reasons are named.
    said = notice(html)
    assert said.count("<li>") == 2 and ": why</li>" in said
    assert "Dialog:" not in said and "Diskussion" not in said


def test_editing_the_swedish_through_the_staff_form_shows_the_swedish_at_once(
    client: Client, region: Organisation, official: User
) -> None:
    process = ProcessFactory(organisation=region, title="Ungas inflytande")
    translate(official, process, "se", title=SAMI_TITLE, summary=SAMI_SUMMARY)
    reader = Client()
    assert f'<h1 lang="se">{SAMI_TITLE}</h1>' in page(reader, process)

    client.force_login(official)
    form = {
        "organisation": region.pk,
        "title": "Ungas inflytande i regionen",
        "slug": process.slug,
        "summary": process.summary,
        "language": "sv",
        "ladder_step": process.ladder_step,
        "question": process.question,
        "purpose": process.purpose,
        "input_use": process.input_use,
        "decision_maker": process.decision_maker,
    }
    response = client.post(reverse("staff:process_edit", args=[process.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]

    html = page(reader, process)
    assert "<h1>Ungas inflytande i regionen</h1>" in html
    assert SAMI_TITLE not in html
    # The summary, unchanged, stays in Sami; the notice names the title.
    assert f'<p class="lead" lang="se">{SAMI_SUMMARY}</p>' in html
    said = notice(html)
    assert "Ungas inflytande i regionen: rubrik," in said
    process.refresh_from_db()
    stale = translation_selectors.status(
        translatable_kind("participation.process"), [process], "se"
    )[0]
    assert stale.stale == ["title"] and "summary" in stale.reviewed
    # The staff page shows the Swedish, whatever the reader chose.
    staff = client.get(reverse("staff:process", args=[process.pk]), {"sprak": "se"})
    assert "Ungas inflytande i regionen" in staff.content.decode()


def test_yiddish_is_right_to_left_and_swedish_in_a_sami_page_needs_no_attribute(
    client: Client, region: Organisation, official: User
) -> None:
    process = ProcessFactory(organisation=region, title="Ungas inflytande")
    translate(official, process, "yi", title="יוגנט השפּעה")
    html = page(client, process, "yi")
    assert '<h1 lang="yi" dir="rtl">יוגנט השפּעה</h1>' in html
    # The interface stays Swedish (no reviewed Yiddish catalogue): the Swedish summary is as
    # the page is, left to right.
    assert '<html lang="sv">' in html
    assert f'<p class="lead">{process.summary}</p>' in html
    sami = page(client, process, "se")
    assert "<h1>Ungas inflytande</h1>" in sami


def test_the_list_and_home_show_the_cards_in_the_readers_language_in_fixed_queries(
    region: Organisation, official: User
) -> None:
    def make(n: int) -> None:
        for _ in range(n):
            process = ProcessFactory(organisation=region)
            translate(official, process, "se", title=f"Sámegillii {process.pk}")

    def count(url: str) -> int:
        client = Client()
        client.get("/", {"sprak": "se"})  # the choice is kept in a cookie
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries)

    make(2)
    list_url = reverse("participation:list")
    few_list, few_home = count(list_url), count("/")
    make(4)
    assert count(list_url) == few_list
    assert count("/") == few_home
    html = Client().get(list_url, {"sprak": "se"}).content.decode()
    assert html.count('lang="se">Sámegillii') == 6


def test_the_list_search_finds_a_process_by_its_translation(
    client: Client, region: Organisation, official: User
) -> None:
    process = ProcessFactory(organisation=region, title="Ungas inflytande")
    ProcessFactory(organisation=region, title="Något annat")
    translate(official, process, "se", title=SAMI_TITLE)
    url = reverse("participation:list")
    found = client.get(url, {"sprak": "se", "q": "váikkuhan"}).content.decode()
    assert SAMI_TITLE in found and "Något annat" not in found
    # In Swedish, the Sami word finds nothing.
    assert SAMI_TITLE not in client.get(url, {"sprak": "sv", "q": "váikkuhan"}).content.decode()


def test_the_feeds_give_each_entry_in_one_language(
    client: Client, region: Organisation, official: User
) -> None:
    whole = ProcessFactory(organisation=region, title="Hela", summary="Allt.")
    half = ProcessFactory(organisation=region, title="Halva", summary="Halvt.")
    translate(official, whole, "en", title="Whole", summary="All of it.")
    translate(official, half, "en", title="Half")
    feed = client.get(reverse("participation:feed_processes"), {"sprak": "en"}).content.decode()
    assert '<entry xml:lang="en"><title>Whole (' in feed or (
        "<title>Whole (" in feed and 'xml:lang="en"' in feed
    )
    assert "All of it." in feed
    # Half translated: the entry stays Swedish, title and summary alike.
    assert "<title>Halva (" in feed and "Half" not in feed
    swedish = client.get(reverse("participation:feed_processes"), {"sprak": "sv"})
    assert "Whole" not in swedish.content.decode()


def test_the_feedback_feed_follows_the_readers_language(
    client: Client, region: Organisation, official: User
) -> None:
    process = ProcessFactory(organisation=region, title="Ungas inflytande", status="archived")
    feedback = Feedback.objects.create(
        process=process, heard="H", decided="Beslutat.", reasons="R", published_at=timezone.now()
    )
    translate(official, process, "en", title="Young people's influence")
    translate(official, feedback, "en", decided="Decided.")
    feed = client.get(reverse("participation:feed_feedback"), {"sprak": "en"}).content.decode()
    assert "Young people&#x27;s influence" in feed or "Young people's influence" in feed
    assert "Decided." in feed and 'xml:lang="en"' in feed


def test_the_workbench_lists_drafts_and_their_parts(region: Organisation) -> None:
    draft = ProcessFactory(organisation=region, status="draft", title="Utkast")
    module = ModuleFactory(process=draft)
    PhaseFactory(process=draft, module=module)
    other = ProcessFactory()
    statuses = translation_selectors.organisation_status(region, "se")
    keys = {(entry.kind.key, entry.obj.pk) for entry in statuses}
    assert ("participation.process", draft.pk) in keys
    assert ("participation.module", module.pk) in keys
    assert ("participation.process", other.pk) not in keys
    phase_entry = next(e for e in statuses if e.kind.key == "participation.phase")
    assert phase_entry.label == "Utkast – Dialog"
    kind = translatable_kind("participation.feedback")
    assert kind.url(Feedback(process=draft)) == draft.get_absolute_url() + "#feedback"


def test_a_process_written_in_english_is_marked_english_to_a_swedish_reader(
    client: Client, region: Organisation
) -> None:
    process = ProcessFactory(organisation=region, language="en", title="Written in English")
    html = page(client, process, "sv")
    assert '<h1 lang="en">Written in English</h1>' in html
    assert not notice(html)


def test_the_demo_processes_have_reviewed_english_and_no_invented_minority_text() -> None:
    from django.core.management import call_command

    from delaktig.translations.models import Translation

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    rows = Translation.objects.all()
    assert set(rows.values_list("language", flat=True)) >= {"en"}
    process_rows = rows.filter(content_type__model="process")
    # Only English is written by us; other languages may come from other apps' demo content,
    # never for processes.
    assert set(process_rows.values_list("language", flat=True)) == {"en"}
    assert not process_rows.exclude(state="reviewed").exists()
    translated = Process.objects.filter(pk__in=process_rows.values("object_id")).values_list(
        "slug", flat=True
    )
    assert len(translated) >= 2
    process = Process.objects.get(slug="ungas-inflytandemodell")
    html = Client().get(process.get_absolute_url(), {"sprak": "en"}).content.decode()
    assert "<h1>Young people&#x27;s influence" in html
    assert "<strong>their own money to decide on</strong>" in html
    assert "<strong>Dialogue</strong>" in html
    assert not notice(html), notice(html)
