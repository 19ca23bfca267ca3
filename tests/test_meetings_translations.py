"""Meetings in the reader's language: a meeting's title, description, place and
accessibility, its agenda, the answers given at question time and the question-time rules carry
translations, shown on the meeting page, the calendar, a process's meetings and iCalendar."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from delaktig.accounts.models import User
from delaktig.core.contributions import translatable_kind
from delaktig.meetings.models import AgendaItem, Meeting, Question, QuestionTimeRules
from delaktig.organisations.models import Organisation, OrganisationSettings
from delaktig.translations import selectors as translation_selectors
from delaktig.translations.services import Change, translations_save
from tests.factories import ModuleFactory, OrganisationFactory, ProcessFactory, UserFactory, role

pytestmark = pytest.mark.django_db


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


def meeting(region: Organisation, **kwargs: Any) -> Meeting:
    start = (timezone.now() + timedelta(days=7)).replace(microsecond=0)
    values: dict[str, Any] = {
        "organisation": region,
        "kind": "event",
        "title": "Öppet möte om vården",
        "description": "Välkommen **alla**.",
        "location": "Regionens hus, Östersund",
        "accessibility_info": "Hörslinga finns.",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
    }
    values.update(kwargs)
    return Meeting.objects.create(**values)


def translate(actor: User, obj: Any, language: str, **texts: str) -> None:
    translations_save(
        actor=actor,
        obj=obj,
        language=language,
        changes=[Change(field, text) for field, text in texts.items()],
        reviewed=True,
    )


def notice(html: str) -> str:
    """The notice's text, without its tags."""
    found = re.search(r'<aside class="notice translation-notice".*?</aside>', html, re.S)
    return re.sub(r"<(?!/?li>)[^>]+>", "", found.group(0)) if found else ""


def test_the_meeting_page_in_sami(client: Client, region: Organisation, official: User) -> None:
    event = meeting(
        region,
        question_time=True,
        starts_at=timezone.now() + timedelta(days=30),
        ends_at=timezone.now() + timedelta(days=30, hours=2),
    )
    item = AgendaItem.objects.create(meeting=event, position=1, title="Budget", description="Ny.")
    rules = QuestionTimeRules.objects.create(organisation=region, rules_text="Fråga kort.")
    asker = UserFactory()
    question = Question.objects.create(
        meeting=event,
        asker=asker,
        asker_name="Anna",
        text="Varför?",
        status=Question.Status.ANSWERED,
        answered_by="Regionråd",
        answer="Därför **att**.",
        answered_at=timezone.now(),
    )
    translate(official, event, "se", title="Rabas čoahkkin", location="Regiovnna viessu")
    translate(official, item, "se", title="Bušeahtta")
    translate(official, question, "se", answer="Danin **go**.")
    translate(official, rules, "se", rules_text="Jeara oanehaččat.")
    html = client.get(event.get_absolute_url(), {"sprak": "se"}).content.decode()
    assert '<h1 lang="se">Rabas čoahkkin</h1>' in html
    assert '<dd lang="se">Regiovnna viessu</dd>' in html
    assert "<dd>Hörslinga finns.</dd>" in html
    assert '<div class="prose"><p>Välkommen <strong>alla</strong>.</p></div>' in html
    assert '<strong lang="se">Bušeahtta</strong><br><span>Ny.</span>' in html
    assert '<div class="prose" lang="se"><p>Danin <strong>go</strong>.</p></div>' in html
    assert '<div class="prose" lang="se"><p>Jeara oanehaččat.</p></div>' in html
    # The resident's question stays as written.
    assert "Varför?" in html
    said = notice(html)
    assert "Rabas čoahkkin: beskrivning, tillgänglighet på platsen" in said
    assert "Bušeahtta: beskrivning" in said
    # The iCalendar link keeps the language for a calendar app.
    assert reverse("meetings:ics", args=[event.pk]) + "?sprak=se" in html


def test_yiddish_is_right_to_left(client: Client, region: Organisation, official: User) -> None:
    event = meeting(region)
    translate(official, event, "yi", title="עפֿנטלעכע זיצונג")
    html = client.get(event.get_absolute_url(), {"sprak": "yi"}).content.decode()
    assert '<h1 lang="yi" dir="rtl">עפֿנטלעכע זיצונג</h1>' in html


def test_editing_the_swedish_shows_the_swedish_at_once(
    client: Client, region: Organisation, official: User
) -> None:
    from delaktig.meetings import services

    event = meeting(region)
    translate(official, event, "se", title="Rabas čoahkkin")
    services.meeting_save(
        actor=official,
        meeting=event,
        **{
            name: getattr(event, name)
            for name in (
                "organisation",
                "body",
                "kind",
                "description",
                "starts_at",
                "ends_at",
                "mode",
                "location",
                "accessibility_info",
                "remote_link",
                "webcast_link",
                "capacity",
                "registration_open",
                "question_time",
                "minutes",
                "published",
            )
        },
        title="Öppet möte om vården i Berg",
    )
    html = client.get(event.get_absolute_url(), {"sprak": "se"}).content.decode()
    assert "<h1>Öppet möte om vården i Berg</h1>" in html
    # Nothing on the page is in Sami any more: the notice says so in one sentence.
    assert "Den här sidan finns inte på" in notice(html)


def test_the_calendar_is_in_the_readers_language_in_fixed_queries(
    region: Organisation, official: User
) -> None:
    def make(n: int) -> None:
        for index in range(n):
            event = meeting(region, title=f"Möte {index}")
            translate(official, event, "se", title=f"Čoahkkin {event.pk}")

    def count() -> int:
        client = Client()
        client.get("/", {"sprak": "se"})
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("meetings:calendar")).status_code == 200
        return len(queries)

    make(2)
    few = count()
    make(3)
    assert count() == few
    html = Client().get(reverse("meetings:calendar"), {"sprak": "se"}).content.decode()
    assert html.count('lang="se">Čoahkkin') == 5
    assert reverse("meetings:calendar_ics") + "?sprak=se" in html


def test_icalendar_gives_the_translation_with_its_language(
    client: Client, region: Organisation, official: User
) -> None:
    event = meeting(region)
    translate(official, event, "en", title="Open meeting on care")
    response = client.get(reverse("meetings:calendar_ics"), {"sprak": "en"})
    (vevent,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Open meeting on care"
    assert vevent["SUMMARY"].params["LANGUAGE"] == "en"
    # The untranslated place stays Swedish, without a language.
    assert str(vevent["LOCATION"]) == "Regionens hus, Östersund"
    assert "LANGUAGE" not in vevent["LOCATION"].params
    swedish = Calendar.from_ical(Client().get(reverse("meetings:ics", args=[event.pk])).content)
    (vevent,) = swedish.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Öppet möte om vården"


def test_a_process_shows_its_meetings_module_translated(
    client: Client, region: Organisation, official: User
) -> None:
    process = ProcessFactory(organisation=region)
    module = ModuleFactory(process=process, kind="meeting", title="Möten", description="Kom.")
    event = meeting(region, module=module)
    translate(official, module, "se", title="Čoahkkimat")
    translate(official, event, "se", title="Rabas čoahkkin")
    html = client.get(process.get_absolute_url(), {"sprak": "se"}).content.decode()
    assert f'<h2 id="module-{module.pk}-title" lang="se">Čoahkkimat</h2>' in html
    assert "<p>Kom.</p>" in html
    assert 'lang="se">Rabas čoahkkin</a>' in html


def test_the_workbench_lists_meetings_not_long_over_and_answers(
    region: Organisation, official: User
) -> None:
    ahead = meeting(region, published=False)
    past = meeting(
        region,
        starts_at=timezone.now() - timedelta(days=90),
        ends_at=timezone.now() - timedelta(days=90) + timedelta(hours=1),
    )
    item = AgendaItem.objects.create(meeting=ahead, position=1, title="Budget")
    submitted = Question.objects.create(
        meeting=ahead, asker=UserFactory(), asker_name="A", text="Hur?"
    )
    keys = {
        (entry.kind.key, entry.obj.pk)
        for entry in translation_selectors.organisation_status(region, "se")
    }
    assert ("meetings.meeting", ahead.pk) in keys  # not yet published: translated beforehand
    assert ("meetings.meeting", past.pk) not in keys
    assert ("meetings.agenda_item", item.pk) in keys
    # A question not yet answered has nothing of the official's to translate.
    assert ("meetings.answer", submitted.pk) not in keys
    kind = translatable_kind("meetings.agenda_item")
    assert kind.url(item) == ahead.get_absolute_url() + "#agenda-title"
