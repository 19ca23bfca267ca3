"""The site search ``/sok/``: one query (GET ``q``) asked of every ``SearchSource`` in the
platform registry (information pages, processes …), the hits grouped by source with their
kind, title and an excerpt around the match, in the language that matched."""

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString

from delaktig.core.contributions import SearchHit, SearchSource, search_sources
from delaktig.core.languages import content_language
from delaktig.translations.access import lang_attrs

from . import search

# Hits per source: the page lists each source's best, not everything.
LIMIT = 10
MIN_QUERY = 2


@dataclass(frozen=True)
class ShownHit:
    hit: SearchHit
    title: list[tuple[str, bool]]
    excerpt: list[tuple[str, bool]]
    attrs: SafeString


@dataclass(frozen=True)
class Group:
    source: SearchSource
    hits: list[ShownHit]


def _groups(query: str) -> list[Group]:
    code = content_language()
    groups = []
    for source in search_sources():
        hits = source.search(query, None, code, LIMIT)
        shown = [
            ShownHit(
                hit=hit,
                title=search.marked(hit.title, query),
                excerpt=search.marked(hit.excerpt, query),
                attrs=lang_attrs(hit.language),
            )
            for hit in hits
        ]
        if shown:
            groups.append(Group(source, shown))
    return groups


def site_search(request: HttpRequest) -> HttpResponse:
    query = search.clean_query(request.GET.get("q"))
    too_short = bool(query) and len(query) < MIN_QUERY
    groups = _groups(query) if query and not too_short else []
    return render(
        request,
        "participation/search.html",
        {
            "query": query,
            "too_short": too_short,
            "min_query": MIN_QUERY,
            "groups": groups,
            "total": sum(len(group.hits) for group in groups),
            "limit": LIMIT,
        },
    )
