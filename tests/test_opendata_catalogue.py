"""The DCAT-AP-SE catalogue (opendata/catalogue.py): every dataset of every organisation that
holds data, with what DCAT-AP-SE requires, in RDF/XML, Turtle and JSON-LD."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as ns
from rdflib.term import Node

from delaktig.core.contributions import OpenDataset
from delaktig.opendata import catalogue as dcat_catalogue
from delaktig.opendata.catalogue import catalogue_entries, catalogue_invalidate
from delaktig.organisations.models import OpenDataLicence, Organisation
from tests.factories import MunicipalityFactory
from tests.test_opendata_dumps import (
    CHANGED,
    KEY,
    NOW,
    ROWS,
    dataset,  # noqa: F401 (a fixture)
    decision,
    make,
    organisation_with,
)

pytestmark = [
    pytest.mark.django_db,
    # rdflib's own JSON-LD parser, reading the catalogue back.
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
]

CC0 = URIRef("http://creativecommons.org/publicdomain/zero/1.0/")
CC_BY = URIRef("http://creativecommons.org/licenses/by/4.0/")
BASE = "http://testserver"
SERIALISATIONS = {
    "/oppna-data/katalog.rdf": ("xml", "application/rdf+xml; charset=utf-8"),
    "/oppna-data/katalog.ttl": ("turtle", "text/turtle; charset=utf-8"),
    "/oppna-data/katalog.jsonld": ("json-ld", "application/ld+json"),
}


@pytest.fixture
def organisations(dataset: OpenDataset, settings: Any) -> dict[str, Organisation]:  # noqa: F811
    """A region with data, CC0 and its own contact address; a municipality with data and no
    settings (CC BY, the installation's contact address); one without data."""
    settings.DELAKTIG_OPEN_DATA_CONTACT = "oppnadata@delaktig.example"
    region = organisation_with(
        "norr",
        [decision(3, "Cykelbana"), decision(20, "Badhus")],
        open_data_licence=OpenDataLicence.CC0,
        contact_email="registrator@norr.example",
        website="https://norr.example",
    )
    municipality = organisation_with("by", [decision(5, "Lekplats")])
    municipality.kind = Organisation.Kind.MUNICIPALITY
    municipality.scb_code = str(MunicipalityFactory().code)
    municipality.save()
    empty = organisation_with("tom", [])
    return {"region": region, "municipality": municipality, "empty": empty}


def parse(client: Client, path: str, **headers: str) -> Graph:
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    fmt = {"application/rdf+xml": "xml", "text/turtle": "turtle", "application/ld+json": "json-ld"}
    graph = Graph()
    graph.parse(data=response.content, format=fmt[response["Content-Type"].split(";")[0]])
    return graph


def one(graph: Graph, subject: Node, predicate: URIRef) -> Node:
    values = list(graph.objects(subject, predicate))
    assert len(values) == 1, (subject, predicate, values)
    return values[0]


def literal(node: Node) -> Literal:
    assert isinstance(node, Literal)
    return node


def dataset_node(slug: str) -> URIRef:
    return URIRef(f"{BASE}/oppna-data/#dataset-{slug}-{KEY.replace('.', '-')}")


@pytest.mark.parametrize("path", list(SERIALISATIONS))
def test_every_serialisation_lists_every_dataset_with_data(
    organisations: dict[str, Organisation], client: Client, path: str
) -> None:
    response = client.get(path)
    assert response["Content-Type"] == SERIALISATIONS[path][1]
    graph = Graph().parse(data=response.content, format=SERIALISATIONS[path][0])
    catalogues = list(graph.subjects(ns.RDF.type, ns.DCAT.Catalog))
    assert catalogues == [URIRef(f"{BASE}/.well-known/dcat")]
    catalogue = catalogues[0]
    listed = set(graph.objects(catalogue, ns.DCAT.dataset))
    assert listed == {dataset_node("norr"), dataset_node("by")}
    assert set(graph.subjects(ns.RDF.type, ns.DCAT.Dataset)) == listed


def test_the_catalogue_has_what_dcat_ap_se_requires(
    organisations: dict[str, Organisation], client: Client
) -> None:
    graph = parse(client, "/oppna-data/katalog.ttl")
    catalogue = URIRef(f"{BASE}/.well-known/dcat")
    titles = {literal(t).language: str(t) for t in graph.objects(catalogue, ns.DCTERMS.title)}
    # Swedish, and English once the text has been translated (never Swedish tagged English).
    assert titles["sv"] == "Delaktig – öppna data"
    assert set(titles) <= {"sv", "en"} and titles.get("en") != titles["sv"]
    descriptions = {literal(t).language for t in graph.objects(catalogue, ns.DCTERMS.description)}
    assert "sv" in descriptions
    publisher = one(graph, catalogue, ns.DCTERMS.publisher)
    assert one(graph, publisher, ns.FOAF.name) == Literal("Region Norr", lang="sv")
    assert one(graph, catalogue, ns.DCTERMS.license) == CC0
    assert one(graph, catalogue, ns.FOAF.homepage) == URIRef(f"{BASE}/oppna-data/")
    assert literal(one(graph, catalogue, ns.DCTERMS.modified)).toPython() == CHANGED
    service = one(graph, catalogue, ns.DCAT.service)
    assert (service, ns.RDF.type, ns.DCAT.DataService) in graph
    assert one(graph, service, ns.DCAT.endpointURL) == URIRef(f"{BASE}/api/v1/")
    assert one(graph, service, ns.DCAT.endpointDescription) == URIRef(f"{BASE}/api/v1/openapi.json")
    assert set(graph.objects(service, ns.DCAT.servesDataset)) == {
        dataset_node("norr"),
        dataset_node("by"),
    }
    assert list(graph.objects(service, ns.DCTERMS.title))


def test_each_dataset_has_its_organisation_licence_publisher_contact_and_coverage(
    organisations: dict[str, Organisation], client: Client
) -> None:
    graph = parse(client, "/oppna-data/katalog.rdf")
    region, municipality = dataset_node("norr"), dataset_node("by")
    assert Literal("Beslut – Region Norr", lang="sv") in set(
        graph.objects(region, ns.DCTERMS.title)
    )
    assert Literal("Beslutade förslag.", lang="sv") in set(
        graph.objects(region, ns.DCTERMS.description)
    )
    assert one(graph, region, ns.DCTERMS.identifier) == Literal(f"norr/{KEY}")
    # Publisher: a foaf:Agent with the ADMS publisher type of its kind.
    publisher = one(graph, region, ns.DCTERMS.publisher)
    assert (publisher, ns.RDF.type, ns.FOAF.Agent) in graph
    assert one(graph, publisher, ns.DCTERMS.type) == URIRef(
        "http://purl.org/adms/publishertype/RegionalAuthority"
    )
    local = one(graph, municipality, ns.DCTERMS.publisher)
    assert one(graph, local, ns.FOAF.name) == Literal("Region By", lang="sv")
    assert one(graph, local, ns.DCTERMS.type) == URIRef(
        "http://purl.org/adms/publishertype/LocalAuthority"
    )
    # Contact: the organisation's own address, else the installation's.
    contact = one(graph, region, ns.DCAT.contactPoint)
    assert (contact, ns.RDF.type, dcat_catalogue.VCARD.Organization) in graph
    assert one(graph, contact, dcat_catalogue.VCARD.fn) == Literal("Region Norr", lang="sv")
    assert one(graph, contact, dcat_catalogue.VCARD.hasEmail) == URIRef(
        "mailto:registrator@norr.example"
    )
    assert one(graph, contact, dcat_catalogue.VCARD.hasURL) == URIRef("https://norr.example")
    fallback = one(graph, municipality, ns.DCAT.contactPoint)
    assert one(graph, fallback, dcat_catalogue.VCARD.hasEmail) == URIRef(
        "mailto:oppnadata@delaktig.example"
    )
    # Themes, keywords, language, access rights, modified, landing page.
    theme = "http://publications.europa.eu/resource/authority/data-theme/"
    assert set(graph.objects(region, ns.DCAT.theme)) == {
        URIRef(theme + "GOVE"),
        URIRef(theme + "SOCI"),
    }
    keywords = set(graph.objects(region, ns.DCAT.keyword))
    assert {Literal("beslut", lang="sv"), Literal("förslag", lang="sv")} <= keywords
    assert one(graph, region, ns.DCTERMS.language) == URIRef(
        "http://publications.europa.eu/resource/authority/language/SWE"
    )
    assert one(graph, region, ns.DCTERMS.accessRights) == URIRef(
        "http://publications.europa.eu/resource/authority/access-right/PUBLIC"
    )
    assert literal(one(graph, region, ns.DCTERMS.modified)).toPython() == CHANGED
    landing = one(graph, region, ns.DCAT.landingPage)
    assert landing == URIRef(f"{BASE}/oppna-data/organisationer/norr/#norr-testdata-decisions")
    # The landing page is there, with the dataset's row.
    page = client.get(str(landing).removeprefix(BASE).split("#")[0])
    assert page.status_code == 200 and 'id="norr-testdata-decisions"' in page.content.decode()
    # Temporal coverage: the first and the last decision.
    period = one(graph, region, ns.DCTERMS.temporal)
    assert (period, ns.RDF.type, ns.DCTERMS.PeriodOfTime) in graph
    assert one(graph, period, ns.DCAT.startDate) == Literal(date(2026, 1, 3), datatype=ns.XSD.date)
    assert one(graph, period, ns.DCAT.endDate) == Literal(date(2026, 1, 20), datatype=ns.XSD.date)


def distributions(graph: Graph, node: URIRef) -> dict[str, Node]:
    found = {}
    for distribution in graph.objects(node, ns.DCAT.distribution):
        assert (distribution, ns.RDF.type, ns.DCAT.Distribution) in graph
        fmt = str(one(graph, distribution, ns.DCTERMS.format)).rsplit("/", 1)[-1]
        found[fmt] = distribution
    return found


def test_each_dataset_has_the_api_and_the_dump_as_distributions_with_its_licence(
    organisations: dict[str, Organisation], client: Client
) -> None:
    make()
    catalogue_invalidate()
    graph = parse(client, "/oppna-data/katalog.jsonld")
    service = URIRef(f"{BASE}/oppna-data/#api")
    found = distributions(graph, dataset_node("norr"))
    assert set(found) == {"JSON", "ZIP"}
    api, dump = found["JSON"], found["ZIP"]
    assert one(graph, api, ns.DCAT.accessURL) == URIRef(
        f"{BASE}/api/v1/decisions/?organisation=norr"
    )
    assert one(graph, api, ns.DCAT.accessService) == service
    assert one(graph, api, ns.DCTERMS.license) == CC0
    download = URIRef(f"{BASE}/oppna-data/norr/{KEY}.zip")
    assert one(graph, dump, ns.DCAT.downloadURL) == download
    assert one(graph, dump, ns.DCAT.accessURL) == download
    assert one(graph, dump, ns.DCAT.mediaType) == URIRef(
        "http://www.iana.org/assignments/media-types/application/zip"
    )
    assert one(graph, dump, ns.DCTERMS.license) == CC0
    assert int(literal(one(graph, dump, ns.DCAT.byteSize)).toPython()) > 0
    assert literal(one(graph, dump, ns.DCTERMS.modified)).toPython() == NOW
    other = distributions(graph, dataset_node("by"))
    assert one(graph, other["ZIP"], ns.DCTERMS.license) == CC_BY
    assert one(graph, other["JSON"], ns.DCTERMS.license) == CC_BY
    # The download the catalogue points at is there.
    assert client.get(f"/oppna-data/norr/{KEY}.zip").status_code == 200


def test_without_a_dump_yet_the_download_is_listed_without_size(
    organisations: dict[str, Organisation], client: Client
) -> None:
    graph = parse(client, "/oppna-data/katalog.ttl")
    dump = distributions(graph, dataset_node("norr"))["ZIP"]
    assert list(graph.objects(dump, ns.DCAT.byteSize)) == []
    assert one(graph, dump, ns.DCAT.downloadURL) == URIRef(f"{BASE}/oppna-data/norr/{KEY}.zip")


def test_the_well_known_address_answers_by_accept(
    organisations: dict[str, Organisation], client: Client
) -> None:
    cases = {
        "": "application/rdf+xml",
        "*/*": "application/rdf+xml",
        "text/html": "application/rdf+xml",
        "text/turtle": "text/turtle",
        "application/ld+json": "application/ld+json",
        "application/ld+json;q=0.5, text/turtle;q=0.9": "text/turtle",
        "application/rdf+xml": "application/rdf+xml",
    }
    for accept, expected in cases.items():
        headers = {"Accept": accept} if accept else {}
        response = client.get("/.well-known/dcat", headers=headers)
        assert response.status_code == 200
        assert response["Content-Type"].split(";")[0] == expected, accept
        assert "Accept" in response["Vary"]
    assert len(list(parse(client, "/.well-known/dcat", Accept="text/turtle"))) > 50


def test_a_conditional_get_is_answered_not_modified(
    organisations: dict[str, Organisation], client: Client
) -> None:
    response = client.get("/oppna-data/katalog.ttl")
    assert response["ETag"] and response["Last-Modified"]
    assert response["Cache-Control"].startswith("public")
    again = client.get("/oppna-data/katalog.ttl", headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304
    since = client.get(
        "/oppna-data/katalog.ttl", headers={"If-Modified-Since": response["Last-Modified"]}
    )
    assert since.status_code == 304
    assert client.post("/oppna-data/katalog.ttl").status_code == 405


def test_the_documents_are_built_once_and_reused(
    organisations: dict[str, Organisation], client: Client
) -> None:
    with CaptureQueriesContext(connection) as first:
        client.get("/oppna-data/katalog.rdf")
    # Organisations, the primary organisation, dumps: a few queries, and nothing per dataset
    # beyond what the dataset's own modified() and coverage() ask.
    assert len(first.captured_queries) <= 10
    with CaptureQueriesContext(connection) as again:
        client.get("/oppna-data/katalog.ttl")
        client.get("/oppna-data/katalog.jsonld")
        client.get("/.well-known/dcat")
    assert len(again.captured_queries) == 0
    # A new dump drops the cache: the next catalogue shows it.
    make()
    graph = parse(client, "/oppna-data/katalog.ttl")
    dump = distributions(graph, dataset_node("norr"))["ZIP"]
    assert list(graph.objects(dump, ns.DCAT.byteSize))


def test_a_new_organisation_with_data_appears_after_invalidation(
    organisations: dict[str, Organisation], client: Client
) -> None:
    ROWS["tom"] = [decision(7, "Skatepark")]
    catalogue_invalidate()
    graph = parse(client, "/oppna-data/katalog.ttl")
    assert (URIRef(f"{BASE}/.well-known/dcat"), ns.DCAT.dataset, dataset_node("tom")) in graph


def test_catalogue_entries_for_the_open_data_page(organisations: dict[str, Organisation]) -> None:
    make()
    entries = catalogue_entries()
    # Organisations in their order (municipalities before regions, then by name).
    assert [(e.organisation.slug, e.dataset.key) for e in entries] == [("by", KEY), ("norr", KEY)]
    norr = next(e for e in entries if e.organisation.slug == "norr")
    assert norr.licence == str(CC0)
    assert norr.coverage == (date(2026, 1, 3), date(2026, 1, 20))
    assert norr.api_url == "/api/v1/decisions/?organisation=norr"
    assert norr.dump_url == f"/oppna-data/norr/{KEY}.zip"
    assert norr.landing_url == "/oppna-data/organisationer/norr/#norr-testdata-decisions"
    assert norr.dump is not None and norr.dump.made_at == NOW
    assert norr.modified == CHANGED
    only = catalogue_entries(organisations["region"])
    assert [e.organisation.slug for e in only] == ["norr"]
    assert catalogue_entries(organisations["empty"]) == []


def test_every_registered_dataset_appears_for_an_organisation_with_data(client: Client) -> None:
    """The apps' real datasets: the catalogue parses whatever they declare, and every
    (organisation, dataset) that holds data is listed with both distributions."""
    catalogue_invalidate()
    graph = parse(client, "/oppna-data/katalog.rdf")
    entries = catalogue_entries()
    nodes = set(graph.subjects(ns.RDF.type, ns.DCAT.Dataset))
    assert len(nodes) == len(entries)
    for node in nodes:
        assert len(list(graph.objects(node, ns.DCAT.distribution))) == 2


def test_a_contact_address_or_website_with_odd_characters_does_not_break_the_catalogue(
    dataset: OpenDataset,  # noqa: F811
    client: Client,
) -> None:
    # Both pass Django's EmailField and URLField; unquoted, rdflib cannot write them as Turtle
    # and every organisation's catalogue would be a server error.
    organisation_with(
        "udda",
        [decision(4, "Torg")],
        contact_email='"a>b"@udda.example',
        website="https://udda.example/?q={x}|y",
    )
    catalogue_invalidate()
    for path in SERIALISATIONS:
        graph = parse(client, path)
        assert URIRef("https://udda.example/?q=%7Bx%7D%7Cy") in set(graph.objects())
