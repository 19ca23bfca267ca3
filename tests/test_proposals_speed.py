"""The public proposal list and proposal page at volume: queries that do not grow with the
number of proposals, a count that stops where the page no longer needs it, and support counts
kept in the database rather than from what a caller read."""

from datetime import timedelta
from itertools import cycle
from typing import Any, cast

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from delaktig.proposals import services, views
from delaktig.proposals.models import Category, Proposal, ProposalEvent, Support
from tests.factories import (
    MunicipalityFactory,
    OrganisationFactory,
    UserFactory,
    collecting_proposal,
    proposal_rules,
    verified_resident,
)

pytestmark = pytest.mark.django_db

STATUSES = ["collecting", "lodged", "decided", "registered", "withdrawn", "expired"]


@pytest.fixture
def regions() -> list[Any]:
    found = []
    for code in ("2380", "2361"):
        organisation = OrganisationFactory()
        organisation.municipalities.add(MunicipalityFactory(code=code))
        proposal_rules(organisation, threshold_value=1000)
        Category.objects.create(organisation=organisation, name=f"Vård {code}")
        found.append(organisation)
    return found


def add_proposals(regions: list[Any], count: int) -> None:
    """``count`` proposals spread over organisations, municipalities, categories, authors and
    statuses, each with its own timeline entry (what the list and the page read)."""
    now = timezone.now()
    places = cycle(
        [
            (region, municipality, category)
            for region in regions
            for municipality in region.municipalities.all()
            for category in (None, *region.proposal_categories.all())
        ]
    )
    authors = [UserFactory() for _ in range(5)]
    made = Proposal.objects.bulk_create(
        Proposal(
            organisation=organisation,
            municipality=municipality,
            category=category,
            author=authors[n % len(authors)],
            author_name=f"Namn {n}",
            title=f"Förslag {n}",
            body="Text " * 60,
            status=STATUSES[n % len(STATUSES)],
            outcome="bifall" if STATUSES[n % len(STATUSES)] == "decided" else "",
            decided_on=now.date() if STATUSES[n % len(STATUSES)] == "decided" else None,
            submitted_at=now - timedelta(minutes=n),
            published_at=now - timedelta(minutes=n),
            support_ends_at=now + timedelta(days=n % 30 + 1),
            support_threshold=1000,
            support_count=n % 7,
        )
        for n, (organisation, municipality, category) in zip(range(count), places, strict=False)
    )
    ProposalEvent.objects.bulk_create(
        ProposalEvent(proposal=p, action="publish", from_status="submitted", to_status=p.status)
        for p in made
    )


def queries(client: Client, url: str, **headers: str) -> int:
    client.get(url, headers=headers)  # the site's caches warm, as on any later request
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return len(captured)


LIST_URLS = [
    "",
    "?sort=supported",
    "?sort=closing",
    "?status=collecting&sort=supported",
    "?reached=on&year=2020",
    "?sida=2",
]


def page_queries(client: Client, regions: list[Any]) -> dict[str, int]:
    base = reverse("proposals:list")
    municipality = regions[1].municipalities.get().pk
    category = regions[0].proposal_categories.get().pk
    newest = Proposal.objects.public().order_by("-published_at", "-pk").first()
    assert newest is not None
    counts = {url: queries(client, base + url) for url in LIST_URLS}
    counts["municipality"] = queries(client, f"{base}?municipality={municipality}")
    counts["category"] = queries(client, f"{base}?category={category}")
    counts["htmx"] = queries(client, base, **{"HX-Request": "true", "HX-Target": "results"})
    counts["detail"] = queries(client, newest.get_absolute_url())
    return counts


def test_list_and_page_queries_do_not_grow_with_the_proposals(regions: list[Any]) -> None:
    anonymous, resident = Client(), Client()
    resident.force_login(verified_resident(regions[0].municipalities.get()))
    add_proposals(regions, 30)  # two pages
    small = {"anonymous": page_queries(anonymous, regions)}
    small["resident"] = page_queries(resident, regions)
    add_proposals(regions, 150)  # many pages, of every organisation, author and place
    large = {"anonymous": page_queries(anonymous, regions)}
    large["resident"] = page_queries(resident, regions)
    for who in small:
        assert small[who] == large[who], {
            url: (count, large[who][url])
            for url, count in small[who].items()
            if count != large[who][url]
        }
    # The list reads its page, its count, and what the filter form offers: a fixed few.
    assert max(large["anonymous"].values()) <= 12, large


def test_the_list_counts_only_as_far_as_it_says(
    client: Client, regions: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "COUNT_CAP", 30)
    add_proposals(regions, 90)  # 75 public: more than the cap
    public = Proposal.objects.public().count()
    url = reverse("proposals:list")
    with CaptureQueriesContext(connection) as captured:
        first = client.get(url)
    html = first.content.decode()
    assert "Fler än 30 förslag" in html and 'rel="next"' in html
    counts = [q["sql"] for q in captured if "COUNT(" in q["sql"].upper()]
    # One count, bounded, and in the same query as the page's proposals.
    assert len(counts) == 1 and "LIMIT 31" in counts[0].upper(), counts
    assert "LIMIT 21" in counts[0].upper()
    # Every page is reached by its number; the last says there is no next one.
    last_number = (public + 19) // 20
    last = client.get(url + f"?sida={last_number}")
    assert len(last.context["proposals"]) == public - 20 * (last_number - 1)
    assert 'rel="next"' not in last.content.decode()
    # A filter that matches fewer than the cap is counted exactly.
    narrow = client.get(url + "?status=collecting")
    collecting = Proposal.objects.filter(status="collecting").count()
    assert collecting < 30 and f"{collecting} förslag" in narrow.content.decode()
    assert [p.pk for p in first.context["proposals"]] == list(
        Proposal.objects.public().order_by("-published_at", "-pk").values_list("pk", flat=True)[:20]
    )


def test_status_label_is_the_translated_display(regions: list[Any]) -> None:
    add_proposals(regions, 6)
    for language in ("sv", "en"):
        with translation.override(language):
            for proposal in Proposal.objects.all():
                assert proposal.status_label == proposal.get_status_display()


def collecting(region: Any) -> Proposal:
    return cast(Proposal, collecting_proposal(region))


def test_supports_count_in_the_database_not_from_what_the_caller_read(
    regions: list[Any],
) -> None:
    region = regions[0]
    proposal = collecting(region)
    municipality = region.municipalities.get()
    stale = Proposal.objects.get(pk=proposal.pk)  # read once, never refreshed
    people = [verified_resident(municipality) for _ in range(5)]
    for person in people:
        services.support_add(actor=person, proposal=Proposal.objects.get(pk=proposal.pk))
    services.support_add(actor=verified_resident(municipality), proposal=stale)
    services.support_withdraw(actor=people[0], proposal=stale)
    services.support_withdraw(actor=people[0], proposal=stale)  # nothing left to take back
    services.support_add(actor=people[1], proposal=stale)  # a repeated click
    proposal.refresh_from_db()
    rows = Support.objects.filter(proposal=proposal).count()
    assert proposal.support_count == rows == 5


def test_a_support_is_a_fixed_few_queries(regions: list[Any]) -> None:
    region = regions[0]
    proposal = collecting(region)
    municipality = region.municipalities.get()
    Support.objects.bulk_create(
        Support(proposal=proposal, user=UserFactory(), identity_hash=f"{n:064d}") for n in range(40)
    )
    person = verified_resident(municipality)
    # As the view sends it: the proposal's id.
    with CaptureQueriesContext(connection) as captured:
        assert services.support_add(actor=person, proposal=proposal.pk) == 1  # rows not counted
    writes = [q["sql"] for q in captured if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    # The proposal with its organisation's rules, who the person is and where they live, the
    # count raised (and read back), the support stored: no recount of the proposal's
    # supports. On PostgreSQL all of it is one statement (a writing WITH).
    assert len(writes) == (1 if connection.vendor == "postgresql" else 4), writes
    assert not any("COUNT(" in sql.upper() for sql in writes), writes
    with CaptureQueriesContext(connection) as captured:
        services.support_withdraw(actor=person, proposal=proposal)
    assert not any("COUNT(" in q["sql"].upper() for q in captured), captured.captured_queries


def test_the_filters_choices_follow_changes(client: Client, regions: list[Any]) -> None:
    """The list's choices come from the cache; a new category or municipality, or rules that
    close proposals, show on the next page."""
    url = reverse("proposals:list")
    html = client.get(url).content.decode()
    assert "Lämna ett förslag" in html and "Kultur" not in html
    Category.objects.create(organisation=regions[0], name="Kultur")
    regions[1].municipalities.add(MunicipalityFactory(code="2399", name="Småby"))
    html = client.get(url).content.decode()
    assert ">Kultur</option>" in html and ">Småby</option>" in html
    for region in regions:
        region.proposal_settings.enabled = False
        region.proposal_settings.save()
    assert "Lämna ett förslag" not in client.get(url).content.decode()
