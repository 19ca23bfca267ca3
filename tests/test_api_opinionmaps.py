"""The open-data API's opinion-map results (``/api/v1/opinion-maps/``) and their dataset."""

from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from delaktig.accounts.models import User
from delaktig.core import contributions
from delaktig.opinionmaps import opendata, services
from delaktig.opinionmaps.models import MapResult, OpinionMap, Participant, Statement, Vote
from tests.factories import (
    ModuleFactory,
    OrganisationFactory,
    PhaseFactory,
    ProcessFactory,
    ProfileFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
URL = "/api/v1/opinion-maps/"


@pytest.fixture(autouse=True)
def _fixed_now(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


def _map(status: str = "open", results_public: bool = True, **process: Any) -> OpinionMap:
    module = ModuleFactory(
        process=ProcessFactory(status=status, **process), kind="opinionmap", title="Bussarna"
    )
    PhaseFactory(module=module, process=module.process, phase_type="voting")
    return OpinionMap.objects.create(
        module=module, topic="Hur ska bussarna gå?", results_public=results_public
    )


def _statements(opinion_map: OpinionMap, texts: list[str], **fields: Any) -> list[Statement]:
    start = opinion_map.statements.count()
    values = {"status": "published", "is_seed": True, **fields}
    return [
        Statement.objects.create(map=opinion_map, number=start + i + 1, text=text, **values)
        for i, text in enumerate(texts)
    ]


def _computed_map(**kwargs: Any) -> tuple[OpinionMap, list[Statement], list[User]]:
    """A map with two clear groups of twelve, computed by the real maths."""
    opinion_map = _map(**kwargs)
    statements = _statements(opinion_map, [f"Påstående nummer {i}" for i in range(10)])
    users = [UserFactory() for _ in range(24)]
    for n, user in enumerate(users):
        participant = Participant.objects.create(map=opinion_map, number=n + 1, user=user)
        for j, statement in enumerate(statements):
            agree = (j % 2 == 0) == (n % 2 == 0)
            if j == n % 9 and n > 1:
                agree = not agree
            value = 1 if agree or j == 9 else -1
            Vote.objects.create(
                participant=participant, statement=statement, value=value, created=NOW, updated=NOW
            )
    services.map_recompute(opinion_map_id=opinion_map.pk)
    return opinion_map, statements, users


def _small_result(opinion_map: OpinionMap) -> MapResult:
    """A stored result in the maths' format, without running the maths (for many maps)."""
    one, two = _statements(opinion_map, ["Fler bänkar", "Mer ljus"])
    stats = {
        str(one.pk): {"all": [2, 1, 3], "groups": [[2, 1, 3]]},
        str(two.pk): {"all": [3, 0, 3], "groups": [[3, 0, 3]]},
    }
    data = {
        "labels": [0, 0, 0],
        "participants": [1, 2, 3],
        "statement_ids": [one.pk, two.pk],
        "statements": stats,
        "repness": [[{"statement": one.pk, "direction": "agree"}]],
        "consensus": [{"statement": two.pk, "direction": "agree"}],
    }
    return MapResult.objects.create(
        map=opinion_map,
        computed_at=NOW,
        version=0,
        n_participants=3,
        n_grouped=3,
        n_statements=2,
        n_votes=6,
        k=1,
        seconds=0.1,
        data=data,
    )


def _get(client: Client, url: str, **params: Any) -> Any:
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_result_is_shown_as_on_the_results_page(client: Client) -> None:
    opinion_map, statements, users = _computed_map()
    for user in users[:6]:
        ProfileFactory(user=user)  # demographics the API never shows
    _statements(opinion_map, ["Väntar på granskning"], status="pending", is_seed=False)
    rejected = statements[3]
    Statement.objects.filter(pk=rejected.pk).update(status="rejected", rejection_reason="Spam")

    data = _get(client, f"{URL}{opinion_map.pk}")

    assert data["process"] == opinion_map.module.process.slug
    assert data["url"].endswith(f"/{opinion_map.module_id}/resultat/")
    assert data["topic"] == "Hur ska bussarna gå?" and data["title"] == "Bussarna"
    assert data["participants"] == 24 and data["grouped"] == 24 and data["votes_count"] == 240
    assert [(g["letter"], g["size"], g["percent"]) for g in data["groups"]] == [
        ("A", 12, 50),
        ("B", 12, 50),
    ]
    numbers = [s["number"] for s in data["statements"]]
    assert numbers == [1, 2, 3, 5, 6, 7, 8, 9, 10]  # not the rejected 4, not the pending 11
    shown = {s["id"] for s in data["statements"]}
    for group in data["groups"]:
        assert {r["statement_id"] for r in group["representative"]} <= shown
    assert {c["statement_id"] for c in data["consensus"]} <= shown
    last = next(s for s in data["statements"] if s["number"] == 10)
    assert last["consensus"] == "agree"
    assert last["votes"] == {"agree": 24, "disagree": 0, "passed": 0, "total": 24}
    assert statements[9].pk in {c["statement_id"] for c in data["consensus"]}
    for statement in data["statements"]:
        votes = statement["votes"]
        assert votes["agree"] + votes["disagree"] + votes["passed"] == votes["total"]
        assert len(statement["groups"]) == 2

    raw = client.get(f"{URL}{opinion_map.pk}").content.decode()
    assert "Spam" not in raw and "Väntar på granskning" not in raw
    assert not any(user.email in raw or user.display_name in raw for user in users)
    for leak in ('"labels"', '"participants": [', '"x"', "birth", "kvinna", "Åldersgrupp"):
        assert leak not in raw


def test_only_results_the_public_page_shows_are_listed(client: Client) -> None:
    shown_open = _map(status="open", results_public=True)
    hidden_open = _map(status="open", results_public=False)
    shown_closed = _map(status="closed", results_public=False)
    draft = _map(status="draft", results_public=True)
    not_computed = _map(status="open", results_public=True)
    for opinion_map in (shown_open, hidden_open, shown_closed, draft):
        _small_result(opinion_map)
    _statements(not_computed, ["Inget resultat än"])

    listed = [item["id"] for item in _get(client, URL)["items"]]
    assert listed == [shown_open.pk, shown_closed.pk]
    for opinion_map in (hidden_open, draft, not_computed):
        response = client.get(f"{URL}{opinion_map.pk}")
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert client.get(f"{URL}0").status_code == 400
    assert client.get(f"{URL}99999999999999999999").status_code == 400
    assert client.get(f"{URL}987654").status_code == 404


def test_filters_and_pages(client: Client) -> None:
    organisation = OrganisationFactory()
    mine = [_map(organisation=organisation) for _ in range(3)]
    other = _map()
    for opinion_map in (*mine, other):
        _small_result(opinion_map)

    first = _get(client, URL, organisation=organisation.slug, limit=2)
    assert [item["id"] for item in first["items"]] == [m.pk for m in mine[:2]]
    rest = _get(client, URL, organisation=organisation.slug, limit=2, cursor=first["next_cursor"])
    assert [item["id"] for item in rest["items"]] == [mine[2].pk] and rest["next"] is None
    by_process = _get(client, URL, process=other.module.process.slug)
    assert [item["id"] for item in by_process["items"]] == [other.pk]
    unknown = client.get(URL, {"organisation": "finns-inte"})
    assert unknown.status_code == 400 and unknown.json()["code"] == "api.unknown_organisation"


def test_conditional_get_by_etag_and_no_last_modified(client: Client) -> None:
    # A statement rejected after the computation leaves the map without a date of its own,
    # so the map has its ETag only.
    opinion_map = _map()
    _small_result(opinion_map)
    response = client.get(f"{URL}{opinion_map.pk}")
    assert "Last-Modified" not in response
    again = client.get(f"{URL}{opinion_map.pk}", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_query_count_does_not_grow_with_the_page_size(client: Client) -> None:
    for _ in range(8):
        _small_result(_map())

    def count(limit: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            data = _get(client, URL, limit=limit)
        assert len(data["items"]) == limit
        return len(queries.captured_queries)

    assert count(2) == count(6)


def test_the_dataset_dumps_what_the_api_shows(client: Client) -> None:
    organisation = OrganisationFactory()
    opinion_map = _map(organisation=organisation)
    _small_result(opinion_map)
    hidden = _map(organisation=organisation, results_public=False)
    _small_result(hidden)
    _small_result(_map())  # another organisation's

    dataset = next(d for d in contributions.datasets() if d.key == "opinionmaps.results")
    assert dataset is opendata.DATASET and dataset.api_path == "/api/v1/opinion-maps/"
    tables = {table.name: table for table in dataset.tables}
    rows = {name: list(table.rows(organisation)) for name, table in tables.items()}
    for name, table in tables.items():
        for row in rows[name]:
            assert tuple(row) == table.columns, name

    shown = _get(client, f"{URL}{opinion_map.pk}")
    assert [r["id"] for r in rows["maps.csv"]] == [opinion_map.pk]
    assert rows["maps.csv"][0]["topic"] == shown["topic"] and rows["maps.csv"][0]["groups"] == 1
    assert [r["text"] for r in rows["statements.csv"]] == ["Fler bänkar", "Mer ljus"]
    assert rows["statements.csv"][0]["passed"] == 0 and rows["statements.csv"][1]["agree"] == 3
    assert rows["groups.csv"] == [
        {"map_id": opinion_map.pk, "letter": "A", "size": 3, "percent": 100}
    ]
    assert [r["representative"] for r in rows["group_votes.csv"]] == ["agree", ""]
    assert [r["direction"] for r in rows["consensus.csv"]] == ["agree"]

    assert dataset.coverage(organisation) == (NOW.date(), NOW.date())
    assert dataset.modified(organisation) == NOW
    assert dataset.modified(OrganisationFactory()) is None


def test_the_openapi_document_describes_the_operations(client: Client) -> None:
    document = _get(client, "/api/v1/openapi.json")
    list_op = document["paths"]["/api/v1/opinion-maps/"]["get"]
    get_op = document["paths"]["/api/v1/opinion-maps/{map_id}"]["get"]
    assert list_op["operationId"] == "opinion_maps_list"
    assert get_op["operationId"] == "opinion_maps_get"
    assert {"200", "400", "429"} <= set(list_op["responses"])
    assert {"200", "400", "404", "429"} <= set(get_op["responses"])
