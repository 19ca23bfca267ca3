"""The open-data API and dataset for proposals: /api/v1/proposals/ (proposals/api.py)."""

from datetime import UTC, date, datetime, timedelta
from typing import Any, get_args

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from delaktig.core import contributions
from delaktig.organisations.models import Body
from delaktig.proposals import api
from delaktig.proposals.contributions import EVENT_COLUMNS, PROPOSAL_COLUMNS
from delaktig.proposals.models import Category, Proposal, ProposalEvent
from delaktig.proposals.workflow import PUBLIC_STATUSES
from tests.factories import MunicipalityFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/proposals/"
PUBLISHED = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)


def make(
    organisation: Any,
    status: str,
    *,
    title: str = "Förslag",
    published: datetime | None = PUBLISHED,
    events: int = 1,
    **fields: Any,
) -> Proposal:
    """A proposal as the case left it, with ``events`` timeline entries an hour apart."""
    author = UserFactory()
    proposal = Proposal.objects.create(
        organisation=organisation,
        author=author,
        author_name="Kim Publicerad",
        title=title,
        body=f"Text om {title}",
        status=status,
        submitted_at=PUBLISHED - timedelta(days=2),
        published_at=published,
        **fields,
    )
    official = UserFactory(display_name="Handläggaren Hemlig")
    for n in range(events):
        event = ProposalEvent.objects.create(
            proposal=proposal,
            action="publish" if n == 0 else "register",
            from_status="submitted",
            to_status=status,
            actor=official,
            note=f"steg {n}",
        )
        ProposalEvent.objects.filter(pk=event.pk).update(created=PUBLISHED + timedelta(hours=n + 1))
    return proposal


def decided(organisation: Any, on: date, **fields: Any) -> Proposal:
    assembly, _created = Body.objects.get_or_create(
        organisation=organisation, kind="assembly", defaults={"name": "Regionfullmäktige"}
    )
    values: dict[str, Any] = {
        "outcome": "bifall",
        "decided_on": on,
        "decided_by": assembly,
        "registered_on": date(2025, 5, 2),
        "case_number": f"RS/{on.isoformat()}",
        "minutes_reference": "RF § 12",
        "answer": "Vi bygger den.",
        "decision_proposal": "Internt förslag till beslut",
        "unfinished_reason": "Intern anteckning",
    }
    values.update(fields)
    return make(organisation, "decided", **values)


@pytest.fixture
def region() -> Any:
    return OrganisationFactory(slug="jamtland", name="Region Jämtland Härjedalen")


def get(client: Client, url: str = URL, **params: Any) -> Any:
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_public_statuses_are_the_workflows() -> None:
    assert set(get_args(api.PublicStatus)) == {s.value for s in PUBLIC_STATUSES}


def test_only_public_proposals_and_no_personal_data(client: Client, region: Any) -> None:
    hidden = [
        make(region, s, title=f"Dolt {s}", published=None)
        for s in ("draft", "submitted", "rejected", "withdrawn")
    ]
    collecting = make(region, "collecting", support_threshold=50, support_count=7)
    done = decided(region, date(2026, 3, 1), responsible_official=UserFactory())
    redacted = make(
        region,
        "lodged",
        title="Hemligt namn i rubriken",
        redacted_at=PUBLISHED,
        redacted_title="Maskad rubrik",
        redacted_body="Maskad text",
    )
    body = client.get(URL).content.decode()
    data = get(client)
    assert [item["id"] for item in data["items"]] == [collecting.pk, done.pk, redacted.pk]
    assert data["next"] is None
    for proposal in hidden:
        assert proposal.title not in body
    # The published name only: no account, e-mail, official or internal note.
    for person in (done.author, done.responsible_official, collecting.author):
        assert person.email not in body
        assert person.display_name not in body
    assert "Handläggaren Hemlig" not in body
    assert "Internt förslag till beslut" not in body and "Intern anteckning" not in body
    assert "Hemligt namn" not in body and "Maskad rubrik" in body
    first = data["items"][0]
    assert first["author_name"] == "Kim Publicerad"
    assert first["kind"] == "e_proposal" and first["support_count"] == 7
    assert first["support_threshold"] == 50
    assert "author" not in first and "author_id" not in first
    second = data["items"][1]
    assert second["kind"] == "proposal"
    assert second["outcome"] == "bifall" and second["decided_by"] == "Regionfullmäktige"
    assert second["decided_on"] == "2026-03-01" and second["answer"] == "Vi bygger den."
    assert second["url"].endswith(f"/{done.pk}/")
    assert second["organisation"] == "jamtland"


def test_a_deleted_author_is_not_named(client: Client, region: Any) -> None:
    proposal = make(region, "lodged")
    proposal.author.deleted_at = PUBLISHED
    proposal.author.save()
    assert get(client)["items"][0]["author_name"] == "Borttagen användare"


def test_filters(client: Client, region: Any) -> None:
    other = OrganisationFactory(slug="annan")
    östersund = MunicipalityFactory(code="2380", name="Östersund")
    category = Category.objects.create(organisation=region, name="Kultur")
    in_2026 = decided(region, date(2026, 3, 1), municipality=östersund, category=category)
    in_2025 = decided(region, date(2025, 12, 31), published=PUBLISHED - timedelta(days=400))
    elsewhere = decided(other, date(2026, 6, 1))
    collecting = make(region, "collecting", support_threshold=5)

    def ids(**params: Any) -> list[int]:
        return [item["id"] for item in get(client, **params)["items"]]

    assert ids(organisation="jamtland") == [in_2026.pk, in_2025.pk, collecting.pk]
    assert ids(organisation="annan") == [elsewhere.pk]
    assert ids(status="collecting") == [collecting.pk]
    assert ids(kind="e_proposal") == [collecting.pk]
    assert ids(kind="proposal", organisation="jamtland") == [in_2026.pk, in_2025.pk]
    assert ids(municipality="2380") == [in_2026.pk]
    assert ids(category="Kultur") == [in_2026.pk]
    assert ids(decided_year=2026) == [in_2026.pk, elsewhere.pk]
    assert ids(status="decided", decided_year=2026, organisation="jamtland") == [in_2026.pk]
    assert ids(decided_from="2026-01-01", decided_to="2026-03-01") == [in_2026.pk]
    assert ids(published_to="2025-12-31") == [in_2025.pk]
    assert ids(published_from="2026-01-10", published_to="2026-01-10") == [
        in_2026.pk,
        elsewhere.pk,
        collecting.pk,
    ]
    assert ids(q="RS/2026-03-01") == [in_2026.pk]

    unknown = client.get(URL, {"organisation": "finns-inte"})
    assert unknown.status_code == 400
    assert unknown.json()["code"] == "api.unknown_organisation"
    assert unknown.json()["field"] == "organisation"
    for bad in ({"status": "draft"}, {"decided_year": "tjugo"}, {"decided_from": "2026-13-01"}):
        response = client.get(URL, bad)
        assert response.status_code == 400
        assert response.json()["code"] == "api.invalid_parameter"


def test_pages_follow_the_cursor(client: Client, region: Any) -> None:
    made = [make(region, "lodged", title=f"Nr {n}") for n in range(5)]
    seen: list[int] = []
    url: str | None = URL + "?limit=2"
    while url:
        data = get(client, url)
        assert len(data["items"]) <= 2
        seen += [item["id"] for item in data["items"]]
        url = data["next"]
        if url:
            assert data["next_cursor"] in url
    assert seen == [p.pk for p in made]
    bad = client.get(URL, {"cursor": "inte-en-markör"})
    assert bad.status_code == 400 and bad.json()["code"] == "api.bad_cursor"


def test_detail_with_its_timeline(client: Client, region: Any) -> None:
    proposal = decided(region, date(2026, 3, 1), events=2)
    first, second = proposal.events.order_by("created")
    correction = ProposalEvent.objects.create(
        proposal=proposal,
        action="correct",
        from_status="decided",
        to_status="decided",
        note="Fel datum skrevs in",
        changes=[{"field": "decided_on", "old": "2026-02-28", "new": "2026-03-01"}],
        corrects=second,
    )
    ProposalEvent.objects.filter(pk=correction.pk).update(created=PUBLISHED + timedelta(days=60))
    data = get(client, f"{URL}{proposal.pk}")
    timeline = data["timeline"]
    assert [e["id"] for e in timeline] == [first.pk, second.pk, correction.pk]
    assert timeline[0]["note"] == "steg 0" and timeline[0]["action"] == "publish"
    assert timeline[0]["created"].startswith("2026-01-10T10:00:00")
    assert [e["corrected"] for e in timeline] == [False, True, False]
    assert timeline[2]["corrects"] == second.pk
    assert timeline[2]["changes"] == [
        {"field": "decided_on", "old": "2026-02-28", "new": "2026-03-01"}
    ]
    assert "actor" not in timeline[0]
    for status in ("draft", "submitted", "rejected"):
        hidden = make(region, status, published=None)
        response = client.get(f"{URL}{hidden.pk}")
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert client.get(f"{URL}999999").status_code == 404
    assert client.get(f"{URL}{2**70}").status_code == 404


def test_open_case_has_its_statutory_deadline(client: Client, region: Any) -> None:
    make(region, "registered", registered_on=date(2026, 2, 1), case_number="RS/1/2026")
    item = get(client)["items"][0]
    assert item["decide_by"] == "2027-02-01"
    assert item["outcome"] is None and item["decided_on"] is None


def test_last_modified(client: Client, region: Any) -> None:
    lodged = make(region, "lodged", events=3)
    response = client.get(f"{URL}{lodged.pk}")
    assert response["Last-Modified"] == "Sat, 10 Jan 2026 12:00:00 GMT"
    again = client.get(f"{URL}{lodged.pk}", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert again.status_code == 304
    # A list has its ETag only: an item that left it would leave no date behind.
    listed = client.get(URL)
    assert "Last-Modified" not in listed
    assert client.get(URL, HTTP_IF_NONE_MATCH=listed["ETag"]).status_code == 304
    # A proposal collecting supports changes without a time of its own.
    collecting = make(region, "collecting", support_threshold=5)
    assert "Last-Modified" not in client.get(f"{URL}{collecting.pk}")


def _queries(client: Client, limit: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        data = get(client, organisation="jamtland", limit=limit)
    assert len(data["items"]) == limit
    return len(captured.captured_queries)


def test_query_count_does_not_grow_with_the_page(client: Client, region: Any) -> None:
    for n in range(8):
        decided(region, date(2026, 3, n + 1), events=3)
    make(region, "collecting", support_threshold=5, events=2)
    assert _queries(client, 2) == _queries(client, 6)


def test_the_dataset_dumps_what_the_api_shows(client: Client, region: Any) -> None:
    done = decided(region, date(2026, 3, 1), events=2)
    make(region, "draft", published=None)
    decided(OrganisationFactory(), date(2026, 4, 1))
    dataset = contributions.dataset("proposals.proposals")
    assert dataset.api_path == URL
    proposals_table, events_table = dataset.tables
    assert proposals_table.columns == PROPOSAL_COLUMNS == api.PROPOSAL_COLUMNS
    assert events_table.columns == EVENT_COLUMNS == api.EVENT_COLUMNS
    rows = list(proposals_table.rows(region))
    item = get(client, organisation="jamtland")["items"][0]
    del item["timeline"]
    assert rows == [item]
    assert all(set(row) == set(PROPOSAL_COLUMNS) for row in rows)
    events = list(events_table.rows(region))
    assert [(e["proposal_id"], e["note"]) for e in events] == [
        (done.pk, "steg 0"),
        (done.pk, "steg 1"),
    ]
    assert all(set(row) == set(EVENT_COLUMNS) for row in events)
    assert dataset.coverage(region) == (date(2026, 1, 10), date(2026, 3, 1))
    assert dataset.modified(region) == PUBLISHED + timedelta(hours=2)
    empty = OrganisationFactory()
    assert dataset.coverage(empty) == (None, None) and dataset.modified(empty) is None
    assert list(proposals_table.rows(empty)) == []


def test_openapi_describes_the_operations(client: Client) -> None:
    schema = get(client, "/api/v1/openapi.json")
    listing = schema["paths"][URL]["get"]
    assert listing["operationId"] == "proposals_list"
    assert {"200", "400", "429"} <= set(listing["responses"])
    names = {p["name"] for p in listing["parameters"]}
    assert {"organisation", "status", "kind", "decided_year", "cursor", "limit"} <= names
    detail = schema["paths"][URL + "{proposal_id}"]["get"]
    assert detail["operationId"] == "proposals_get"
    assert {"200", "404", "429"} <= set(detail["responses"])
