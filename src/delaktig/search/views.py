"""The site search ``/sok/``: full text over everything the sources publish (``query.py``),
ranked, with the words found highlighted; filtered by kind and organisation, a page at a time.
Every control is a plain GET form and link: it needs no JavaScript."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString

from delaktig.core.contributions import SearchSource, search_sources
from delaktig.core.languages import content_language
from delaktig.core.params import choice_param, int_param
from delaktig.organisations.models import Organisation
from delaktig.translations.access import lang_attrs

from . import query as search_query

MIN_QUERY = 2
PER_PAGE = 20
# Pages reachable: the counts stop at COUNT_CAP matches.
MAX_PAGE = search_query.COUNT_CAP // PER_PAGE


@dataclass(frozen=True)
class Facet:
    source: SearchSource | None  # None: every kind
    count: int
    chosen: bool
    url: str


@dataclass(frozen=True)
class ShownHit:
    hit: search_query.Hit
    attrs: SafeString


def _organisations() -> list[Organisation]:
    return list(Organisation.objects.order_by("name").only("pk", "slug", "name"))


def _scope(request: HttpRequest, organisations: list[Organisation]) -> Organisation | None:
    """The organisation chosen in the form; on an organisation's own host name, that
    organisation unless the reader chose "all" (``organisation=alla``)."""
    by_slug = {organisation.slug: organisation for organisation in organisations}
    chosen = choice_param(request.GET, "organisation", [*by_slug, "alla"])
    if chosen == "alla":
        return None
    if chosen:
        return by_slug[chosen]
    scope: Any = getattr(request, "site_scope", None)
    return scope if isinstance(scope, Organisation) else None


def site_search(request: HttpRequest) -> HttpResponse:
    text = search_query.clean(request.GET.get("q"))
    sources = search_sources()
    kind = choice_param(request.GET, "typ", [src.key for src in sources])
    page = int_param(request.GET, "sida", 1, minimum=1, maximum=MAX_PAGE) or 1
    organisations = _organisations()
    organisation = _scope(request, organisations)
    too_short = bool(text) and len(text) < MIN_QUERY
    result = search_query.Result()
    if text and not too_short:
        result = search_query.search(
            text,
            language=content_language(),
            organisation_id=organisation.pk if organisation else None,
            keys=[kind] if kind else None,
            page=page,
            per_page=PER_PAGE,
        )

    def url(**changes: Any) -> str:
        values = {"q": text, "organisation": request.GET.get("organisation", ""), "typ": kind}
        values.update(changes)
        return "?" + urlencode({key: value for key, value in values.items() if value})

    facets = [Facet(None, sum(result.counts.values()), not kind, url(typ=""))] + [
        Facet(src, result.counts.get(src.key, 0), src.key == kind, url(typ=src.key))
        for src in sources
        if result.counts.get(src.key) or src.key == kind
    ]
    pages = max(1, -(-result.total // PER_PAGE))
    return render(
        request,
        "search/search.html",
        {
            "query": text,
            "too_short": too_short,
            "min_query": MIN_QUERY,
            "kind": kind or "",
            "facets": facets,
            "organisations": organisations,
            "organisation": organisation,
            "result": result,
            "hits": [ShownHit(hit, lang_attrs(hit.language)) for hit in result.hits],
            "page": page,
            "pages": pages,
            "previous_url": url(sida=page - 1) if page > 1 else "",
            "next_url": url(sida=page + 1) if page < pages else "",
            "cap": search_query.COUNT_CAP,
            "first": (page - 1) * PER_PAGE + 1,
        },
    )
