"""Reading pages: the tree, paths, languages, seats, the site search, retention."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from tests.factories import BodyFactory, OrganisationFactory

from delaktig.core.languages import content_language_override
from delaktig.pages import selectors, services
from delaktig.pages.contributions import _seats_apply
from delaktig.pages.models import Seat
from delaktig.pages.tests.helpers import offer, official_of, page_in, translate

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


def test_content_language_reads_the_translation() -> None:
    page = page_in()
    offer(page.organisation, "en")
    translate(page, "en", title="Governance", body="Text.")
    with content_language_override("en"):
        assert page.t.title == "Governance"
