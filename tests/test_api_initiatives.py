"""The open-data API and dataset for folkinitiativ: /api/v1/initiatives/ (initiatives/api.py)."""

from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from delaktig.core import contributions
from delaktig.initiatives import api
from delaktig.initiatives.contributions import COLUMNS
from delaktig.initiatives.models import Initiative, Signature, SignatureList
from delaktig.initiatives.selectors import initiative_count
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/initiatives/"


def make(organisation: Any, submitted_on: date, signatures: int = 0, **fields: Any) -> Initiative:
    """An initiative with ``signatures`` valid ones in its window, plus one of each kind that
    does not count (too old, after submission, the same person again, invalid)."""
    values: dict[str, Any] = {
        "title": f"Folkomröstning {submitted_on.isoformat()}",
        "question": "Ska akuten finnas kvar?",
        "initiators": "Rädda akuten",
        "entitled_voters": 40,
        "created_by": UserFactory(),
    }
    values.update(fields)
    initiative = Initiative.objects.create(
        organisation=organisation, submitted_on=submitted_on, **values
    )
    paper = SignatureList.objects.create(
        initiative=initiative, kind="paper", label="Lista 1", received_on=submitted_on
    )
    window = date(submitted_on.year, submitted_on.month, 1)
    rows = [
        Signature(signature_list=paper, signed_on=window, identity_hash=f"hash-{n:04d}")
        for n in range(signatures)
    ]
    rows += [
        Signature(signature_list=paper, signed_on=date(2000, 1, 1), identity_hash="gammal"),
        Signature(signature_list=paper, signed_on=date(2100, 1, 1), identity_hash="sen"),
        Signature(signature_list=paper, signed_on=window, identity_hash="hash-0000"),
        Signature(
            signature_list=paper,
            signed_on=window,
            identity_hash="ogiltig",
            valid=False,
            invalid_reason="Saknar namnteckning",
        ),
    ]
    Signature.objects.bulk_create(rows)
    return initiative


@pytest.fixture
def region() -> Any:
    return OrganisationFactory(slug="jamtland")


def get(client: Client, url: str = URL, **params: Any) -> Any:
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_list_shows_the_counts_and_nothing_about_signers(client: Client, region: Any) -> None:
    reached = make(region, date(2026, 9, 15), signatures=4, case_number="KS 2026/12")
    short = make(region, date(2025, 3, 15), signatures=1)
    body = client.get(URL).content.decode()
    items = get(client)["items"]
    assert [item["id"] for item in items] == [reached.pk, short.pk]
    first = items[0]
    count = initiative_count(initiative=reached)
    assert (first["valid_signatures"], first["required_signatures"]) == (count.valid, 4)
    assert first["status"] == "reached" and items[1]["status"] == "not_reached"
    assert (
        first["too_old"],
        first["after_submission"],
        first["duplicates"],
        first["invalid"],
    ) == (1, 1, 1, 1)
    assert first["initiators"] == "Rädda akuten" and first["case_number"] == "KS 2026/12"
    assert items[1]["case_number"] is None
    assert first["organisation"] == "jamtland"
    assert first["url"].endswith(f"/{reached.pk}/")
    for secret in ("hash-0000", "gammal", "Saknar namnteckning", "Lista 1", "created_by"):
        assert secret not in body
    assert reached.created_by is not None
    assert reached.created_by.email not in body


def test_filters_and_unknown_organisation(client: Client, region: Any) -> None:
    in_2026 = make(region, date(2026, 9, 15))
    in_2025 = make(region, date(2025, 3, 15))
    elsewhere = make(OrganisationFactory(slug="annan"), date(2026, 1, 20))

    def ids(**params: Any) -> list[int]:
        return [item["id"] for item in get(client, **params)["items"]]

    assert ids(organisation="jamtland") == [in_2026.pk, in_2025.pk]
    assert ids(organisation="annan") == [elsewhere.pk]
    assert ids(submitted_year=2026) == [in_2026.pk, elsewhere.pk]
    assert ids(submitted_from="2026-02-01") == [in_2026.pk]
    assert ids(submitted_to="2025-12-31") == [in_2025.pk]
    response = client.get(URL, {"organisation": "finns-inte"})
    assert response.status_code == 400
    assert response.json()["code"] == "api.unknown_organisation"
    response = client.get(URL, {"submitted_year": "nästa"})
    assert response.status_code == 400 and response.json()["code"] == "api.invalid_parameter"


def test_pages_and_detail(client: Client, region: Any) -> None:
    made = [make(region, date(2026, 1, n + 1), signatures=n) for n in range(3)]
    first = get(client, limit=2)
    assert [item["id"] for item in first["items"]] == [made[0].pk, made[1].pk]
    second = get(client, first["next"])
    assert [item["id"] for item in second["items"]] == [made[2].pk]
    assert second["next"] is None
    detail = get(client, f"{URL}{made[2].pk}")
    assert detail == second["items"][0]
    for missing in (999999, 2**70):
        response = client.get(f"{URL}{missing}")
        assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_query_count_does_not_grow_with_the_page(client: Client, region: Any) -> None:
    for n in range(8):
        make(region, date(2026, 1, n + 1), signatures=n)

    def queries(limit: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert len(get(client, organisation="jamtland", limit=limit)["items"]) == limit
        return len(captured.captured_queries)

    assert queries(2) == queries(6)


def test_the_dataset_dumps_what_the_api_shows(client: Client, region: Any) -> None:
    make(region, date(2026, 9, 15), signatures=4)
    make(region, date(2025, 3, 15), signatures=1)
    make(OrganisationFactory(), date(2026, 1, 1))
    dataset = contributions.dataset("initiatives.initiatives")
    assert dataset.api_path == URL
    (table,) = dataset.tables
    assert table.name == "initiatives.csv" and table.columns == COLUMNS == api.COLUMNS
    assert list(table.rows(region)) == get(client, organisation="jamtland")["items"]
    assert dataset.coverage(region) == (date(2025, 3, 15), date(2026, 9, 15))
    Initiative.objects.filter(organisation=region).update(
        created=datetime(2026, 9, 16, 8, tzinfo=UTC)
    )
    assert dataset.modified(region) == datetime(2026, 9, 16, 8, tzinfo=UTC)
    empty = OrganisationFactory()
    assert dataset.coverage(empty) == (None, None) and dataset.modified(empty) is None
    assert list(table.rows(empty)) == []


def test_openapi_describes_the_operations(client: Client) -> None:
    schema = get(client, "/api/v1/openapi.json")
    listing = schema["paths"][URL]["get"]
    assert listing["operationId"] == "initiatives_list"
    assert {"200", "400", "429"} <= set(listing["responses"])
    detail = schema["paths"][URL + "{initiative_id}"]["get"]
    assert detail["operationId"] == "initiatives_get"
    assert {"200", "404", "429"} <= set(detail["responses"])
