"""The DCAT-AP-SE catalogue of the platform's open data, which Sveriges dataportal harvests.

One ``dcat:Catalog`` for the site, published by the installation's organisation (the region if
there is one), with one ``dcat:DataService`` for the API (``/api/v1/``) and one ``dcat:Dataset``
per organisation and registered :class:`~delaktig.core.contributions.OpenDataset` that holds
data for it (``modified(organisation)`` is not ``None``). Each dataset has the organisation's
licence (``OrganisationSettings.open_data_licence``), publisher (with its ADMS publisher
type), contact point (``OrganisationSettings.contact_email``, else the setting
``DELAKTIG_OPEN_DATA_CONTACT`` when the installation sets it, else none), EU data themes,
keywords, temporal coverage and two distributions: the API filtered to the organisation and the
nightly ZIP (``opendata.dumps``).

The same graph is served as RDF/XML (``katalog.rdf``, what dataportal.se harvests best),
Turtle (``katalog.ttl``) and JSON-LD (``katalog.jsonld``), and at ``/.well-known/dcat`` by
``Accept`` (RDF/XML unless the client asks for Turtle or JSON-LD). Building it asks every
dataset when it last changed, so the three documents are built together and kept in the cache
for :data:`CACHE_SECONDS` (:func:`catalogue_invalidate` drops them, as a new dump does); each
answer carries an ``ETag`` of its content and ``Last-Modified``, and a conditional GET is
answered 304.
"""

from __future__ import annotations

import hashlib
import time
from calendar import timegm
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.encoding import iri_to_uri
from django.utils.functional import Promise
from django.utils.http import http_date
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from django.views.decorators.http import require_safe
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from delaktig.core import contributions
from delaktig.core.contributions import OpenDataset
from delaktig.core.sites import site_scope
from delaktig.organisations.models import (
    LICENCE_URIS,
    OpenDataLicence,
    Organisation,
    OrganisationSettings,
)
from delaktig.organisations.selectors import primary_organisation

from .models import Dump

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DATA_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
LANGUAGE_SWEDISH = URIRef("http://publications.europa.eu/resource/authority/language/SWE")
ACCESS_PUBLIC = URIRef("http://publications.europa.eu/resource/authority/access-right/PUBLIC")
MEDIA_TYPE = "http://www.iana.org/assignments/media-types/"
PUBLISHER_TYPES = {
    Organisation.Kind.REGION: URIRef("http://purl.org/adms/publishertype/RegionalAuthority"),
    Organisation.Kind.MUNICIPALITY: URIRef("http://purl.org/adms/publishertype/LocalAuthority"),
}

# How long the built documents are reused. The data behind them changes all day, but a
# harvester reads the catalogue once a night; a new dump drops the cache at once.
CACHE_SECONDS = 600
_GENERATION_KEY = "opendata:catalogue:generation"

PREFIXES: tuple[tuple[str, Namespace | Any], ...] = (
    ("dcat", DCAT),
    ("dcterms", DCTERMS),
    ("foaf", FOAF),
    ("vcard", VCARD),
    ("xsd", XSD),
)
FORMATS = {
    "ttl": ("turtle", "text/turtle; charset=utf-8"),
    "jsonld": ("json-ld", "application/ld+json"),
    "rdf": ("pretty-xml", "application/rdf+xml; charset=utf-8"),
}
# What /.well-known/dcat answers for each media type a client may ask for; the first is the
# default (also for */* and for types it does not serve).
ACCEPTED = {
    "application/rdf+xml": "rdf",
    "text/turtle": "ttl",
    "application/ld+json": "jsonld",
    "application/xml": "rdf",
    "text/xml": "rdf",
}

CATALOGUE_TITLE = _("Delaktig – öppna data")
CATALOGUE_DESCRIPTION = _(
    "Öppna data från deltagandeplattformen Delaktig: det som de offentliga sidorna visar, "
    "som ett API och som nedladdningar som görs varje natt."
)
SERVICE_TITLE = _("Delaktigs API för öppna data")
API_DISTRIBUTION_TITLE = _("API (JSON)")
DUMP_DISTRIBUTION_TITLE = _("Nedladdning (ZIP med CSV-filer)")


@dataclass(frozen=True)
class Entry:
    """One dataset of one organisation that holds data: what the catalogue describes and the
    open-data page lists. URLs are paths; make them absolute with the request."""

    organisation: Organisation
    dataset: OpenDataset
    modified: datetime
    coverage: tuple[date | None, date | None]
    licence: str
    dump: Dump | None

    @property
    def anchor(self) -> str:
        """The id of the dataset's row on the open-data pages (its landing page)."""
        return f"{self.organisation.slug}-{self.dataset.key.replace('.', '-')}"

    @property
    def api_url(self) -> str:
        return f"{self.dataset.api_path}?organisation={self.organisation.slug}"

    @property
    def dump_url(self) -> str:
        return reverse(
            "opendata:dump",
            kwargs={"organisation": self.organisation.slug, "dataset": self.dataset.key},
        )

    @property
    def landing_url(self) -> str:
        """The dataset's row on its organisation's open-data page."""
        page = reverse("opendata:organisation", kwargs={"slug": self.organisation.slug})
        return f"{page}#{self.anchor}"


def licence_uri(organisation: Organisation) -> str:
    """The URI of the licence the organisation chose for its open data (CC BY 4.0 unless set)."""
    try:
        chosen = organisation.settings.open_data_licence
    except OrganisationSettings.DoesNotExist:
        chosen = OpenDataLicence.CC_BY
    return LICENCE_URIS.get(chosen, LICENCE_URIS[OpenDataLicence.CC_BY])


def datasets_with_data(
    organisation: Organisation | None = None,
) -> Iterator[tuple[Organisation, OpenDataset, datetime]]:
    """Every (organisation, dataset, modified) whose dataset holds data for the organisation,
    organisations in their order, datasets in the registry's. One query per pair."""
    organisations = Organisation.objects.select_related("settings")
    if organisation is not None:
        organisations = organisations.filter(pk=organisation.pk)
    registered = contributions.datasets()
    for candidate in organisations:
        for dataset in registered:
            modified = dataset.modified(candidate)
            if modified is not None:
                yield candidate, dataset, modified


def catalogue_entries(organisation: Organisation | None = None) -> list[Entry]:
    """What the catalogue lists (for one organisation, or for all): each dataset that holds
    data, with its coverage, licence and current dump. For the open-data page too."""
    found = list(datasets_with_data(organisation))
    dumps = Dump.objects.filter(organisation__in={org.pk for org, _d, _m in found})
    current = {(dump.organisation_id, dump.dataset): dump for dump in dumps}
    return [
        Entry(
            organisation=org,
            dataset=dataset,
            modified=modified,
            coverage=dataset.coverage(org),
            licence=licence_uri(org),
            dump=current.get((org.pk, dataset.key)),
        )
        for org, dataset, modified in found
    ]


def catalogue_invalidate() -> None:
    """Drop the cached documents (after a dump, or when a test needs a fresh catalogue)."""
    cache.set(_GENERATION_KEY, time.time_ns(), None)


# --- The graph ------------------------------------------------------------------------------


def _texts(text: str | Promise) -> list[Literal]:
    """``text`` in Swedish, and in English when it has been translated."""
    with override("sv"):
        swedish = str(text)
    with override("en"):
        english = str(text)
    texts = [Literal(swedish, lang="sv")]
    if english != swedish:
        texts.append(Literal(english, lang="en"))
    return texts


def _add_texts(graph: Graph, subject: URIRef, predicate: URIRef, text: str | Promise) -> None:
    for literal in _texts(text):
        graph.add((subject, predicate, literal))


def _moment(value: datetime) -> Literal:
    return Literal(value.astimezone(UTC).replace(microsecond=0), datatype=XSD.dateTime)


class _Builder:
    def __init__(self, absolute: Callable[[str], str]) -> None:
        self.absolute = absolute
        self.graph = Graph()
        for prefix, namespace in PREFIXES:
            self.graph.bind(prefix, namespace)
        index = absolute(reverse("opendata:index"))
        self.index = index
        self.catalogue = URIRef(absolute(reverse("opendata:catalogue_well_known")))
        self.service = URIRef(f"{index}#api")

    def uri(self, path: str) -> URIRef:
        return URIRef(self.absolute(path))

    def publisher(self, organisation: Organisation | None) -> URIRef:
        graph = self.graph
        if organisation is None:
            agent = URIRef(f"{self.index}#utgivare")
            graph.add((agent, RDF.type, FOAF.Agent))
            graph.add((agent, FOAF.name, Literal("Delaktig")))
            return agent
        agent = URIRef(f"{self.index}#organisation-{organisation.slug}")
        if (agent, RDF.type, FOAF.Agent) not in graph:
            graph.add((agent, RDF.type, FOAF.Agent))
            graph.add((agent, FOAF.name, Literal(organisation.name, lang="sv")))
            graph.add((agent, DCTERMS.type, PUBLISHER_TYPES[Organisation.Kind(organisation.kind)]))
        return agent

    def licence(self, uri: str) -> URIRef:
        licence = URIRef(uri)
        self.graph.add((licence, RDF.type, DCTERMS.LicenseDocument))
        return licence

    def contact(self, subject: URIRef, organisation: Organisation) -> None:
        try:
            org_settings: OrganisationSettings | None = organisation.settings
        except OrganisationSettings.DoesNotExist:
            org_settings = None
        email = (
            org_settings.contact_email if org_settings else ""
        ) or settings.DELAKTIG_OPEN_DATA_CONTACT
        if not email:
            return
        graph = self.graph
        point = BNode()
        graph.add((subject, DCAT.contactPoint, point))
        graph.add((point, RDF.type, VCARD.Organization))
        graph.add((point, VCARD.fn, Literal(organisation.name, lang="sv")))
        # Quoted: a valid address or URL may hold characters (", {, |) that break Turtle.
        graph.add((point, VCARD.hasEmail, URIRef(iri_to_uri(f"mailto:{email}"))))
        if org_settings and org_settings.website:
            graph.add((point, VCARD.hasURL, URIRef(iri_to_uri(org_settings.website))))

    def catalogue_node(self, primary: Organisation | None, modified: datetime | None) -> None:
        graph, node = self.graph, self.catalogue
        graph.add((node, RDF.type, DCAT.Catalog))
        _add_texts(graph, node, DCTERMS.title, CATALOGUE_TITLE)
        _add_texts(graph, node, DCTERMS.description, CATALOGUE_DESCRIPTION)
        graph.add((node, DCTERMS.publisher, self.publisher(primary)))
        if primary is not None:
            graph.add((node, DCTERMS.license, self.licence(licence_uri(primary))))
        graph.add((node, FOAF.homepage, URIRef(self.index)))
        graph.add((node, DCTERMS.language, LANGUAGE_SWEDISH))
        if modified is not None:
            graph.add((node, DCTERMS.modified, _moment(modified)))
        graph.add((node, DCAT.service, self.service))
        service = self.service
        graph.add((service, RDF.type, DCAT.DataService))
        _add_texts(graph, service, DCTERMS.title, SERVICE_TITLE)
        graph.add((service, DCAT.endpointURL, self.uri("/api/v1/")))
        graph.add((service, DCAT.endpointDescription, self.uri("/api/v1/openapi.json")))
        graph.add((service, DCTERMS.publisher, self.publisher(primary)))
        graph.add((service, DCTERMS.accessRights, ACCESS_PUBLIC))
        if primary is not None:
            graph.add((service, DCTERMS.license, self.licence(licence_uri(primary))))

    def dataset_node(self, entry: Entry) -> None:
        graph, org, dataset = self.graph, entry.organisation, entry.dataset
        node = URIRef(f"{self.index}#dataset-{entry.anchor}")
        graph.add((self.catalogue, DCAT.dataset, node))
        graph.add((self.service, DCAT.servesDataset, node))
        graph.add((node, RDF.type, DCAT.Dataset))
        graph.add((node, DCTERMS.identifier, Literal(f"{org.slug}/{dataset.key}")))
        for literal in _texts(dataset.title):
            title = f"{literal} – {org.name}"
            graph.add((node, DCTERMS.title, Literal(title, lang=literal.language)))
        _add_texts(graph, node, DCTERMS.description, dataset.description)
        graph.add((node, DCTERMS.publisher, self.publisher(org)))
        self.contact(node, org)
        for theme in dataset.themes:
            graph.add((node, DCAT.theme, URIRef(DATA_THEME + theme)))
        for keyword in dataset.keywords:
            _add_texts(graph, node, DCAT.keyword, keyword)
        self.temporal(node, entry.coverage)
        graph.add((node, DCTERMS.modified, _moment(entry.modified)))
        graph.add((node, DCTERMS.language, LANGUAGE_SWEDISH))
        graph.add((node, DCTERMS.accessRights, ACCESS_PUBLIC))
        graph.add((node, DCAT.landingPage, self.uri(entry.landing_url)))
        self.distributions(node, entry)

    def temporal(self, node: URIRef, coverage: tuple[date | None, date | None]) -> None:
        start, end = coverage
        if start is None and end is None:
            return
        period = BNode()
        self.graph.add((node, DCTERMS.temporal, period))
        self.graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        for predicate, day in ((DCAT.startDate, start), (DCAT.endDate, end)):
            if day is not None:
                value = day.date() if isinstance(day, datetime) else day
                self.graph.add((period, predicate, Literal(value, datatype=XSD.date)))

    def distributions(self, node: URIRef, entry: Entry) -> None:
        graph = self.graph
        licence = self.licence(entry.licence)
        api = URIRef(f"{self.index}#{entry.anchor}-api")
        graph.add((node, DCAT.distribution, api))
        graph.add((api, RDF.type, DCAT.Distribution))
        _add_texts(graph, api, DCTERMS.title, API_DISTRIBUTION_TITLE)
        graph.add((api, DCAT.accessURL, self.uri(entry.api_url)))
        graph.add((api, DCAT.accessService, self.service))
        graph.add((api, DCTERMS.format, URIRef(FILE_TYPE + "JSON")))
        graph.add((api, DCAT.mediaType, URIRef(MEDIA_TYPE + "application/json")))
        graph.add((api, DCTERMS.license, licence))
        dump = URIRef(f"{self.index}#{entry.anchor}-zip")
        download = self.uri(entry.dump_url)
        graph.add((node, DCAT.distribution, dump))
        graph.add((dump, RDF.type, DCAT.Distribution))
        _add_texts(graph, dump, DCTERMS.title, DUMP_DISTRIBUTION_TITLE)
        graph.add((dump, DCAT.accessURL, download))
        graph.add((dump, DCAT.downloadURL, download))
        graph.add((dump, DCTERMS.format, URIRef(FILE_TYPE + "ZIP")))
        graph.add((dump, DCAT.mediaType, URIRef(MEDIA_TYPE + "application/zip")))
        graph.add((dump, DCTERMS.license, licence))
        if entry.dump is not None:
            size = Literal(entry.dump.size, datatype=XSD.nonNegativeInteger)
            graph.add((dump, DCAT.byteSize, size))
            graph.add((dump, DCTERMS.modified, _moment(entry.dump.made_at)))


def last_modified(entries: Sequence[Entry]) -> datetime | None:
    moments = [entry.modified for entry in entries]
    moments += [entry.dump.made_at for entry in entries if entry.dump is not None]
    return max(moments) if moments else None


def build_graph(
    absolute: Callable[[str], str],
    entries: Sequence[Entry] | None = None,
    organisation: Organisation | None = None,
) -> Graph:
    """The catalogue as an rdflib graph; ``absolute`` makes a path an absolute URI
    (``request.build_absolute_uri``). With ``organisation`` (on its own host name) the
    catalogue is that organisation's, published by it; else every organisation's, published by
    the primary one."""
    if entries is None:
        entries = catalogue_entries(organisation)
    builder = _Builder(absolute)
    builder.catalogue_node(organisation or primary_organisation(), last_modified(entries))
    for entry in entries:
        builder.dataset_node(entry)
    return builder.graph


# --- The views ------------------------------------------------------------------------------


def _documents(request: HttpRequest) -> dict[str, Any]:
    """The three serialisations and the moment of the latest change, built together once per
    :data:`CACHE_SECONDS` (and per host the site is reached at: on an organisation's own host
    the catalogue is that organisation's alone)."""
    base = request.build_absolute_uri("/")
    generation = cache.get_or_set(_GENERATION_KEY, 0, None)
    key = f"opendata:catalogue:{generation}:{hashlib.sha256(base.encode()).hexdigest()[:16]}"
    documents: dict[str, Any] | None = cache.get(key)
    if documents is None:
        scope = site_scope(request)
        entries = catalogue_entries(scope)
        graph = build_graph(request.build_absolute_uri, entries, scope)
        modified = last_modified(entries)
        documents = {
            "modified": timegm(modified.utctimetuple()) if modified else None,
            **{name: _serialise(graph, fmt) for name, (fmt, _t) in FORMATS.items()},
        }
        cache.set(key, documents, CACHE_SECONDS)
    return documents


def _serialise(graph: Graph, fmt: str) -> bytes:
    if fmt == "json-ld":
        # Compact JSON-LD with the catalogue's prefixes, rather than full IRIs for every key.
        context = {prefix: str(namespace) for prefix, namespace in PREFIXES}
        return graph.serialize(format=fmt, encoding="utf-8", context=context, auto_compact=True)
    return graph.serialize(format=fmt, encoding="utf-8")


def _answer(request: HttpRequest, name: str) -> HttpResponse:
    documents = _documents(request)
    content: bytes = documents[name]
    response = HttpResponse(content, content_type=FORMATS[name][1])
    etag = '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    modified: int | None = documents["modified"]
    if modified is not None:
        response["Last-Modified"] = http_date(modified)
    conditional = get_conditional_response(
        request, etag=etag, last_modified=modified, response=response
    )
    return conditional if conditional is not None else response


@require_safe
def catalogue_turtle(request: HttpRequest) -> HttpResponse:
    return _answer(request, "ttl")


@require_safe
def catalogue_jsonld(request: HttpRequest) -> HttpResponse:
    return _answer(request, "jsonld")


@require_safe
def catalogue_rdfxml(request: HttpRequest) -> HttpResponse:
    return _answer(request, "rdf")


@require_safe
def catalogue_well_known(request: HttpRequest) -> HttpResponse:
    """The catalogue in the serialisation the client's ``Accept`` prefers (RDF/XML unless it
    asks for Turtle or JSON-LD)."""
    preferred = request.get_preferred_type(list(ACCEPTED))
    response = _answer(request, ACCEPTED[preferred] if preferred else "rdf")
    patch_vary_headers(response, ("Accept",))
    return response
