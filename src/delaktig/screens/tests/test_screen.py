"""The waiting-room screen: what it shows, how it rotates, and what it never shows."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from tests.factories import (
    MunicipalityFactory,
    OrganisationFactory,
    ProcessFactory,
    UserFactory,
    role,
)

from delaktig.organisations.models import Branding, OrganisationSettings
from delaktig.screens import qr, selectors, views
from delaktig.screens.models import ScreenSettings
from delaktig.screens.tests.helpers import collecting_proposal, meeting, open_process
from delaktig.translations.services import Change, translations_save

pytestmark = pytest.mark.django_db

REFRESH = re.compile(r'<meta http-equiv="refresh" content="(\d+);url=([^"]*)">')


def screen(client: Client, slug: str, query: str = "") -> tuple[str, str, int]:
    response = client.get(f"/skarm/{slug}/{query}")
    assert response.status_code == 200
    html = response.content.decode()
    found = REFRESH.search(html)
    assert found, "no meta refresh"
    return html, unescape(found.group(2)), int(found.group(1))


def test_only_what_is_open_now_is_shown(client: Client) -> None:
    organisation = OrganisationFactory()
    shown = open_process(organisation, title="Öppen dialog om vården")
    ProcessFactory(organisation=organisation, status="draft", title="Hemligt utkast")
    ProcessFactory(organisation=organisation, status="closed", title="Avslutad process")
    # Open, but its only running phase is a referral to councils: nothing for residents.
    open_process(organisation, kind="referral", title="Remiss till råden")
    # Open, but its phase has ended.
    ended = open_process(organisation, title="Fasen är slut")
    ended.phases.update(
        starts_at=timezone.now() - timedelta(days=9), ends_at=timezone.now() - timedelta(days=1)
    )
    open_process(OrganisationFactory(), title="Annan organisations process")
    meeting(organisation, title="Fullmäktige med frågestund")
    meeting(organisation, title="Nämnd utan frågestund", question_time=False, kind="committee")
    meeting(organisation, title="Möte för länge sedan", days=-3)
    meeting(organisation, title="Opublicerat möte", published=False)
    collecting_proposal(organisation, title="Fler bänkar i parken")
    collecting_proposal(organisation, title="Utgånget förslag", status="expired")

    titles = [
        str(item.title)
        for item in selectors.screen_items(
            organisation=organisation,
            kinds=frozenset({"process", "meeting", "proposal"}),
            now=timezone.now(),
        )
    ]
    assert titles == [shown.title, "Fullmäktige med frågestund", "Fler bänkar i parken"]

    seen = set()
    for index in range(3):
        html, _next, _seconds = screen(client, organisation.slug, f"?i={index}")
        seen.add(re.search(r"<h1[^>]*>([^<]*)</h1>", html).group(1))
        for hidden in ("Hemligt utkast", "Avslutad process", "Remiss till råden", "Nämnd utan"):
            assert hidden not in html
    assert seen == set(titles)


def test_no_personal_data_reaches_the_screen(client: Client) -> None:
    organisation = OrganisationFactory()
    proposal = collecting_proposal(organisation)
    html, _next, _seconds = screen(client, organisation.slug)
    assert proposal.public_title in html
    assert proposal.author_name not in html
    assert proposal.author.email not in html
    assert "Storgatan" not in html


def test_the_rotation_wraps_and_keeps_the_municipality_and_language(client: Client) -> None:
    berg = MunicipalityFactory(code="2326", name="Berg")
    organisation = OrganisationFactory()
    organisation.municipalities.add(berg)
    for n in range(3):
        open_process(organisation, title=f"Process {n}")
    html, following, seconds = screen(client, organisation.slug, "?i=2&kommun=2326&sprak=en")
    assert following == "?i=0&kommun=2326&sprak=en"
    assert seconds == 20
    assert "3 of 3" in html  # English content brings the (reviewed) English interface
    _html, following, _seconds = screen(client, organisation.slug, "?i=7")
    assert following == "?i=2"  # 7 wraps to 1 of 0..2, the next is 2


def test_the_rotation_as_arithmetic() -> None:
    assert selectors.rotation(0, 5) == (0, 0)
    assert selectors.rotation(3, None) == (0, 1)
    assert selectors.rotation(3, 2) == (2, 0)
    assert selectors.rotation(3, 10) == (1, 2)


def test_settings_choose_the_seconds_and_the_kinds(client: Client) -> None:
    organisation = OrganisationFactory()
    open_process(organisation, title="En process")
    collecting_proposal(organisation, title="Ett förslag")
    ScreenSettings.objects.create(organisation=organisation, seconds=45, show_processes=False)
    html, _following, seconds = screen(client, organisation.slug)
    assert seconds == 45
    assert "Ett förslag" in html and "En process" not in html


def test_an_empty_screen_says_so_and_waits_longer(client: Client) -> None:
    organisation = OrganisationFactory()
    html, following, seconds = screen(client, organisation.slug)
    assert "Just nu finns inget öppet" in html
    assert seconds == 60 and following == "?i=0"


def test_a_municipalitys_screen_shows_what_concerns_it(client: Client) -> None:
    berg, are = MunicipalityFactory(code="2326"), MunicipalityFactory(code="2321")
    organisation = OrganisationFactory()
    organisation.municipalities.add(berg, are)
    in_berg = open_process(organisation, title="Bara Berg")
    in_berg.municipalities.add(berg)
    in_are = open_process(organisation, title="Bara Åre")
    in_are.municipalities.add(are)
    open_process(organisation, title="Hela regionen")
    items = selectors.screen_items(
        organisation=organisation,
        municipality=berg,
        kinds=frozenset({"process"}),
        now=timezone.now(),
    )
    assert sorted(str(item.title) for item in items) == ["Bara Berg", "Hela regionen"]
    assert client.get(f"/skarm/{organisation.slug}/?kommun=9999").status_code == 404
    assert client.get("/skarm/finns-inte/").status_code == 404
    assert client.get(f"/skarm/{organisation.slug}/?i=x").status_code == 400


def test_the_qr_code_holds_the_items_address(client: Client) -> None:
    organisation = OrganisationFactory()
    process = open_process(organisation)
    html, _following, _seconds = screen(client, organisation.slug)
    url = selectors.absolute(process.get_absolute_url())
    # No QR decoder is installed here (no zbarimg, zxing or OpenCV): the page must carry the
    # SVG segno makes from exactly this address, and print the address as text under it.
    assert str(qr.svg_inline(url)) in html
    assert f'<span class="screen__url">{qr.short_url(url)}</span>' in html
    assert url.startswith(("http://", "https://"))


def test_the_page_is_cacheable_and_sets_no_cookie(client: Client) -> None:
    organisation = OrganisationFactory()
    open_process(organisation)
    response = client.get(f"/skarm/{organisation.slug}/")
    assert "public" in response["Cache-Control"]
    assert "max-age=20" in response["Cache-Control"]
    assert not response.cookies
    assert not Session.objects.exists()


def test_a_brand_colour_is_used_only_with_7_to_1(client: Client) -> None:
    organisation = OrganisationFactory()
    branding = Branding.objects.create(organisation=organisation, primary_colour="#1f4e8c")
    assert views.brand_band(branding) == "#1f4e8c"  # 8.6:1 against white
    html, _following, _seconds = screen(client, organisation.slug)
    assert f"/skarm/{organisation.slug}/farger.css" in html
    css = client.get(f"/skarm/{organisation.slug}/farger.css").content.decode()
    assert "--screen-band:#1f4e8c" in css
    branding.primary_colour = "#2f6fb8"  # 5:1: good for links, not for the screen
    branding.save()
    assert views.brand_band(branding) == ""
    html, _following, _seconds = screen(client, organisation.slug)
    assert "farger.css" not in html
    assert client.get(f"/skarm/{organisation.slug}/farger.css").content == b""


def test_a_translated_title_is_shown_with_its_language(client: Client) -> None:
    organisation = OrganisationFactory()
    OrganisationSettings.objects.create(organisation=organisation, content_languages=["sv", "yi"])
    process = open_process(organisation, title="Säg vad du tycker")
    translations_save(
        actor=role(UserFactory(), "administrator"),
        obj=process,
        language="yi",
        changes=[Change("title", "זאָגט וואָס איר מיינט")],
        reviewed=True,
    )
    html, following, _seconds = screen(client, organisation.slug, "?sprak=yi")
    assert '<h1 class="screen__title" lang="yi" dir="rtl">זאָגט וואָס איר מיינט</h1>' in html
    assert following == "?i=0&sprak=yi"
    # The summary has no translation: Swedish, marked as such inside the page.
    assert f'<p class="screen__summary">{process.summary}</p>' in html


def test_a_paused_screen_does_not_move_and_steps_by_hand(client: Client) -> None:
    organisation = OrganisationFactory()
    for n in range(3):
        open_process(organisation, title=f"Process {n}")
    html = client.get(f"/skarm/{organisation.slug}/?i=0").content.decode()
    assert 'href="?i=0&amp;paus=1"' in html
    html = client.get(f"/skarm/{organisation.slug}/?i=0&paus=1").content.decode()
    assert 'http-equiv="refresh"' not in html
    assert 'href="?i=2&amp;paus=1">Föregående' in html
    assert 'href="?i=1&amp;paus=1">Nästa' in html
    assert 'href="?i=0">Byt automatiskt igen' in html


def test_until_names_the_last_day_one_can_take_part(client: Client) -> None:
    organisation = OrganisationFactory()
    process = open_process(organisation)
    local = timezone.localtime() + timedelta(days=10)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    process.phases.update(ends_at=midnight)
    html, _following, _seconds = screen(client, organisation.slug)
    day_before = (midnight - timedelta(days=1)).date()
    assert f"Till och med {day_before.day} " in html
    assert f"Till och med {midnight.day} " not in html


def test_the_short_address_opens_the_screen_of_the_installations_organisation(
    client: Client,
) -> None:
    organisation = OrganisationFactory()
    response = client.get("/skarm/?kommun=2326")
    assert response.status_code == 302
    assert response["Location"] == f"/skarm/{organisation.slug}/?kommun=2326"
