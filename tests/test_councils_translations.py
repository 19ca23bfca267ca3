"""Councils and referrals in the content language: reviewed translations shown with ``lang``,
drafts and stale translations not, the pages' notice of what is still Swedish, and one query
per model on the list."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from delaktig.accounts.types import User
from delaktig.core.contributions import translatable_kind
from delaktig.councils import services
from delaktig.councils.models import Council, Referral
from delaktig.organisations.models import Organisation, OrganisationSettings
from delaktig.translations.services import Change, translations_save
from tests.factories import OrganisationFactory, UserFactory, role

pytestmark = pytest.mark.django_db

NAME = "Regionala pensionärsrådet"
MANDATE = "Rådet yttrar sig om äldres hälsa."


@pytest.fixture
def setup() -> tuple[Organisation, User, Council, Referral]:
    region = OrganisationFactory()
    OrganisationSettings.objects.update_or_create(
        organisation=region, defaults={"content_languages": ["sv", "en", "se", "yi"]}
    )
    official = role(UserFactory(), "official", region)
    council = services.council_save(
        actor=official,
        council=None,
        organisation=region,
        kind="pensionarsrad",
        minority="",
        name=NAME,
        slug="pensionarsradet",
        mandate=MANDATE,
        secretary=None,
    )
    referral = services.referral_create(
        actor=official,
        organisation=region,
        title="Principer för dialog",
        question="Vad behöver äldre?",
        body="Regionen ser över principerna.",
        deadline=timezone.localdate() + timedelta(days=14),
        councils=[council],
    )
    return region, official, council, referral


def _page(url: str, code: str) -> str:
    response = Client().get(url, {"sprak": code})
    assert response.status_code == 200
    return response.content.decode()


def _translate(
    official: User, obj: Any, code: str, texts: dict[str, str], *, reviewed: bool = True
) -> None:
    translations_save(
        actor=official,
        obj=obj,
        language=code,
        changes=[Change(field, text) for field, text in texts.items()],
        reviewed=reviewed,
    )


def test_a_reviewed_translation_is_shown_with_its_language(setup: Any) -> None:
    _region, official, council, _referral = setup
    _translate(
        official,
        council,
        "se",
        {"name": "Guovllu ealáhatolbmuidráđđi", "mandate": "Ráđđi cealká oaivila."},
    )
    html = _page(council.get_absolute_url(), "se")
    # Sami content with a Swedish interface: the translated texts say which language they are.
    assert '<h1 lang="se">Guovllu ealáhatolbmuidráđđi</h1>' in html
    assert '<div class="prose" lang="se"><p>Ráđđi cealká oaivila.</p>' in html
    assert "translation-notice" not in html
    listing = _page(reverse("councils:list"), "se")
    assert 'lang="se">Guovllu ealáhatolbmuidráđđi</a>' in listing


def test_english_is_shown_and_the_swedish_left_is_marked_and_named(setup: Any) -> None:
    _region, official, council, _referral = setup
    _translate(official, council, "en", {"name": "Regional Pensioners' Council"})
    html = _page(council.get_absolute_url(), "en")
    # The English interface needs no lang on English text; the mandate is still Swedish.
    assert "<h1>Regional Pensioners&#x27; Council</h1>" in html
    assert f'<div class="prose" lang="sv"><p>{MANDATE}</p>' in html
    assert "translation-notice" in html


def test_a_draft_is_not_shown(setup: Any) -> None:
    _region, official, council, referral = setup
    _translate(official, council, "en", {"name": "Pensioners' Council"}, reviewed=False)
    _translate(official, referral, "en", {"title": "Principles"}, reviewed=False)
    html = _page(council.get_absolute_url(), "en")
    assert "Pensioners&#x27; Council" not in html
    assert f'<h1 lang="sv">{NAME}</h1>' in html
    assert "Principles" not in _page(referral.get_absolute_url(), "en")


def test_a_swedish_edit_through_the_staff_service_makes_the_translation_stale(
    setup: Any,
) -> None:
    region, official, council, _referral = setup
    _translate(official, council, "se", {"name": "Ealáhatolbmuidráđđi", "mandate": "Ráđđi."})
    services.council_save(
        actor=official,
        council=council,
        organisation=region,
        kind="pensionarsrad",
        minority="",
        name="Pensionärsrådet i regionen",
        slug="pensionarsradet",
        mandate=MANDATE,
        secretary=None,
    )
    html = _page(council.get_absolute_url(), "se")
    assert "Ealáhatolbmuidráđđi" not in html
    assert "<h1>Pensionärsrådet i regionen</h1>" in html
    # The mandate did not change: its translation is still current.
    assert '<div class="prose" lang="se"><p>Ráđđi.</p>' in html
    assert "translation-notice" in html


def test_the_referral_page_reads_in_the_content_language(setup: Any) -> None:
    _region, official, council, referral = setup
    _translate(official, council, "en", {"name": "Regional Pensioners' Council"})
    _translate(
        official,
        referral,
        "en",
        {
            "title": "Principles for dialogue",
            "question": "What do older people need?",
            "body": "The region is reviewing its principles.",
        },
    )
    services.referral_record_use(
        actor=official, referral=referral, how_used="Svaren ledde till två ändringar."
    )
    html = _page(referral.get_absolute_url(), "en")
    assert "<h1>Principles for dialogue</h1>" in html
    assert "<p>What do older people need?</p>" in html
    assert "<span>Regional Pensioners&#x27; Council</span>" in html
    # Written after the translation: the feedback is Swedish, marked so, and named as such.
    assert '<div class="prose" lang="sv"><p>Svaren ledde till två ändringar.</p>' in html
    assert "translation-notice" in html
    _translate(official, referral, "en", {"how_used": "The answers led to two changes."})
    html = _page(referral.get_absolute_url(), "en")
    assert '<div class="prose"><p>The answers led to two changes.</p>' in html
    assert "translation-notice" not in html


def test_yiddish_is_written_right_to_left(setup: Any) -> None:
    _region, official, council, _referral = setup
    _translate(official, council, "yi", {"name": "פּענסיאָנערן־ראַט"})
    html = _page(council.get_absolute_url(), "yi")
    assert '<h1 lang="yi" dir="rtl">פּענסיאָנערן־ראַט</h1>' in html


def test_the_council_list_reads_translations_in_one_query(setup: Any) -> None:
    region, official, council, _referral = setup
    _translate(official, council, "en", {"name": "Regional Pensioners' Council"})

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _page(reverse("councils:list"), "en")
        return len(captured)

    before = queries()
    for n in range(4):
        other = Council.objects.create(
            organisation=region, kind="brukarrad", name=f"Brukarråd {n}", slug=f"b{n}", mandate="."
        )
        _translate(official, other, "en", {"name": f"User council {n}"})
    assert queries() == before
    assert "User council 3" in _page(reverse("councils:list"), "en")


def test_the_workbench_knows_councils_and_referrals(setup: Any) -> None:
    _region, _official, council, referral = setup
    kind = translatable_kind("councils.council")
    assert kind.model is Council and kind.url(council) == council.get_absolute_url()
    assert translatable_kind("councils.referral").url(referral) == referral.get_absolute_url()
