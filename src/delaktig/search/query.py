"""Asking the index: full text, ranked, with highlighted title and excerpt.

PostgreSQL matches ``websearch_to_tsquery`` (words, "a phrase", or, -not) with the text search
configuration of each row's language against the stored ``tsvector`` (GIN index), ranks with
``ts_rank_cd`` (title weighted above text) and cuts the excerpt with ``ts_headline``, only for
the hits shown. SQLite, the embedded default, matches every word as a prefix in its FTS5 table
(there is no Swedish stemmer there: "vårdcentral" finds "vårdcentralen" as a prefix, but
"kommun" does not find "kommunerna"… it does, as a prefix; "barnen" does not find "barn") and
ranks with BM25.

A reader searches the Swedish and their content language; an object found in both is one hit,
in the reader's language. Every hit is checked against its source's ``public()`` before it is
shown (``_visible``).

The SQL is put together from fixed pieces of this module (``S608`` below); every value that
comes from the reader is a parameter.
"""

import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection, transaction

from delaktig.core.contributions import SearchSource, search_sources
from delaktig.core.languages import EASY_READ, SOURCE

MAX_QUERY = 100
# Matches counted at most (the counts and the pages stop here; the page says "more than").
COUNT_CAP = 1000
START, STOP = "\x02", "\x03"
WORD = re.compile(r"\w+", re.UNICODE)
SPACE = re.compile(r"\s+")
# PostgreSQL's text search configuration per language (migration 0001).
CONFIGS = {SOURCE: "delaktig_sv", EASY_READ: "delaktig_sv", "en": "delaktig_en"}
CONFIGS["fi"] = "delaktig_fi"
SIMPLE = "delaktig_simple"
HEADLINE = (
    f"StartSel={START}, StopSel={STOP}, MaxWords=32, MinWords=14, MaxFragments=2, "
    'FragmentDelimiter=" … "'
)
TITLE_HEADLINE = f"StartSel={START}, StopSel={STOP}, HighlightAll=true"


def clean(value: object) -> str:
    """The query as searched: trimmed, one space between words, at most ``MAX_QUERY``, with
    no control characters."""
    text = re.sub(r"[\x00-\x1f]", " ", str(value or ""))
    return SPACE.sub(" ", text).strip()[:MAX_QUERY]


def config(language: str) -> str:
    return CONFIGS.get(language, SIMPLE)


def pieces(text: str) -> list[tuple[str, bool]]:
    """``text`` with highlight markers as ``[(piece, is_a_match)]`` for a template to wrap
    matches in ``<mark>`` while escaping everything."""
    out: list[tuple[str, bool]] = []
    for part in re.split(f"({START}[^{STOP}]*{STOP})", text):
        if not part:
            continue
        if part.startswith(START):
            out.append((part[1:-1], True))
        else:
            out.append((part, False))
    return out


@dataclass(frozen=True)
class Hit:
    source: SearchSource
    object_id: int
    language: str
    url: str
    title: list[tuple[str, bool]]
    excerpt: list[tuple[str, bool]]
    date: datetime | None


@dataclass
class Result:
    hits: list[Hit] = field(default_factory=list)
    # Matches per source key, each at most COUNT_CAP (``capped`` when any reached it).
    counts: dict[str, int] = field(default_factory=dict)
    total: int = 0
    capped: bool = False
    # Too many matches to rank: the newest are shown first.
    newest: bool = False


def _languages(language: str) -> list[str]:
    return [SOURCE] if language == SOURCE else [SOURCE, language]


def _filters(
    organisation_id: int | None, keys: list[str] | None, alias: str = "d"
) -> tuple[str, list[Any]]:
    sql, params = "", list[Any]()
    if organisation_id is not None:
        sql += f" AND {alias}.organisation_id = %s"
        params.append(organisation_id)
    if keys:
        sql += f" AND {alias}.source IN ({', '.join(['%s'] * len(keys))})"
        params.extend(keys)
    return sql, params


def _config_case(column: str) -> str:
    """SQL choosing the text search configuration by the language in ``column``."""
    whens = " ".join(f"WHEN '{code}' THEN '{name}'::regconfig" for code, name in CONFIGS.items())
    return f"(CASE {column} {whens} ELSE '{SIMPLE}'::regconfig END)"


def _tsqueries(query: str, language: str) -> dict[str, str]:
    """``{language: tsquery text}``: the reader's words parsed once per configuration (as a
    constant, the planner takes the GIN index); a language whose parse is empty (only stop
    words) is left out."""
    codes = _languages(language)
    selects = ", ".join("websearch_to_tsquery(%s::regconfig, %s)::text" for _ in codes)
    params: list[Any] = [item for code in codes for item in (config(code), query)]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {selects}", params)
        parsed = cursor.fetchone()
    return {code: text for code, text in zip(codes, parsed, strict=True) if text}


@dataclass(frozen=True)
class Matches:
    """The matching rows as SQL (``FROM … WHERE …``, alias ``d``): each object once — a
    Swedish row is left out where the same object matched in the reader's language — and the
    rank expression for ordering them."""

    where: str
    params: list[Any]
    rank: str
    rank_params: list[Any]


def _postgres_matches(query: str, language: str) -> Matches | None:
    parsed = _tsqueries(query, language)
    if not parsed:
        return None
    clauses, params, cases, rank_params = [], [], [], []
    for code, tsquery in parsed.items():
        clauses.append("(d.language = %s AND d.vector @@ %s::tsquery)")
        params.extend([code, tsquery])
        cases.append("WHEN %s THEN ts_rank_cd(d.vector, %s::tsquery)")
        rank_params.extend([code, tsquery])
    where = f"search_document d WHERE ({' OR '.join(clauses)})"
    if language != SOURCE and language in parsed:
        where += (
            " AND NOT (d.language = %s AND EXISTS (SELECT 1 FROM search_document e "
            "WHERE e.source = d.source AND e.object_id = d.object_id AND e.language = %s "
            "AND e.vector @@ %s::tsquery))"
        )
        params.extend([SOURCE, language, parsed[language]])
    return Matches(where, params, f"(CASE d.language {' '.join(cases)} ELSE 0 END)", rank_params)


def _fts_expression(query: str) -> str:
    """Every word of ``query`` as a quoted prefix, all required (FTS5 syntax, nothing of the
    reader's text left unquoted)."""
    words = WORD.findall(query)[:12]
    return " AND ".join('"' + word.replace('"', "") + '"*' for word in words)


def _sqlite_matches(query: str, language: str) -> Matches | None:
    expression = _fts_expression(query)
    if not expression:
        return None
    languages = _languages(language)
    # FTS5's ranking function works only in a query of the FTS table alone. bm25 is lower for
    # better matches; a title match counts five times a text match.
    where = (
        "(SELECT rowid AS id, -bm25(search_document_fts, 5.0, 1.0) AS score "  # noqa: S608
        "FROM search_document_fts WHERE search_document_fts MATCH %s) f "
        "JOIN search_document d ON d.id = f.id "
        f"WHERE d.language IN ({', '.join(['%s'] * len(languages))})"
    )
    params: list[Any] = [expression, *languages]
    if language != SOURCE:
        where += (
            " AND NOT (d.language = %s AND EXISTS (SELECT 1 FROM search_document e "
            "WHERE e.source = d.source AND e.object_id = d.object_id AND e.language = %s "
            "AND e.id IN (SELECT rowid FROM search_document_fts "
            "WHERE search_document_fts MATCH %s)))"
        )
        params.extend([SOURCE, language, expression])
    return Matches(where, params, "f.score", [])


def _matches(
    query: str, language: str, organisation_id: int | None, keys: list[str] | None
) -> Matches | None:
    postgres = connection.vendor == "postgresql"
    found = (_postgres_matches if postgres else _sqlite_matches)(query, language)
    if found is None:
        return None
    extra, extra_params = _filters(organisation_id, keys)
    return Matches(
        found.where + extra, [*found.params, *extra_params], found.rank, found.rank_params
    )


def _counts(matches: Matches) -> tuple[dict[str, int], bool]:
    """Matches per kind, reading at most COUNT_CAP + 1 rows (and whether there were more)."""
    capped_sql = (
        f"SELECT source, COUNT(*) FROM (SELECT d.source FROM {matches.where} "  # noqa: S608
        "LIMIT %s) c GROUP BY source"
    )
    with connection.cursor() as cursor:
        cursor.execute(capped_sql, [*matches.params, COUNT_CAP + 1])
        counts = {key: int(count) for key, count in cursor.fetchall()}
    capped = sum(counts.values()) > COUNT_CAP
    return counts, capped


def _page(
    query: str, matches: Matches, offset: int, limit: int, *, newest: bool
) -> list[tuple[Any, ...]]:
    """(id, source, object_id, language, date, url, title, excerpt) of one page of hits, by
    rank, or newest first (``newest``: too many matches to rank them all; the date index then
    finds the page without reading every match). Excerpts are cut only for these."""
    if newest:
        select, params, order = "0", [], "d.date DESC NULLS LAST, d.id DESC"
    else:
        select, params = matches.rank, matches.rank_params
        order = "rank DESC, d.date DESC NULLS LAST, d.id DESC"
    inner = (
        f"SELECT d.id, d.source, d.object_id, d.language, d.date, d.url, {select} AS rank "  # noqa: S608
        f"FROM {matches.where} ORDER BY {order} LIMIT %s OFFSET %s"
    )
    inner_params = [*params, *matches.params, limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(inner, inner_params)
        rows = list(cursor.fetchall())
        if not rows:
            return []
        ids = [row[0] for row in rows]
        marks = ", ".join(["%s"] * len(ids))
        if connection.vendor == "postgresql":
            cfg = _config_case("d.language")
            cursor.execute(
                f"SELECT d.id, ts_headline({cfg}, d.title, "  # noqa: S608
                f"websearch_to_tsquery({cfg}, %s), %s), "
                f"ts_headline({cfg}, d.body, websearch_to_tsquery({cfg}, %s), %s) "
                f"FROM search_document d WHERE d.id IN ({marks})",
                [query, TITLE_HEADLINE, query, HEADLINE, *ids],
            )
        else:
            cursor.execute(
                "SELECT rowid, highlight(search_document_fts, 0, char(2), char(3)), "  # noqa: S608
                "snippet(search_document_fts, 1, char(2), char(3), '…', 28) "
                "FROM search_document_fts WHERE search_document_fts MATCH %s "
                f"AND rowid IN ({marks})",
                [_fts_expression(query), *ids],
            )
        marked = {pk: (title, excerpt) for pk, title, excerpt in cursor.fetchall()}
    return [(*row[:6], *marked.get(row[0], ("", ""))) for row in rows]


def _visible(rows: list[tuple[Any, ...]], sources: dict[str, SearchSource]) -> set[tuple[str, int]]:
    by_source: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        by_source[row[1]].add(row[2])
    visible: set[tuple[str, int]] = set()
    for key, ids in by_source.items():
        src = sources.get(key)
        if src is None:
            continue
        for pk in src.public().filter(pk__in=ids).values_list("pk", flat=True):
            visible.add((key, pk))
    return visible


@contextmanager
def _planned_for_their_values() -> Iterator[None]:
    """PostgreSQL plans the search's statements for the words asked every time
    (``plan_cache_mode = force_custom_plan``, for this transaction only). Prepared after five
    runs on a connection (``DATABASE_PREPARE_THRESHOLD``), a statement may otherwise get one
    generic plan for every word, which cannot tell a word in 500 documents from one in
    60,000: a common word then took 77 ms instead of 17 at 1,000,000 documents
    (``bench/search.py``)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        yield


def search(
    query: str,
    *,
    language: str = SOURCE,
    organisation_id: int | None = None,
    keys: list[str] | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Result:
    """The hits of ``query`` on ``page`` (1-based), with the matches per source."""
    with _planned_for_their_values():
        return _search(query, language, organisation_id, keys, page, per_page)


def _search(
    query: str,
    language: str,
    organisation_id: int | None,
    keys: list[str] | None,
    page: int,
    per_page: int,
) -> Result:
    query = clean(query)
    everything = _matches(query, language, organisation_id, None) if query else None
    if everything is None:
        return Result()
    sources = {src.key: src for src in search_sources()}
    counts, capped = _counts(everything)
    chosen = [key for key in (keys or []) if key in sources]
    matches = (_matches(query, language, organisation_id, chosen) if chosen else None) or everything
    if chosen and capped:
        # The counts of every kind stopped early: count the chosen kinds on their own.
        chosen_counts, capped = _counts(matches)
        total = sum(chosen_counts.values())
    else:
        total = sum(count for key, count in counts.items() if not chosen or key in chosen)
    offset = (max(page, 1) - 1) * per_page
    result = Result(counts=counts, total=min(total, COUNT_CAP), capped=capped, newest=capped)
    if offset >= result.total:
        return result
    rows = _page(query, matches, offset, per_page, newest=capped)
    visible = _visible(rows, sources)
    for _id, key, object_id, code, date, url, title, excerpt in rows:
        if (key, object_id) not in visible:
            continue
        result.hits.append(
            Hit(
                source=sources[key],
                object_id=object_id,
                language=code,
                url=url,
                title=pieces(title or ""),
                excerpt=pieces(excerpt or ""),
                date=date,
            )
        )
    return result
