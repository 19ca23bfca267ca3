"""The public pages, the staff pages and the site search page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.factories import BodyFactory, OrganisationFactory, UserFactory

from delaktig.core.audit import AuditEntry
from delaktig.pages import services
from delaktig.pages.models import Page, Seat
from delaktig.pages.tests.helpers import offer, official_of, page_in, translate

pytestmark = pytest.mark.django_db


def _url(page: Page, query: str = "") -> str:
    return page.get_absolute_url() + query


def test_the_index_lists_the_published_tree(client: Client) -> None:
    top = page_in(title="Så styrs regionen", summary="Vem bestämmer.")
    page_in(top.organisation, title="Ett utkast", published=False)
    response = client.get(reverse("pages:organisation", args=[top.organisation.slug]))
    assert response.status_code == 200
    assert "Så styrs regionen" in response.text and "Ett utkast" not in response.text
    assert client.get(reverse("pages:index")).status_code == 302
    empty = OrganisationFactory()
    assert client.get(reverse("pages:organisation", args=[empty.slug])).status_code == 404


def test_the_index_lists_the_organisations_whose_pages_the_public_reaches(
    client: Client,
) -> None:
    reached = page_in(title="Så styrs vi")
    other = page_in(title="Om kommunen")
    hidden_top = page_in(title="Utkast", published=False)
    # Published, but under a draft: not reachable, so its organisation is not listed.
    page_in(hidden_top.organisation, title="Under utkastet", parent=hidden_top)
    html = client.get(reverse("pages:index")).text
    assert reverse("pages:organisation", args=[reached.organisation.slug]) in html
    assert reverse("pages:organisation", args=[other.organisation.slug]) in html
    assert reverse("pages:organisation", args=[hidden_top.organisation.slug]) not in html


def test_the_index_nests_sub_pages_with_their_summaries_links_and_languages(
    client: Client,
) -> None:
    top = page_in(title="Så styrs <regionen>", summary="Vem & varför.", slug="styrning")
    organisation = top.organisation
    offer(organisation, "en")
    child = page_in(organisation, title="Fullmäktige", parent=top, slug="fullmaktige")
    grandchild = page_in(organisation, title="Ledamöter", parent=child, slug="ledamoter")
    translate(child, "en", title="The assembly")
    html = client.get(reverse("pages:organisation", args=[organisation.slug]), {"sprak": "en"}).text
    top_url = reverse("pages:page", args=[organisation.slug, "styrning"])
    assert grandchild.get_absolute_url() == f"{top_url}fullmaktige/ledamoter/"
    # Untranslated text keeps its language; what the page holds is escaped.
    assert (
        f'<li><a href="{top_url}" lang="sv">Så styrs &lt;regionen&gt;</a>\n'
        '    <p class="page-tree__summary" lang="sv">Vem &amp; varför.</p>\n'
        '    <ul class="page-tree">\n'
        f'  <li><a href="{child.get_absolute_url()}">The assembly</a>\n'
        '    <ul class="page-tree">\n'
        f'  <li><a href="{grandchild.get_absolute_url()}" lang="sv">Ledamöter</a></li>\n'
        "</ul></li>\n</ul></li>"
    ) in html


def test_a_page_has_breadcrumbs_and_its_published_sub_pages(client: Client) -> None:
    top = page_in(title="Så styrs regionen")
    official = official_of(top.organisation)
    child = page_in(top.organisation, title="Organ", parent=top)
    services.page_create(
        actor=official, organisation=top.organisation, title="Hemligt utkast", parent=top
    )
    response = client.get(_url(top))
    assert response.status_code == 200
    assert 'aria-current="page"' in response.text
    assert child.get_absolute_url() in response.text
    assert "Hemligt utkast" not in response.text
    response = client.get(_url(child))
    assert top.get_absolute_url() in response.text  # the breadcrumb back up


def test_a_draft_is_404_for_the_public_and_a_preview_for_officials(client: Client) -> None:
    page = page_in(published=False)
    assert client.get(_url(page)).status_code == 404
    client.force_login(official_of(page.organisation))
    response = client.get(_url(page))
    assert response.status_code == 200 and "Förhandsvisning" in response.text


def test_markdown_is_sanitised(client: Client) -> None:
    page = page_in(body="Hej <script>alert(1)</script> [länk](javascript:alert(1))")
    response = client.get(_url(page))
    assert "<script>alert(1)" not in response.text
    assert 'href="javascript' not in response.text


def test_easy_read_and_other_languages_are_linked_with_lang_and_hreflang(client: Client) -> None:
    page = page_in(title="Så styrs regionen", body="Text.")
    offer(page.organisation, "lattlast", "en", "se")
    translate(page, "lattlast", title="Så styrs regionen", body="Lätt text.")
    translate(page, "en", title="How the region is governed", body="Text in English.")
    response = client.get(_url(page, "?sprak=sv"))
    assert 'href="?sprak=lattlast"' in response.text
    assert 'href="?sprak=en" lang="en" hreflang="en"' in response.text
    assert (
        'href="?sprak=se"'
        not in response.text.split('class="page-languages"')[1].split("</nav>")[0]
    )
    easy = client.get(_url(page, "?sprak=lattlast"))
    assert "Lätt text." in easy.text and 'href="?sprak=sv"' in easy.text
    english = client.get(_url(page, "?sprak=en"))
    assert "Text in English." in english.text


def test_the_translation_notice_says_what_is_still_swedish(client: Client) -> None:
    page = page_in(title="Samiska", kind="sami", body="Text.")
    offer(page.organisation, "se")
    response = client.get(_url(page, "?sprak=se"))
    assert "translation-notice" in response.text
    assert 'lang="se"' in response.text  # the Sami language presented by its own name
    assert "sidan finns inte på språket än" in response.text


def test_a_bodies_page_lists_the_current_members(client: Client) -> None:
    body = BodyFactory(name="Regionstyrelsen")
    official = official_of(body.organisation)
    today = timezone.localdate()
    services.seat_create(
        actor=official,
        body=body,
        name="Anna Påhittad",
        party="Parti A",
        role="ordforande",
        term_start=today - timedelta(days=1),
        term_end=today + timedelta(days=1),
    )
    services.seat_create(
        actor=official,
        body=body,
        name="Före Detta",
        role="ledamot",
        term_start=today - timedelta(days=900),
        term_end=today - timedelta(days=1),
    )
    page = page_in(body.organisation, title="Organ", kind="bodies")
    response = client.get(_url(page))
    assert "Regionstyrelsen" in response.text and "Anna Påhittad" in response.text
    assert "Före Detta" not in response.text


def test_the_menu_and_footer_link_the_site_organisations_pages(client: Client) -> None:
    page = page_in(title="Så styrs regionen", kind="governance")
    page_in(page.organisation, title="Samiska", kind="sami")
    response = client.get(reverse("search"))
    nav = response.text.split('class="site-nav"')[1].split("</nav>")[0]
    footer = response.text.split("<footer")[1]
    assert page.get_absolute_url() in nav
    assert "Samiska" in footer


def test_the_menu_links_the_first_reachable_page_of_a_kind_whatever_the_pages(
    client: Client,
) -> None:
    """The first page of the kind in the tree's order that the public reaches: not a draft,
    nor one under an unpublished page; a nested one links with its parents' addresses; and
    the layout reads them in the same queries however many pages the organisation has."""
    organisation = OrganisationFactory()
    hidden_parent = page_in(organisation, title="Utkast", kind="other", published=False)
    page_in(organisation, title="Under utkast", kind="governance", parent=hidden_parent)
    page_in(organisation, title="Ej publicerad", kind="governance", published=False)
    parent = page_in(organisation, title="Om regionen", kind="other")
    nested = page_in(organisation, title="Så styrs vi", kind="governance", parent=parent)
    page_in(organisation, title="Senare", kind="governance", parent=parent)
    assert nested.get_absolute_url().endswith("/om-regionen/sa-styrs-vi/")
    url = reverse("search")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    nav = response.text.split('class="site-nav"')[1].split("</nav>")[0]
    assert f'href="{nested.get_absolute_url()}"' in nav
    assert "Under utkast" not in nav and "Senare" not in nav
    for n in range(20):
        page_in(organisation, title=f"Sida {n}", kind="other")
    client.get(url)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


# --- Staff -------------------------------------------------------------------------------


def test_staff_pages_are_for_the_organisations_officials(client: Client) -> None:
    page = page_in()
    client.force_login(UserFactory())
    edit = reverse("pages_staff:page_edit", args=[page.pk])
    assert client.get(edit).status_code == 403
    client.force_login(official_of(OrganisationFactory()))
    assert client.get(edit).status_code == 403
    client.force_login(official_of(page.organisation))
    assert client.get(edit).status_code == 200
    tree = reverse("pages_staff:organisation", args=[page.organisation.slug])
    assert client.get(tree).status_code == 200


def test_an_official_creates_edits_publishes_and_deletes_a_page(client: Client) -> None:
    organisation = OrganisationFactory()
    client.force_login(official_of(organisation))
    create = reverse("pages_staff:page_create", args=[organisation.slug])
    response = client.post(create, {"title": "", "kind": "other", "body": "Text"})
    assert response.status_code == 400 and "Text" in response.text  # nothing typed is lost
    response = client.post(create, {"title": "Så kan du påverka", "kind": "take_part"})
    page = Page.objects.get()
    assert response.status_code == 302 and page.slug == "sa-kan-du-paverka"
    edit = reverse("pages_staff:page_edit", args=[page.pk])
    client.post(edit, {"title": "Påverka", "kind": "take_part", "slug": "paverka", "body": "Ny"})
    page.refresh_from_db()
    assert (page.title, page.slug, page.body) == ("Påverka", "paverka", "Ny")
    client.post(reverse("pages_staff:page_transition", args=[page.pk]), {"action": "publish"})
    page.refresh_from_db()
    assert page.is_published
    delete = reverse("pages_staff:page_delete", args=[page.pk])
    assert "Bekräfta" in client.post(delete).text
    assert Page.objects.exists()
    client.post(delete, {"confirmed": "1"})
    assert not Page.objects.exists()
    assert AuditEntry.objects.filter(action="pages.page_delete").exists()


def test_a_taken_address_is_shown_on_the_form(client: Client) -> None:
    page = page_in(title="Samiska")
    client.force_login(official_of(page.organisation))
    response = client.post(
        reverse("pages_staff:page_create", args=[page.organisation.slug]),
        {"title": "Samiska", "kind": "sami"},
    )
    assert response.status_code == 409 and "har redan adressen" in response.text


def test_the_preview_button_saves_nothing(client: Client) -> None:
    organisation = OrganisationFactory()
    client.force_login(official_of(organisation))
    response = client.post(
        reverse("pages_staff:page_create", args=[organisation.slug]),
        {"title": "X", "kind": "other", "body": "**fet**", "preview": "body"},
    )
    assert response.status_code == 200 and "<strong>fet</strong>" in response.text
    assert not Page.objects.exists()


def test_an_official_moves_pages(client: Client) -> None:
    first = page_in(title="Ett")
    second = page_in(first.organisation, title="Två")
    client.force_login(official_of(first.organisation))
    client.post(reverse("pages_staff:page_move", args=[second.pk]), {"direction": "up"})
    titles = list(Page.objects.order_by("position").values_list("title", flat=True))
    assert titles == ["Två", "Ett"]


def test_an_official_adds_edits_and_removes_seats(client: Client) -> None:
    body = BodyFactory()
    client.force_login(official_of(body.organisation))
    seats = reverse("pages_staff:seats", args=[body.organisation.slug])
    values = {
        "body": body.pk,
        "name": "Anna Påhittad",
        "party": "Parti A",
        "role": "ledamot",
        "term_start": "2026-10-15",
        "term_end": "2026-01-01",
    }
    response = client.post(seats, values)
    assert response.status_code == 400 and "Mandatperioden" in response.text
    client.post(seats, {**values, "term_end": "2030-10-14"})
    seat = Seat.objects.get()
    edit = reverse("pages_staff:seat_edit", args=[seat.pk])
    client.post(edit, {**values, "term_end": "2030-10-14", "role": "ordforande"})
    seat.refresh_from_db()
    assert seat.role == "ordforande"
    client.post(reverse("pages_staff:seat_delete", args=[seat.pk]), {"confirmed": "1"})
    assert not Seat.objects.exists()


def test_a_page_carries_its_sharing_metadata_in_the_content_language(client: Client) -> None:
    top = page_in(title="Så styrs regionen", summary="Vem bestämmer.")
    offer(top.organisation, "en")
    translate(top, "en", title="How the region is governed", summary="Who decides.")
    html = client.get(_url(top, "?sprak=en")).text
    assert '<meta property="og:title" content="How the region is governed">' in html
    assert '<meta property="og:description" content="Who decides.">' in html
    assert f"{top.get_absolute_url()}?sprak=en" in html
