"""The open-data API's meetings (``/api/v1/meetings/``) and the meetings dataset."""

from datetime import UTC, datetime, timedelta
from typing import Any, get_args

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from delaktig.core import contributions
from delaktig.councils.models import Council
from delaktig.meetings import api
from delaktig.meetings.models import (
    AgendaItem,
    Meeting,
    Question,
    QuestionTimeRules,
    Registration,
)
from delaktig.organisations.models import Organisation
from tests.factories import BodyFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
URL = "/api/v1/meetings/"


@pytest.fixture(autouse=True)
def _fixed_now(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


def meeting(organisation: Organisation, **kwargs: Any) -> Meeting:
    start = kwargs.pop("starts_at", datetime(2026, 4, 20, 16, 0, tzinfo=UTC))
    values: dict[str, Any] = {
        "organisation": organisation,
        "kind": "assembly",
        "title": "Regionfullmäktige",
        "starts_at": start,
        "ends_at": start + timedelta(hours=3),
        "mode": "physical",
        "location": "Regionens hus, sal A",
        "accessibility_info": "Hörslinga och ramp.",
    }
    values.update(kwargs)
    return Meeting.objects.create(**values)


def question(item: Meeting, status: str, **kwargs: Any) -> Question:
    asker = kwargs.pop("asker", None) or UserFactory()
    values: dict[str, Any] = {"asker_name": "Anna Andersson", "text": f"Fråga ({status})?"}
    if status == "answered":
        values |= {
            "answered_by": "Regionrådet Eva",
            "answer": "Svaret är **ja**.",
            "answered_at": NOW - timedelta(days=1),
        }
    if status == "declined":
        values["decline_reason"] = "Gäller ett enskilt ärende."
    values.update(kwargs)
    return Question.objects.create(meeting=item, asker=asker, status=status, **values)


@pytest.fixture
def region() -> Organisation:
    return OrganisationFactory(slug="region-jamtland")


@pytest.fixture
def full(region: Organisation) -> Meeting:
    """A published meeting with everything the page shows, and what it never shows."""
    item = meeting(
        region,
        question_time=True,
        description="Sammanträdet är öppet för alla.",
        minutes="Protokollet.",
        minutes_published_at=NOW - timedelta(days=2),
        capacity=40,
        registration_open=True,
        body=BodyFactory(organisation=region, name="Regionfullmäktige", kind="assembly"),
    )
    AgendaItem.objects.create(meeting=item, position=2, title="Budget", description="Beslut.")
    AgendaItem.objects.create(
        meeting=item, position=1, title="Upprop", document_url="https://example.se/handling.pdf"
    )
    question(item, "answered", asker=UserFactory(email="asker@example.se"))
    question(item, "accepted", asker_name="Bo Berg")
    question(item, "submitted", asker_name="Hemlig Inlämnare")
    question(item, "declined", asker_name="Avvisad Person")
    gone = UserFactory(email="gone@example.se", deleted_at=NOW - timedelta(days=1))
    question(item, "accepted", asker=gone, asker_name="Borta Person")
    Registration.objects.create(
        meeting=item,
        user=UserFactory(email="registered@example.se"),
        status="confirmed",
        interpreter="teckenspråkstolk",
        diet="glutenfri kost",
    )
    return item


def test_choices_match_the_models() -> None:
    assert set(get_args(api.MeetingKind)) == set(Meeting.Kind.values)
    assert set(get_args(api.MeetingMode)) == set(Meeting.Mode.values)


def test_detail_shows_what_the_page_shows_and_nothing_private(
    client: Client, full: Meeting
) -> None:
    response = client.get(f"{URL}{full.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Regionfullmäktige"
    assert body["organisation"] == "region-jamtland"
    assert body["url"] == settings.SITE_URL.rstrip("/") + f"/moten/{full.pk}/"
    assert body["kind"] == "assembly" and body["mode"] == "physical"
    assert body["body"] == "Regionfullmäktige" and body["body_id"] == full.body_id
    assert body["accessibility_info"] == "Hörslinga och ramp."
    assert body["minutes"] == "Protokollet."
    assert [(a["position"], a["title"]) for a in body["agenda"]] == [(1, "Upprop"), (2, "Budget")]
    assert body["agenda"][0]["document_url"] == "https://example.se/handling.pdf"
    questions = body["questions"]
    assert [q["status"] for q in questions] == ["answered", "accepted", "accepted"]
    assert [q["asker_name"] for q in questions] == [
        "Anna Andersson",
        "Bo Berg",
        "Borttagen användare",
    ]
    assert questions[0]["answer"] == "Svaret är **ja**."
    assert questions[0]["answered_by"] == "Regionrådet Eva"
    # The default rules: ten days before the meeting day, two questions a person.
    assert body["question_time"]["max_per_person"] == 2
    assert body["question_time"]["deadline"].startswith("2026-04-10T23:59:59")
    text = response.content.decode()
    for private in (
        "@example.se",
        "Hemlig Inlämnare",
        "Avvisad Person",
        "Borta Person",
        "enskilt ärende",
        "teckenspråk",
        "glutenfri",
        "registrations",
        "asker_id",
    ):
        assert private not in text


def test_question_time_rules_and_unpublished_minutes(region: Organisation) -> None:
    QuestionTimeRules.objects.create(
        organisation=region, deadline_days=3, max_per_person=1, rules_text="Var kort."
    )
    item = meeting(region, question_time=True, minutes="Utkast till protokoll.")
    plain = meeting(region, question_time=False)
    question(plain, "accepted")  # shown nowhere: the meeting holds no question time
    body = Client().get(f"{URL}{item.pk}").json()
    assert body["question_time"]["deadline"].startswith("2026-04-17T23:59:59")
    assert body["question_time"]["max_per_person"] == 1
    assert body["question_time"]["rules"] == "Var kort."
    assert body["minutes"] is None and body["minutes_published_at"] is None
    plain_body = Client().get(f"{URL}{plain.pk}").json()
    assert plain_body["question_time"] is None and plain_body["questions"] == []


def test_unpublished_and_missing_meetings_are_not_found(
    client: Client, region: Organisation
) -> None:
    hidden = meeting(region, published=False, title="Internt möte")
    assert client.get(f"{URL}{hidden.pk}").json()["code"] == "not_found"
    assert client.get(f"{URL}{hidden.pk}").status_code == 404
    assert client.get(f"{URL}999999").status_code == 404
    assert client.get(f"{URL}0").status_code == 404
    assert "Internt möte" not in client.get(URL).content.decode()


def _ids(client: Client, query: str) -> list[int]:
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def test_filters(client: Client, region: Organisation) -> None:
    other = OrganisationFactory(slug="region-annan")
    council = Council.objects.create(
        organisation=region, kind="pensionarsrad", name="Pensionärsrådet", slug="pr", mandate="-"
    )
    body = BodyFactory(organisation=region)
    assembly = meeting(region, question_time=True)
    council_meeting = meeting(
        region,
        kind="council",
        council=council,
        starts_at=datetime(2026, 5, 5, 9, 0, tzinfo=UTC),
    )
    webinar = meeting(
        region,
        kind="webinar",
        mode="digital",
        location="",
        remote_link="https://mote.example.se/1",
        body=body,
        starts_at=datetime(2026, 3, 1, 9, 0, tzinfo=UTC),
    )
    elsewhere = meeting(other)
    assert _ids(client, "") == [assembly.pk, council_meeting.pk, webinar.pk, elsewhere.pk]
    assert _ids(client, "organisation=region-jamtland") == [
        assembly.pk,
        council_meeting.pk,
        webinar.pk,
    ]
    assert _ids(client, "kind=council") == [council_meeting.pk]
    assert _ids(client, "mode=digital") == [webinar.pk]
    assert _ids(client, "council=pr") == [council_meeting.pk]
    assert _ids(client, "council=ingen") == []
    assert _ids(client, f"body={body.pk}") == [webinar.pk]
    assert _ids(client, "question_time=true") == [assembly.pk]
    assert _ids(client, "organisation=region-jamtland&from=2026-04-20") == [
        assembly.pk,
        council_meeting.pk,
    ]
    assert _ids(client, "organisation=region-jamtland&to=2026-04-20") == [assembly.pk, webinar.pk]
    assert _ids(client, "from=2026-04-21&to=2026-05-05") == [council_meeting.pk]
    # The organisation's slug must exist; a wrong value is a clear 400.
    response = client.get(f"{URL}?organisation=finns-inte")
    assert response.status_code == 400
    assert response.json()["code"] == "api.unknown_organisation"
    assert response.json()["field"] == "organisation"
    for bad in ("kind=party", "from=igår", "body=0"):
        response = client.get(f"{URL}?{bad}")
        assert response.status_code == 400, bad
        assert response.json()["code"] == "api.invalid_parameter"


def test_pages_follow_the_cursor(client: Client, region: Organisation) -> None:
    made = [meeting(region, title=f"Möte {n}") for n in range(5)]
    seen: list[int] = []
    url: str | None = f"{URL}?limit=2&organisation=region-jamtland"
    pages = 0
    while url:
        body = client.get(url).json()
        seen += [item["id"] for item in body["items"]]
        url = body["next"]
        pages += 1
    assert seen == [m.pk for m in made] and pages == 3
    # The next page keeps the filters.
    assert (
        "organisation=region-jamtland"
        in client.get(f"{URL}?limit=2&organisation=region-jamtland").json()["next"]
    )


def test_queries_do_not_grow_with_the_page(client: Client, region: Organisation) -> None:
    council = Council.objects.create(
        organisation=region, kind="ungdomsrad", name="Ungdomsrådet", slug="ur", mandate="-"
    )
    QuestionTimeRules.objects.create(organisation=region)
    for n in range(8):
        item = meeting(
            region,
            title=f"Möte {n}",
            question_time=True,
            council=council if n % 2 else None,
            body=BodyFactory(organisation=region) if n % 3 else None,
        )
        AgendaItem.objects.create(meeting=item, position=1, title="Punkt")
        AgendaItem.objects.create(meeting=item, position=2, title="Punkt två")
        question(item, "answered")
        question(item, "accepted")

    def count(limit: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{URL}?organisation=region-jamtland&limit={limit}")
        assert response.status_code == 200
        assert len(response.json()["items"]) == limit
        return len(queries)

    assert count(2) == count(6)


def test_openapi_describes_the_operations(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    operations = {
        operation["operationId"]: operation
        for path, methods in schema["paths"].items()
        if path.startswith("/api/v1/meetings/")
        for operation in methods.values()
    }
    assert set(operations) == {"meetings_list", "meetings_get"}
    assert set(operations["meetings_get"]["responses"]) >= {"200", "400", "404", "429"}
    # The output schemas keep their own names (a shared name would be overwritten).
    components = schema["components"]["schemas"]
    assert "asker_name" in components["MeetingQuestionOut"]["properties"]
    assert "position" in components["MeetingAgendaItemOut"]["properties"]
    names = {p["name"] for p in operations["meetings_list"]["parameters"]}
    assert {"organisation", "kind", "council", "body", "from", "to", "cursor", "limit"} <= names


def test_dataset_rows_are_what_the_api_shows(client: Client, full: Meeting) -> None:
    meeting(full.organisation, published=False, title="Internt möte")
    meeting(OrganisationFactory(), title="Annan regions möte")
    dataset = next(d for d in contributions.datasets() if d.key == "meetings.meetings")
    tables = {table.name: table for table in dataset.tables}
    assert set(tables) == {"meetings.csv", "agenda_items.csv", "questions.csv"}
    rows = {name: list(table.rows(full.organisation)) for name, table in tables.items()}
    for name, table in tables.items():
        assert rows[name], name
        assert all(tuple(row) == table.columns for row in rows[name]), name
    api_body = client.get(f"{URL}{full.pk}").json()
    [meeting_row] = rows["meetings.csv"]
    assert meeting_row["id"] == full.pk and meeting_row["title"] == api_body["title"]
    assert meeting_row["question_time"] is True
    assert meeting_row["question_deadline"] == api_body["question_time"]["deadline"]
    assert meeting_row["minutes"] == "Protokollet."
    assert [(r["position"], r["title"]) for r in rows["agenda_items.csv"]] == [
        (1, "Upprop"),
        (2, "Budget"),
    ]
    assert [
        {k: v for k, v in r.items() if k != "meeting_id"} for r in rows["questions.csv"]
    ] == api_body["questions"]
    dumped = repr(rows)
    for private in ("@example.se", "Hemlig Inlämnare", "Avvisad Person", "teckenspråk"):
        assert private not in dumped
    assert dataset.coverage(full.organisation) == (full.starts_at.date(), full.starts_at.date())
    # The meeting was added now (minutes two days ago, the answer yesterday).
    assert dataset.modified(full.organisation) == NOW
    empty = OrganisationFactory()
    assert dataset.coverage(empty) == (None, None) and dataset.modified(empty) is None
