"""Reading pages: the tree, paths, languages, seats, the site search, retention."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from tests.factories import BodyFactory, OrganisationFactory, ProcessFactory

from delaktig.core.languages import content_language_override
from delaktig.pages import selectors, services
from delaktig.pages.contributions import _seats_apply
from delaktig.pages.models import Seat
from delaktig.pages.tests.helpers import offer, official_of, page_in, translate
from delaktig.participation import search
from delaktig.participation.search import process_hits

pytestmark = pytest.mark.django_db


def test_the_public_tree_leaves_out_drafts_and_what_is_under_them() -> None:
    top = page_in(title="Överst")
    official = official_of(top.organisation)
    draft = services.page_create(
        actor=official, organisation=top.organisation, title="Utkast", parent=top
    )
    services.page_create(actor=official, organisation=top.organisation, title="Under", parent=draft)
    public = selectors.flatten(selectors.tree(top.organisation))
    assert [node.page.title for node in public] == ["Överst"]
    everything = selectors.flatten(selectors.tree(top.organisation, drafts=True))
    assert [node.page.title for node in everything] == ["Överst", "Utkast", "Under"]


def test_a_page_is_found_by_its_path_through_published_pages_only(
    django_user_model: type,
) -> None:
    from django.contrib.auth.models import AnonymousUser

    top = page_in(title="Överst")
    official = official_of(top.organisation)
    child = services.page_create(
        actor=official, organisation=top.organisation, title="Under", parent=top
    )
    anonymous = AnonymousUser()
    find = selectors.page_by_path
    assert find(viewer=anonymous, organisation=top.organisation, path="overst") == top
    assert find(viewer=anonymous, organisation=top.organisation, path="overst/under") is None
    assert find(viewer=official, organisation=top.organisation, path="overst/under") == child
    assert find(viewer=anonymous, organisation=top.organisation, path="under") is None
    assert find(viewer=anonymous, organisation=OrganisationFactory(), path="overst") is None


def test_a_language_is_available_when_every_text_has_a_reviewed_current_translation() -> None:
    page = page_in(summary="Kort.")
    offer(page.organisation, "lattlast", "en", "se")
    translate(page, "lattlast", title="Lätt", summary="Kort lätt.", body="Lätt text.")
    translate(page, "en", title="How", body="Text.")  # the summary is missing
    translate(page, "se", reviewed=False, title="X", summary="Y", body="Z")
    assert selectors.available_languages(page) == ["lattlast"]
    services.page_update(
        actor=official_of(page.organisation),
        page=page,
        title=page.title,
        kind=page.kind,
        summary="Kort.",
        body="Ny svensk text.",
    )
    page.refresh_from_db()
    assert selectors.available_languages(page) == []  # the lättläst body is stale now


def test_current_seats_chair_first_and_past_terms_left_out() -> None:
    body = BodyFactory()
    official = official_of(body.organisation)
    today = timezone.localdate()
    now = (today - timedelta(days=10), today + timedelta(days=100))
    for name, role in (
        ("B Ledamot", "ledamot"),
        ("A Ersättare", "ersattare"),
        ("C Ordf", "ordforande"),
    ):
        services.seat_create(
            actor=official, body=body, name=name, role=role, term_start=now[0], term_end=now[1]
        )
    services.seat_create(
        actor=official,
        body=body,
        name="Gammal",
        role="ledamot",
        term_start=date(2018, 10, 15),
        term_end=date(2022, 10, 14),
    )
    [(found, seats)] = selectors.current_seats(body.organisation)
    assert found == body
    assert [seat.name for seat in seats] == ["C Ordf", "B Ledamot", "A Ersättare"]
    assert len(selectors.staff_seats(body.organisation)[0][1]) == 4


def test_seats_are_removed_after_the_term_and_the_retention_time() -> None:
    body = BodyFactory()
    official = official_of(body.organisation)
    today = timezone.localdate()
    for days in (400, 100):
        services.seat_create(
            actor=official,
            body=body,
            name=f"Slutade för {days} dagar sedan",
            role="ledamot",
            term_start=today - timedelta(days=2000),
            term_end=today - timedelta(days=days),
        )
    assert _seats_apply(body.organisation, 365, timezone.now()) == 1
    assert list(Seat.objects.values_list("name", flat=True)) == ["Slutade för 100 dagar sedan"]


# --- The site search ---------------------------------------------------------------------


def test_search_finds_published_pages_title_matches_first() -> None:
    organisation = OrganisationFactory()
    page_in(organisation, title="Nationella minoriteter", body="Om rattigheter.")
    page_in(organisation, title="Samiska", body="Rattigheter for samer.")
    page_in(organisation, title="Rattigheter", body="Text.")
    page_in(organisation, title="Rattigheter i utkast", published=False)
    hits = selectors.search_hits("rattigheter", None, "sv", 10)
    assert [hit.title for hit in hits] == ["Rattigheter", "Nationella minoriteter", "Samiska"]
    assert all(hit.language == "sv" for hit in hits)
    assert hits[1].excerpt == "Om rattigheter."
    assert selectors.search_hits("rattigheter", None, "sv", 1)[0].title == "Rattigheter"
    assert selectors.search_hits("", None, "sv", 10) == []


def test_search_leaves_out_pages_under_a_draft() -> None:
    top = page_in(title="Utkast", published=False)
    child = page_in(top.organisation, title="Hemlig sida", parent=top)
    assert child.is_published
    assert selectors.search_hits("hemlig", None, "sv", 10) == []


def test_search_matches_reviewed_translations_in_the_content_language_only() -> None:
    page = page_in(title="Så styrs regionen", body="Fullmäktige beslutar.")
    offer(page.organisation, "en", "se")
    translate(page, "en", title="How the region is governed", body="The council decides.")
    translate(page, "se", reviewed=False, title="Utkast", body="Draft council text.")
    [hit] = selectors.search_hits("council", None, "en", 10)
    assert (hit.title, hit.language, hit.excerpt) == (
        "How the region is governed",
        "en",
        "The council decides.",
    )
    assert selectors.search_hits("council", None, "se", 10) == []
    assert selectors.search_hits("council", None, "sv", 10) == []
    # Swedish still matches for an English reader, shown in Swedish.
    assert selectors.search_hits("fullmaktige", None, "en", 10) == []  # "ä" is not "a"
    [swedish] = selectors.search_hits("beslutar", None, "en", 10)
    assert swedish.language == "sv" and swedish.title == "Så styrs regionen"


def test_a_stale_translation_does_not_match() -> None:
    page = page_in(body="Gammal text.")
    offer(page.organisation, "en")
    translate(page, "en", title="Governance", body="Old text.")
    services.page_update(
        actor=official_of(page.organisation),
        page=page,
        title=page.title,
        kind=page.kind,
        body="Ny text.",
    )
    assert [hit.title for hit in selectors.search_hits("old", None, "en", 10)] == []


def test_processes_are_found_by_title_summary_and_translation() -> None:
    from django.contrib.contenttypes.models import ContentType

    from delaktig.translations.models import Translation, source_hash

    shown = ProcessFactory(title="Kollektivtrafiken", summary="Hur reser du?", status="open")
    ProcessFactory(title="Kollektivtrafiken i utkast", status="draft")
    Translation.objects.create(
        content_type=ContentType.objects.get_for_model(shown),
        object_id=shown.pk,
        language="en",
        field="title",
        text="Public transport",
        source_hash=source_hash(shown.title),
        state=Translation.State.REVIEWED,
    )
    assert [hit.title for hit in process_hits("kollektiv", None, "sv", 10)] == ["Kollektivtrafiken"]
    [hit] = process_hits("transport", None, "en", 10)
    assert (hit.title, hit.language, hit.url) == (
        "Public transport",
        "en",
        shown.get_absolute_url(),
    )
    assert process_hits("transport", None, "sv", 10) == []


def test_excerpts_are_plain_text_around_the_match() -> None:
    source = "## Rubrik\n\n**fet** text " + "ord " * 60 + "mål"
    text = search.plain_text(source, markdown=True)
    assert text.startswith("Rubrik fet text") and "**" not in text
    cut = search.excerpt(text, "mål", width=20)
    assert cut.startswith("…") and cut.endswith("mål")
    assert search.marked("Ab ab", "ab") == [("Ab", True), (" ", False), ("ab", True)]


def test_content_language_reads_the_translation() -> None:
    page = page_in()
    offer(page.organisation, "en")
    translate(page, "en", title="Governance", body="Text.")
    with content_language_override("en"):
        assert page.t.title == "Governance"
