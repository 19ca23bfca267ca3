"""Writing pages and seats: the tree, addresses, order, publishing, deletion, audit."""

from datetime import date

import pytest
from tests.factories import BodyFactory, OrganisationFactory, UserFactory

from delaktig.core.audit import AuditEntry
from delaktig.core.errors import Conflict, PermissionDenied, ValidationFailed
from delaktig.pages import services
from delaktig.pages.demo import current_term
from delaktig.pages.models import Page, Seat
from delaktig.pages.tests.helpers import official_of, page_in
from delaktig.pages.workflow import Action

pytestmark = pytest.mark.django_db


def test_a_page_gets_its_address_from_the_title_and_is_a_draft_last_in_order() -> None:
    organisation = OrganisationFactory()
    official = official_of(organisation)
    first = services.page_create(actor=official, organisation=organisation, title="Så styrs")
    second = services.page_create(
        actor=official, organisation=organisation, title="Nationella minoriteter"
    )
    assert (first.slug, first.depth, first.status) == ("sa-styrs", 1, "draft")
    assert (second.slug, second.position) == ("nationella-minoriteter", first.position + 1)
    assert AuditEntry.objects.filter(action="pages.page_create", target_id=str(first.pk)).exists()


def test_an_address_is_unique_among_siblings_only() -> None:
    top = page_in(title="Organ")
    official = official_of(top.organisation)
    with pytest.raises(Conflict) as error:
        services.page_create(actor=official, organisation=top.organisation, title="Organ")
    assert error.value.code == "pages.slug_taken"
    child = services.page_create(
        actor=official, organisation=top.organisation, title="Organ", parent=top
    )
    assert child.path == "organ/organ"
    other = page_in(title="Organ")
    assert other.slug == "organ"


def test_a_bad_address_is_refused() -> None:
    organisation = OrganisationFactory()
    with pytest.raises(ValidationFailed) as error:
        services.page_create(
            actor=official_of(organisation), organisation=organisation, title="A", slug="Å ä"
        )
    assert error.value.field == "slug"


def test_the_tree_is_at_most_three_levels_deep() -> None:
    top = page_in()
    official = official_of(top.organisation)
    middle = services.page_create(
        actor=official, organisation=top.organisation, title="Två", parent=top
    )
    bottom = services.page_create(
        actor=official, organisation=top.organisation, title="Tre", parent=middle
    )
    assert bottom.depth == 3
    with pytest.raises(ValidationFailed) as error:
        services.page_create(
            actor=official, organisation=top.organisation, title="Fyra", parent=bottom
        )
    assert error.value.code == "pages.too_deep"
    # Moving the middle page (with its child) under another top page keeps three levels…
    other = page_in(top.organisation, title="Annan")
    services.page_update(actor=official, page=middle, title="Två", kind="other", parent=other)
    bottom.refresh_from_db()
    assert bottom.depth == 3 and bottom.path == "annan/tva/tre"
    # … but not under the bottom page itself, nor a page below itself.
    with pytest.raises(ValidationFailed):
        services.page_update(actor=official, page=middle, title="Två", kind="other", parent=bottom)


def test_moving_to_the_top_lifts_the_sub_pages() -> None:
    top = page_in()
    official = official_of(top.organisation)
    middle = services.page_create(
        actor=official, organisation=top.organisation, title="Två", parent=top
    )
    bottom = services.page_create(
        actor=official, organisation=top.organisation, title="Tre", parent=middle
    )
    services.page_update(actor=official, page=middle, title="Två", kind="other", parent=None)
    bottom.refresh_from_db()
    middle.refresh_from_db()
    assert (middle.depth, bottom.depth) == (1, 2)


def test_a_parent_of_another_organisation_is_refused() -> None:
    page = page_in()
    elsewhere = page_in()
    with pytest.raises(ValidationFailed) as error:
        services.page_create(
            actor=official_of(page.organisation),
            organisation=page.organisation,
            title="X",
            parent=elsewhere,
        )
    assert error.value.code == "pages.parent_elsewhere"


def test_pages_move_among_their_siblings() -> None:
    first = page_in(title="Ett")
    official = official_of(first.organisation)
    second = page_in(first.organisation, title="Två")
    services.page_move(actor=official, page=second, direction=-1)
    order = list(
        Page.objects.filter(organisation=first.organisation)
        .order_by("position")
        .values_list("title", flat=True)
    )
    assert order == ["Två", "Ett"]


def test_publish_and_unpublish() -> None:
    page = page_in(published=False)
    official = official_of(page.organisation)
    page = services.page_transition(actor=official, page=page, action=Action.PUBLISH)
    assert page.is_published and page.published_at is not None
    page = services.page_transition(actor=official, page=page, action=Action.UNPUBLISH)
    assert not page.is_published
    assert AuditEntry.objects.filter(action="pages.page_unpublish").count() == 1


def test_a_page_with_sub_pages_is_not_deleted() -> None:
    top = page_in()
    official = official_of(top.organisation)
    child = services.page_create(
        actor=official, organisation=top.organisation, title="Under", parent=top
    )
    with pytest.raises(Conflict):
        services.page_delete(actor=official, page=top)
    services.page_delete(actor=official, page=child)
    services.page_delete(actor=official, page=top)
    assert not Page.objects.exists()


def test_only_the_organisations_officials_write() -> None:
    page = page_in()
    with pytest.raises(PermissionDenied):
        services.page_update(actor=UserFactory(), page=page, title="X", kind="other")
    with pytest.raises(PermissionDenied):
        services.page_create(
            actor=official_of(OrganisationFactory()), organisation=page.organisation, title="X"
        )


def test_seats_are_written_checked_and_audited_without_the_name() -> None:
    body = BodyFactory()
    official = official_of(body.organisation)
    seat = services.seat_create(
        actor=official,
        body=body,
        name="Anna Påhittad",
        party="Parti A",
        role="ordforande",
        term_start=date(2026, 10, 15),
        term_end=date(2030, 10, 14),
    )
    entry = AuditEntry.objects.get(action="pages.seat_create")
    assert "Anna" not in entry.target_repr and "Anna" not in str(entry.data)
    with pytest.raises(ValidationFailed) as error:
        services.seat_update(
            actor=official,
            seat=seat,
            body=body,
            name="Anna",
            role="ledamot",
            term_start=date(2026, 10, 15),
            term_end=date(2026, 1, 1),
        )
    assert error.value.code == "pages.term_order"
    with pytest.raises(ValidationFailed):
        services.seat_update(
            actor=official,
            seat=seat,
            body=BodyFactory(),
            name="Anna",
            role="ledamot",
            term_start=date(2026, 10, 15),
            term_end=date(2030, 10, 14),
        )
    with pytest.raises(PermissionDenied):
        services.seat_delete(actor=official_of(OrganisationFactory()), seat=seat)
    services.seat_delete(actor=official, seat=seat)
    assert not Seat.objects.exists()


@pytest.mark.parametrize(
    ("today", "term"),
    [
        (date(2026, 10, 14), (date(2022, 10, 15), date(2026, 10, 14))),
        (date(2026, 10, 15), (date(2026, 10, 15), date(2030, 10, 14))),
        (date(2029, 1, 1), (date(2026, 10, 15), date(2030, 10, 14))),
    ],
)
def test_the_demo_works_out_the_current_term(today: date, term: tuple[date, date]) -> None:
    assert current_term(today) == term
