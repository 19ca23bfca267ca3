"""The open-data API's councils (``/api/v1/councils/``), referrals (``/api/v1/referrals/``)
and the councils dataset."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, get_args

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date

from delaktig.core import contributions
from delaktig.councils import api
from delaktig.councils.models import (
    Attendance,
    CompensationModel,
    Council,
    Membership,
    Referral,
    ReferralResponse,
)
from delaktig.meetings.models import Meeting
from delaktig.organisations.models import Organisation
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 10)
COUNCILS = "/api/v1/councils/"
REFERRALS = "/api/v1/referrals/"


@pytest.fixture(autouse=True)
def _fixed_now(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


def council(organisation: Organisation, slug: str, **kwargs: Any) -> Council:
    values: dict[str, Any] = {
        "kind": "pensionarsrad",
        "name": f"Rådet {slug}",
        "mandate": "Rådet yttrar sig om **äldres** villkor.",
    }
    values.update(kwargs)
    return Council.objects.create(organisation=organisation, slug=slug, **values)


def seat(item: Council, name: str, *, start: date, end: date, **kwargs: Any) -> Membership:
    return Membership.objects.create(
        council=item, name=name, term_start=start, term_end=end, **kwargs
    )


def referral(organisation: Organisation, councils: list[Council], **kwargs: Any) -> Referral:
    values: dict[str, Any] = {
        "title": "Färdtjänst i hela länet",
        "question": "Vad tycker rådet om förslaget?",
        "body": "Underlaget.",
        "deadline": TODAY + timedelta(days=14),
    }
    values.update(kwargs)
    made = Referral.objects.create(organisation=organisation, **values)
    made.councils.set(councils)
    return made


@pytest.fixture
def region() -> Organisation:
    return OrganisationFactory(slug="region-jamtland")


@pytest.fixture
def setup(region: Organisation) -> Any:
    """A council with current, former and future members, compensation and attendance
    records, and a referral with a joint answer, an individual view and the feedback."""
    pr = council(region, "pr", secretary=UserFactory(email="sekreterare@example.se"))
    term = {"start": TODAY - timedelta(days=365), "end": TODAY + timedelta(days=365)}
    chair_user = UserFactory(email="chair@example.se", display_name="Ordförande Olsson")
    chair = seat(pr, "Olle Olsson", user=chair_user, role="ordforande", nominated_by="PRO", **term)
    member_user = UserFactory(email="member@example.se", display_name="Lisa L")
    seat(pr, "Lisa Larsson", user=member_user, nominated_by="SPF Seniorerna", **term)
    gone = UserFactory(email="gone@example.se", deleted_at=NOW - timedelta(days=3))
    seat(pr, "Borta Bengtsson", user=gone, **term)
    seat(pr, "Förre Fredriksson", start=date(2020, 1, 1), end=date(2023, 12, 31))
    seat(pr, "Blivande Berg", start=TODAY + timedelta(days=1), end=date(2030, 1, 1))
    CompensationModel.objects.create(
        organisation=region, fee=Decimal("812.50"), lost_earnings_cap_per_half_day=Decimal("1234")
    )
    meeting = Meeting.objects.create(
        organisation=region,
        council=pr,
        kind="council",
        title="Rådsmöte",
        starts_at=NOW - timedelta(days=5),
        ends_at=NOW - timedelta(days=5) + timedelta(hours=2),
    )
    Attendance.objects.create(
        meeting=meeting, membership=chair, present=True, lost_earnings=Decimal("987.65")
    )
    ur = council(region, "ur", kind="ungdomsrad", name="Ungdomsrådet", mandate="Unga.")
    sent = referral(region, [pr, ur], how_used="Förslaget ändrades.", how_used_at=NOW)
    ReferralResponse.objects.create(
        referral=sent, council=pr, author=chair_user, kind="joint", text="Rådets svar."
    )
    ReferralResponse.objects.create(
        referral=sent, council=pr, author=member_user, kind="individual", text="Min synpunkt."
    )
    return pr, ur, sent


def test_choices_match_the_models() -> None:
    assert set(get_args(api.CouncilKind)) == set(Council.Kind.values)
    assert set(get_args(api.CouncilMinority)) == set(Council.Minority.values)


def test_council_shows_its_current_members_and_nothing_private(client: Client, setup: Any) -> None:
    pr, _ur, _sent = setup
    response = client.get(f"{COUNCILS}pr")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Rådet pr" and body["kind"] == "pensionarsrad"
    assert body["organisation"] == "region-jamtland"
    assert body["url"] == settings.SITE_URL.rstrip("/") + pr.get_absolute_url()
    assert body["mandate"] == "Rådet yttrar sig om **äldres** villkor."
    assert [(m["name"], m["role"], m["nominated_by"]) for m in body["members"]] == [
        ("Borttagen användare", "ledamot", ""),
        ("Lisa Larsson", "ledamot", "SPF Seniorerna"),
        ("Olle Olsson", "ordforande", "PRO"),
    ]
    assert body["members"][2]["term_end"] == "2027-03-10"
    text = response.content.decode()
    for private in (
        "@example.se",
        "Borta Bengtsson",
        "Förre",
        "Blivande",
        "812",
        "1234",
        "987",
        "secretary",
        "compensation",
        "attendance",
    ):
        assert private not in text


def test_referral_shows_answers_and_feedback(client: Client, setup: Any) -> None:
    _pr, _ur, sent = setup
    response = client.get(f"{REFERRALS}{sent.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Färdtjänst i hela länet"
    assert body["question"] == "Vad tycker rådet om förslaget?"
    assert body["deadline"] == "2026-03-24"
    assert [c["slug"] for c in body["councils"]] == ["pr", "ur"]
    assert [(a["council"], a["kind"], a["author_name"], a["text"]) for a in body["answers"]] == [
        ("pr", "joint", "Ordförande Olsson", "Rådets svar."),
        ("pr", "individual", "Lisa L", "Min synpunkt."),
    ]
    assert body["how_used"] == "Förslaget ändrades."
    assert "@example.se" not in response.content.decode()
    assert "author_id" not in response.content.decode()
    # A referral changes only when sent, answered or given feedback: Last-Modified says when.
    assert response["Last-Modified"] == http_date(NOW.timestamp())


def test_missing_things_are_not_found(client: Client, setup: Any) -> None:
    for url in (f"{COUNCILS}finns-inte", f"{REFERRALS}999999", f"{REFERRALS}0"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"


def _ids(client: Client, url: str) -> list[Any]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return [item.get("slug", item["id"]) for item in response.json()["items"]]


def test_council_filters(client: Client, setup: Any) -> None:
    other = OrganisationFactory(slug="region-annan")
    council(other, "sv", kind="minoritetssamrad", minority="sverigefinnar")
    assert _ids(client, COUNCILS) == ["pr", "ur", "sv"]
    assert _ids(client, f"{COUNCILS}?organisation=region-jamtland") == ["pr", "ur"]
    assert _ids(client, f"{COUNCILS}?kind=ungdomsrad") == ["ur"]
    assert _ids(client, f"{COUNCILS}?minority=sverigefinnar") == ["sv"]
    response = client.get(f"{COUNCILS}?organisation=finns-inte")
    assert response.status_code == 400
    assert response.json()["code"] == "api.unknown_organisation"
    assert client.get(f"{COUNCILS}?kind=parti").json()["code"] == "api.invalid_parameter"


def test_referral_filters(client: Client, region: Organisation, setup: Any) -> None:
    pr, ur, sent = setup
    only_ur = referral(region, [ur], deadline=TODAY + timedelta(days=40))
    other = OrganisationFactory(slug="region-annan")
    elsewhere = referral(other, [council(other, "annat", kind="annat")])
    assert _ids(client, REFERRALS) == [sent.pk, only_ur.pk, elsewhere.pk]
    assert _ids(client, f"{REFERRALS}?organisation=region-jamtland") == [sent.pk, only_ur.pk]
    assert _ids(client, f"{REFERRALS}?council=ur") == [sent.pk, only_ur.pk]
    assert _ids(client, f"{REFERRALS}?council=pr") == [sent.pk]
    assert _ids(client, f"{REFERRALS}?deadline_from=2026-04-01") == [only_ur.pk]
    assert _ids(client, f"{REFERRALS}?deadline_to=2026-03-24") == [sent.pk, elsewhere.pk]
    assert _ids(client, f"{REFERRALS}?feedback=true") == [sent.pk]
    assert _ids(client, f"{REFERRALS}?feedback=false") == [only_ur.pk, elsewhere.pk]
    response = client.get(f"{REFERRALS}?organisation=finns-inte")
    assert response.status_code == 400
    assert response.json()["field"] == "organisation"
    assert client.get(f"{REFERRALS}?deadline_from=igår").status_code == 400


def test_pages_follow_the_cursor(client: Client, region: Organisation) -> None:
    made = [council(region, f"rad-{n}") for n in range(5)]
    seen: list[str] = []
    url: str | None = f"{COUNCILS}?limit=2&organisation=region-jamtland"
    while url:
        body = client.get(url).json()
        seen += [item["slug"] for item in body["items"]]
        url = body["next"]
    assert seen == [c.slug for c in made]
    sent = [referral(region, made[:2]) for _ in range(3)]
    first = client.get(f"{REFERRALS}?limit=2").json()
    second = client.get(f"{REFERRALS}?limit=2&cursor={first['next_cursor']}").json()
    assert [r["id"] for r in first["items"] + second["items"]] == [r.pk for r in sent]
    assert second["next"] is None


def test_queries_do_not_grow_with_the_page(client: Client, region: Organisation) -> None:
    for n in range(8):
        item = council(region, f"rad-{n}")
        for m in range(2):
            user = UserFactory()
            seat(item, f"Ledamot {m}", user=user, start=date(2025, 1, 1), end=date(2027, 1, 1))
        sent = referral(region, [item])
        ReferralResponse.objects.create(
            referral=sent, council=item, author=user, kind="joint", text="Svar."
        )

    def count(url: str, limit: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{url}?organisation=region-jamtland&limit={limit}")
        assert response.status_code == 200
        assert len(response.json()["items"]) == limit
        return len(queries)

    assert count(COUNCILS, 2) == count(COUNCILS, 6)
    assert count(REFERRALS, 2) == count(REFERRALS, 6)


def test_openapi_describes_the_operations(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    operations = {
        operation["operationId"]: operation
        for path, methods in schema["paths"].items()
        if path.startswith(("/api/v1/councils/", "/api/v1/referrals/"))
        for operation in methods.values()
    }
    assert set(operations) == {"councils_list", "councils_get", "referrals_list", "referrals_get"}
    # The output schemas keep their own names (a shared name would be overwritten).
    components = schema["components"]["schemas"]
    assert "author_name" in components["ReferralAnswerOut"]["properties"]
    assert "nominated_by" in components["CouncilMemberOut"]["properties"]
    for operation in operations.values():
        assert operation["summary"]
        assert {"200", "400", "429"} <= set(operation["responses"])


def test_dataset_rows_are_what_the_api_shows(
    client: Client, region: Organisation, setup: Any
) -> None:
    _pr, _ur, sent = setup
    referral(OrganisationFactory(), [], title="Annan regions remiss")
    dataset = next(d for d in contributions.datasets() if d.key == "councils.councils")
    tables = {table.name: table for table in dataset.tables}
    assert set(tables) == {"councils.csv", "members.csv", "referrals.csv", "answers.csv"}
    rows = {name: list(table.rows(region)) for name, table in tables.items()}
    for name, table in tables.items():
        assert rows[name], name
        assert all(tuple(row) == table.columns for row in rows[name]), name
    council_body = client.get(f"{COUNCILS}pr").json()
    assert rows["councils.csv"][0] == {k: v for k, v in council_body.items() if k != "members"}
    assert [
        {k: v for k, v in row.items() if k != "council"}
        for row in rows["members.csv"]
        if row["council"] == "pr"
    ] == council_body["members"]
    referral_body = client.get(f"{REFERRALS}{sent.pk}").json()
    [referral_row] = rows["referrals.csv"]
    assert referral_row["title"] == referral_body["title"]
    assert referral_row["councils"] == "pr ur"
    assert [
        {k: v for k, v in row.items() if k != "referral_id"} for row in rows["answers.csv"]
    ] == referral_body["answers"]
    dumped = repr(rows)
    for private in ("@example.se", "Borta Bengtsson", "Förre", "812", "987"):
        assert private not in dumped
    assert dataset.coverage(region) == (TODAY, TODAY + timedelta(days=14))
    assert dataset.modified(region) == NOW
    empty = OrganisationFactory()
    assert dataset.coverage(empty) == (None, None) and dataset.modified(empty) is None
