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
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection

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


def _languages(language: str) -> list[str]:
    return [SOURCE] if language == SOURCE else [SOURCE, language]


def _filters(
    organisation_id: int | None, keys: list[str] | None, alias: str = "d"
) -> tuple[str, list[Any]]:
    sql, params = "", []
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


def _postgres_matches(query: str, language: str) -> tuple[str, list[Any], str, list[Any]] | None:
    """(FROM/WHERE clause, its params, rank expression, its params) on PostgreSQL, or None
    when nothing can match."""
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
    return where, params, f"(CASE d.language {' '.join(cases)} ELSE 0 END)", rank_params


def _fts_expression(query: str) -> str:
    """Every word of ``query`` as a quoted prefix, all required (FTS5 syntax, nothing of the
    reader's text left unquoted)."""
    words = WORD.findall(query)[:12]
    return " AND ".join('"' + word.replace('"', "") + '"*' for word in words)


def _sqlite_matches(query: str, language: str) -> tuple[str, list[Any], str, list[Any]] | None:
    expression = _fts_expression(query)
    if not expression:
        return None
    languages = _languages(language)
    # FTS5's ranking function works only in a query of the FTS table alone.
    where = (
        "(SELECT rowid AS id, -bm25(search_document_fts, 5.0, 1.0) AS score "  # noqa: S608
        "FROM search_document_fts WHERE search_document_fts MATCH %s) f "
        "JOIN search_document d ON d.id = f.id "
        f"WHERE d.language IN ({', '.join(['%s'] * len(languages))})"
    )
    # bm25 is lower for better matches; a title match counts five times a text match.
    return where, [expression, *languages], "f.score", []


@dataclass(frozen=True)
class Matches:
    """The matching rows as SQL: each object once (in the reader's language where it has
    both), with its rank; ``m.n = 1`` keeps one row per object."""

    sql: str
    params: list[Any]


def _matches(
    query: str, language: str, organisation_id: int | None, keys: list[str] | None
) -> Matches | None:
    postgres = connection.vendor == "postgresql"
    found = (_postgres_matches if postgres else _sqlite_matches)(query, language)
    if found is None:
        return None
    where, where_params, rank, rank_params = found
    extra, extra_params = _filters(organisation_id, keys)
    sql = (
        f"SELECT d.id, d.source, d.object_id, d.language, d.date, {rank} AS rank, "  # noqa: S608
        "ROW_NUMBER() OVER (PARTITION BY d.source, d.object_id "
        "ORDER BY CASE WHEN d.language = %s THEN 0 ELSE 1 END) AS n "
        f"FROM {where}{extra}"
    )
    return Matches(sql, [*rank_params, language, *where_params, *extra_params])


def _counts(matches: Matches) -> tuple[dict[str, int], bool]:
    capped_sql = (
        f"SELECT source, COUNT(*) FROM (SELECT source FROM ({matches.sql}) m WHERE n = 1 "  # noqa: S608
        "LIMIT %s) c GROUP BY source"
    )
    with connection.cursor() as cursor:
        cursor.execute(capped_sql, [*matches.params, COUNT_CAP + 1])
        counts = {key: int(count) for key, count in cursor.fetchall()}
    capped = sum(counts.values()) > COUNT_CAP
    return counts, capped


def _page(query: str, matches: Matches, offset: int, limit: int) -> list[tuple[Any, ...]]:
    """(id, source, object_id, language, date, url, title, excerpt) of one page of hits; the
    excerpts are cut only for these."""
    order = "ORDER BY m.rank DESC, m.date DESC, m.id DESC"
    if connection.vendor == "postgresql":
        cfg = _config_case("p.language")
        page_sql = (
            "SELECT p.id, p.source, p.object_id, p.language, p.date, d.url, "  # noqa: S608
            f"ts_headline({cfg}, d.title, websearch_to_tsquery({cfg}, %s), %s), "
            f"ts_headline({cfg}, d.body, websearch_to_tsquery({cfg}, %s), %s) "
            f"FROM (SELECT m.* FROM ({matches.sql}) m WHERE m.n = 1 {order} LIMIT %s "
            "OFFSET %s) p JOIN search_document d ON d.id = p.id "
            "ORDER BY p.rank DESC, p.date DESC, p.id DESC"
        )
        head = [query, TITLE_HEADLINE, query, HEADLINE]
        params = [*head, *matches.params, limit, offset]
    else:
        page_sql = (
            "SELECT m.id, m.source, m.object_id, m.language, m.date, d.url "  # noqa: S608
            f"FROM ({matches.sql}) m JOIN search_document d ON d.id = m.id "
            f"WHERE m.n = 1 {order} LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(page_sql, [*matches.params, limit, offset])
            rows = list(cursor.fetchall())
            if not rows:
                return []
            ids = [row[0] for row in rows]
            cursor.execute(
                "SELECT rowid, highlight(search_document_fts, 0, char(2), char(3)), "  # noqa: S608
                "snippet(search_document_fts, 1, char(2), char(3), '…', 28) "
                "FROM search_document_fts WHERE search_document_fts MATCH %s "
                f"AND rowid IN ({', '.join(['%s'] * len(ids))})",
                [_fts_expression(query), *ids],
            )
            marked = {rowid: (title, excerpt) for rowid, title, excerpt in cursor.fetchall()}
        return [(*row, *marked.get(row[0], ("", ""))) for row in rows]
    with connection.cursor() as cursor:
        cursor.execute(page_sql, params)
        return list(cursor.fetchall())


def _visible(rows: list[tuple[Any, ...]], sources: dict[str, SearchSource]) -> set[tuple]:
    by_source: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        by_source[row[1]].add(row[2])
    visible = set()
    for key, ids in by_source.items():
        src = sources.get(key)
        if src is None:
            continue
        for pk in src.public().filter(pk__in=ids).values_list("pk", flat=True):
            visible.add((key, pk))
    return visible


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
    query = clean(query)
    everything = _matches(query, language, organisation_id, None) if query else None
    if everything is None:
        return Result()
    sources = {src.key: src for src in search_sources()}
    counts, capped = _counts(everything)
    chosen = [key for key in (keys or []) if key in sources]
    total = sum(count for key, count in counts.items() if not chosen or key in chosen)
    offset = (max(page, 1) - 1) * per_page
    result = Result(counts=counts, total=min(total, COUNT_CAP), capped=capped)
    if offset >= result.total:
        return result
    matches = (_matches(query, language, organisation_id, chosen) if chosen else None) or everything
    rows = _page(query, matches, offset, per_page)
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
