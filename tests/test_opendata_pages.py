"""The open-data page, the API documentation page and the footer link to them (issue 21)."""

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from delaktig.core import contributions
from delaktig.core.contributions import DumpTable, OpenDataset
from delaktig.opendata import views
from delaktig.opendata.api import openapi_schema
from delaktig.opendata.catalogue import Entry
from delaktig.opendata.links import footer_links
from delaktig.opendata.models import Dump
from delaktig.organisations.models import Organisation, OrganisationSettings
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

MADE = datetime(2026, 3, 4, 2, 30, tzinfo=UTC)


def _dataset(n: int) -> OpenDataset:
    return OpenDataset(
        key=f"test.things{n}",
        title=f"Saker {n}",
        description=f"Beskrivning av saker {n}.",
        api_path=f"/api/v1/things{n}/",
        tables=(DumpTable(name="things.csv", columns=("id",), rows=lambda org: []),),
        coverage=lambda org: (None, None),
        modified=lambda org: None,
    )


@pytest.fixture
def datasets(monkeypatch: pytest.MonkeyPatch) -> list[OpenDataset]:
    """Two datasets of our own, whatever the apps register."""
    chosen = [_dataset(1), _dataset(2)]
    monkeypatch.setattr(contributions, "datasets", lambda: list(chosen))
    return chosen


def _region() -> Organisation:
    region = OrganisationFactory(name="Region Jämtland Härjedalen", slug="region-jh", scb_code="23")
    OrganisationSettings.objects.create(organisation=region, open_data_licence="cc0-1.0")
    return region


def _dump(organisation: Organisation, key: str) -> Dump:
    return Dump.objects.create(
        organisation=organisation,
        dataset=key,
        file=f"oppna-data/{organisation.slug}-{key}.zip",
        size=1_234_567,
        sha256="0" * 64,
        rows={"things.csv": 3},
        made_at=MADE,
    )


def test_the_open_data_page_lists_datasets_licences_and_dumps_per_organisation(
    client: Client, datasets: list[OpenDataset]
) -> None:
    region = _region()
    municipality = OrganisationFactory(
        name="Östersunds kommun", slug="ostersund", kind="municipality", scb_code="2380"
    )
    _dump(region, "test.things1")
    response = client.get(reverse("opendata:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Öppna data</h1>" in html
    for dataset in datasets:
        assert dataset.title in html
        assert str(dataset.description) in html
    # The region (CC0, chosen) first, then the municipality (CC BY, the default).
    assert html.index("Region Jämtland Härjedalen") < html.index("Östersunds kommun")
    assert "http://creativecommons.org/publicdomain/zero/1.0/" in html
    assert "http://creativecommons.org/licenses/by/4.0/" in html
    assert "http://testserver/api/v1/things1/?organisation=region-jh" in html
    assert "http://testserver/api/v1/things2/?organisation=ostersund" in html
    dump_url = reverse("opendata:dump", args=["region-jh", "test.things1"])
    assert f'href="{dump_url}"' in html
    assert "Saker 1 som ZIP (1,2\xa0MB)</a>, skapad 4 mars 2026" in html
    assert html.count("Ingen nedladdning: den görs natten") == 3
    # Each row is the landing page the catalogue gives the dataset.
    entry = Entry(
        organisation=municipality,
        dataset=datasets[1],
        modified=MADE,
        coverage=(date(2026, 1, 1), None),
        licence="",
        dump=None,
    )
    assert f'id="{entry.anchor}"' in html
    for name in (
        "opendata:api_docs",
        "opendata:catalogue_turtle",
        "opendata:catalogue_jsonld",
        "opendata:catalogue_rdfxml",
    ):
        assert f'href="{reverse(name)}"' in html
    assert "http://testserver/api/v1/openapi.json" in html
    assert "http://testserver/.well-known/dcat" in html
    # Kom igång: the journalist's request, with this site's address and a real organisation.
    assert (
        "curl 'http://testserver/api/v1/proposals/"
        "?status=decided&amp;decided_year=2026&amp;organisation=region-jh'" in html
    )
    assert "Retry-After" in html and "If-None-Match" in html and "600 anrop per 60" in html
    assert "Personuppgifter" in html


def test_the_open_data_page_without_organisations_or_datasets(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(contributions, "datasets", lambda: [])
    html = client.get(reverse("opendata:index")).content.decode()
    assert "Inga datamängder är publicerade ännu." in html
    assert "Inga organisationer finns på webbplatsen ännu." in html


def test_the_open_data_page_costs_the_same_however_many_organisations_and_datasets(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    region = _region()
    monkeypatch.setattr(contributions, "datasets", lambda: [_dataset(1)])
    client.get(reverse("opendata:index"))  # warm what is cached per process
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("opendata:index")).status_code == 200
    many = [_dataset(n) for n in range(1, 7)]
    monkeypatch.setattr(contributions, "datasets", lambda: list(many))
    for n in range(4):
        organisation = OrganisationFactory(
            slug=f"kommun-{n}", kind="municipality", scb_code=f"238{n}"
        )
        OrganisationSettings.objects.create(organisation=organisation)
        _dump(organisation, "test.things3")
    _dump(region, "test.things1")
    with CaptureQueriesContext(connection) as more:
        assert client.get(reverse("opendata:index")).status_code == 200
    assert len(more) == len(few), [q["sql"] for q in more.captured_queries]


def test_each_organisation_has_a_page_of_its_datasets(
    client: Client, datasets: list[OpenDataset]
) -> None:
    """The landing page the catalogue gives a dataset: the organisation's licence, and each
    dataset's API address and latest dump in a row of its own (``id``)."""
    region = _region()
    OrganisationFactory(
        name="Östersunds kommun", slug="ostersund", kind="municipality", scb_code="2380"
    )
    _dump(region, "test.things1")
    url = reverse("opendata:organisation", args=["region-jh"])
    assert url == "/oppna-data/organisationer/region-jh/"
    html = client.get(url).content.decode()
    assert "<h1" in html and "Öppna data från Region Jämtland Härjedalen</h1>" in html
    assert "http://creativecommons.org/publicdomain/zero/1.0/" in html
    assert 'id="region-jh-test-things1"' in html and 'id="region-jh-test-things2"' in html
    assert "http://testserver/api/v1/things2/?organisation=region-jh" in html
    assert f'href="{reverse("opendata:dump", args=["region-jh", "test.things1"])}"' in html
    assert html.count("Ingen nedladdning: den görs natten") == 1
    assert "Östersunds kommun" not in html
    assert client.get(reverse("opendata:organisation", args=["okand"])).status_code == 404


def test_with_many_organisations_the_page_lists_them_and_links_each_ones_page(
    client: Client, datasets: list[OpenDataset], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A national installation's 311 organisations are listed with their licences, not
    4,000 rows of datasets; each organisation's datasets are on its own page."""
    region = _region()
    OrganisationFactory(
        name="Östersunds kommun", slug="ostersund", kind="municipality", scb_code="2380"
    )
    _dump(region, "test.things1")
    monkeypatch.setattr(views, "INLINE_ORGANISATIONS", 1)
    html = client.get(reverse("opendata:index")).content.decode()
    for slug, name in (("region-jh", "Region Jämtland Härjedalen"), ("ostersund", "Östersunds")):
        assert f'<a href="/oppna-data/organisationer/{slug}/">{name}' in html
        assert f'<tr id="org-{slug}">' in html
    assert html.index("Region Jämtland Härjedalen") < html.index("Östersunds kommun")
    assert "http://creativecommons.org/publicdomain/zero/1.0/" in html
    assert "?organisation=region-jh" not in html.split('id="get-started"')[0]
    assert "som ZIP" not in html and "Ingen nedladdning" not in html
    # What every dataset is, and how to start, stay on the page.
    assert "Saker 2" in html and "curl 'http://testserver/api/v1/proposals/" in html
    # The list costs the same however many organisations there are.
    client.get(reverse("opendata:index"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("opendata:index"))
    for n in range(5):
        OrganisationSettings.objects.create(
            organisation=OrganisationFactory(
                slug=f"kommun-{n}", kind="municipality", scb_code=f"240{n}"
            )
        )
    with CaptureQueriesContext(connection) as more:
        assert 'id="org-kommun-4"' in client.get(reverse("opendata:index")).content.decode()
    assert len(more) == len(few), [q["sql"] for q in more.captured_queries]


def test_the_docs_page_shows_every_operation_of_the_schema(client: Client) -> None:
    response = client.get(reverse("opendata:api_docs"))
    assert response.status_code == 200
    html = response.content.decode()
    schema = openapi_schema()
    operations = [
        (path, operation)
        for path, methods in schema["paths"].items()
        for operation in methods.values()
    ]
    assert operations
    for path, operation in operations:
        assert f'id="op-{operation["operationId"]}"' in html, operation["operationId"]
        assert f'href="#op-{operation["operationId"]}"' in html  # in the table of contents
        assert f"GET {escape(path)}</code>" in html
        assert escape(operation["summary"]) in html
    for tag in {operation["tags"][0] for _path, operation in operations}:
        assert f'id="tag-{tag}"' in html
    # The organisations endpoint: its parameters, its fields and the nested type.
    assert "From <code>next_cursor</code> of the page before." in html
    assert "<li>standard: <code>50</code></li>" in html and "<li>högst 500</li>" in html
    assert 'href="#schema-OrganisationOut"' in html and 'id="schema-OrganisationOut"' in html
    assert 'href="#schema-MunicipalityOut"' in html and 'id="schema-MunicipalityOut"' in html
    # Every type a link points at is on the page, once.
    for anchor in set(re.findall(r'href="#(schema-[^"]+)"', html)):
        assert html.count(f'id="{anchor}"') == 1, anchor
    assert "curl 'http://testserver/api/v1/organisations/&lt;slug&gt;'" in html
    for code in ("api.invalid_parameter", "api.bad_cursor", "not_found", "api.rate_limited"):
        assert f"<code>{code}</code>" in html
    assert "http://testserver/api/v1/openapi.json" in html
    assert "<script" not in html.split('<main id="main"', 1)[1]
    # Every table scrolls in a labelled, focusable region with a caption.
    assert html.count('role="region"') == html.count("<table") == html.count("<caption")
    assert html.count('role="region"') == html.count('tabindex="0"')


def test_the_docs_page_reads_the_schema_once_per_process(client: Client) -> None:
    assert views.reference() is views.reference()
    client.get(reverse("opendata:api_docs"))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("opendata:api_docs"))
    # Only what every page asks (the site's organisation and links), nothing per operation.
    assert len(queries) <= 3, [q["sql"] for q in queries.captured_queries]


SCHEMA: dict[str, Any] = {
    "info": {"version": "1", "description": "Read *only*."},
    "paths": {
        "/api/v1/things/": {
            "get": {
                "operationId": "things_list",
                "summary": "Things",
                "description": "All the `things`.",
                "tags": ["things"],
                "parameters": [
                    {
                        "in": "query",
                        "name": "limit",
                        "required": False,
                        "description": "Items per page.",
                        "schema": {"type": "integer", "default": 50, "minimum": 1, "maximum": 500},
                    },
                    {
                        "in": "query",
                        "name": "organisation",
                        "required": False,
                        "schema": {
                            "anyOf": [{"type": "string", "maxLength": 50}, {"type": "null"}]
                        },
                    },
                    {
                        "in": "query",
                        "name": "status",
                        "required": True,
                        "schema": {"$ref": "#/components/schemas/Status"},
                    },
                ],
                "responses": {
                    "200": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Page"}}
                        }
                    },
                    "400": {},
                    "429": {},
                },
            }
        },
        "/api/v1/things/{id}": {
            "get": {
                "operationId": "things_get",
                "tags": ["things"],
                "parameters": [
                    {"in": "path", "name": "id", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": {
                    "200": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}
                        }
                    },
                    "404": {},
                },
            }
        },
    },
    "components": {
        "schemas": {
            "Status": {"type": "string", "enum": ["open", "closed"]},
            "Page": {
                "properties": {
                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}},
                    "next": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                    "next_cursor": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                }
            },
            "Thing": {
                "properties": {
                    "id": {"type": "integer"},
                    "decided": {"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]},
                    "parts": {"type": "array", "items": {"$ref": "#/components/schemas/Part"}},
                    "status": {"$ref": "#/components/schemas/Status"},
                },
                "required": ["id", "parts"],
            },
            "Part": {
                "description": "A part.",
                "properties": {"owner": {"$ref": "#/components/schemas/Owner"}},
            },
            "Owner": {"properties": {"name": {"type": "string", "description": "Published."}}},
        }
    },
}


def test_the_reference_reads_types_limits_nesting_and_examples(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(views.api, "openapi_schema", lambda: SCHEMA)
    views.reference.cache_clear()
    try:
        reference = views.reference()
    finally:
        views.reference.cache_clear()
    assert "<em>only</em>" in reference.description
    (section,) = reference.sections
    assert (section.tag, section.anchor, section.path) == (
        "things",
        "tag-things",
        "/api/v1/things/",
    )
    listing, detail = section.operations
    assert listing.paged and listing.response == "Thing"
    assert listing.response_anchor == "schema-Thing"
    assert "<code>things</code>" in listing.description
    limit, organisation, status = listing.parameters
    assert (limit.type, limit.default, limit.minimum, limit.maximum) == (
        "integer",
        "50",
        "1",
        "500",
    )
    assert limit.description == "Items per page." and not limit.required
    assert (organisation.type, organisation.max_length) == ("string | null", "50")
    assert status.required and status.choices == ("open", "closed")
    assert listing.example == "/api/v1/things/?organisation=<organisation>&status=<status>"
    assert [(e.status, e.codes) for e in listing.errors] == [
        ("400", ("api.invalid_parameter", "api.unknown_organisation")),
        ("429", ("api.rate_limited",)),
    ]
    fields = {row.name: row for row in listing.fields}
    assert fields["decided"].type == "string (date) | null" and not fields["decided"].required
    assert fields["parts"].type == "array[Part]" and fields["parts"].type_anchor == "schema-Part"
    assert fields["status"].choices == ("open", "closed")
    assert not detail.paged and detail.response == "Thing" and detail.summary == ""
    # Thing's fields are shown once, with the list; the detail links to them.
    assert detail.response_anchor == "schema-Thing" and detail.fields == ()
    assert detail.example == "/api/v1/things/<id>"
    assert [(e.status, e.codes) for e in detail.errors] == [("404", ("not_found",))]
    # The nested types are listed once each at the end; the page wrapper and Thing not.
    assert [schema.name for schema in reference.schemas] == ["Owner", "Part"]
    assert reference.schemas[1].description == "A part."
    assert fields["id"].description == ""
    assert reference.operation_count == 2


def test_the_footer_link_leads_to_the_open_data_page(client: Client) -> None:
    request = RequestFactory().get("/")
    assert footer_links(request) == [("Öppna data", "/oppna-data/")]
    html = client.get("/").content.decode()
    assert '<a href="/oppna-data/">Öppna data</a>' in html


def test_both_pages_read_in_english(client: Client) -> None:
    client.cookies["django_language"] = "en"
    for name in ("opendata:index", "opendata:api_docs"):
        assert client.get(reverse(name)).status_code == 200
