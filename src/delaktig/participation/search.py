"""What every site-search source shares: the plain text of a Markdown field, an excerpt around
the match, and the objects whose reviewed translations match (``core.contributions.SearchSource``
and the page ``/sok/`` in ``search_views``).

Matching is a case-insensitive substring over the Swedish text and over reviewed translations in
the reader's content language. Issue 22 replaces it with PostgreSQL full-text search behind the
same ``SearchSource.search`` signature. (On SQLite ``icontains`` folds the case of ASCII letters
only: "Å" does not find "å" there; PostgreSQL folds every letter.)
"""

import html
import re
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils.html import strip_tags

from delaktig.core.languages import SOURCE
from delaktig.core.markdown import render_markdown
from delaktig.translations.models import Translation

MAX_QUERY = 100
SPACE = re.compile(r"\s+")


def clean_query(value: object) -> str:
    """The query as searched: trimmed, one space between words, at most ``MAX_QUERY``."""
    return SPACE.sub(" ", str(value or "")).strip()[:MAX_QUERY]


def plain_text(text: str, *, markdown: bool = False) -> str:
    """``text`` as one line of plain text (Markdown rendered, then its tags dropped)."""
    if markdown:
        text = html.unescape(strip_tags(render_markdown(text)))
    return SPACE.sub(" ", text).strip()


def contains(text: str, query: str) -> bool:
    return bool(query) and query.lower() in (text or "").lower()


def excerpt(text: str, query: str, width: int = 90) -> str:
    """Up to about ``2 * width`` characters of ``text`` around the first match of ``query``
    (the start of the text when it does not match), cut at spaces, with ellipses."""
    text = SPACE.sub(" ", text or "").strip()
    found = text.lower().find(query.lower()) if query else -1
    if found < 0:
        found, query = 0, ""
    start = max(0, found - width)
    end = min(len(text), found + len(query) + width)
    if start > 0 and " " in text[start:found]:
        start = text.index(" ", start) + 1
    if end < len(text) and " " in text[found + len(query) : end]:
        end = text.rindex(" ", found + len(query), end)
    return ("…" if start > 0 else "") + text[start:end].strip() + ("…" if end < len(text) else "")


def marked(text: str, query: str) -> list[tuple[str, bool]]:
    """``text`` in pieces, each ``(piece, is_a_match)``, for a template to wrap matches in
    ``<mark>`` while escaping everything (the pieces are plain text)."""
    if not query:
        return [(text, False)]
    pieces: list[tuple[str, bool]] = []
    lower, needle, at = text.lower(), query.lower(), 0
    while (found := lower.find(needle, at)) >= 0:
        if found > at:
            pieces.append((text[at:found], False))
        pieces.append((text[found : found + len(needle)], True))
        at = found + len(needle)
    if at < len(text):
        pieces.append((text[at:], False))
    return pieces


def translated_matches(
    model: type[Any], fields: tuple[str, ...], language: str, query: str
) -> set[int]:
    """The ids of ``model`` objects with a reviewed translation into ``language`` of one of
    ``fields`` that contains ``query`` (whether it is still current the caller checks, with
    ``TranslatedModel.translation``)."""
    if language == SOURCE or not query:
        return set()
    rows = Translation.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        language=language,
        field__in=fields,
        state=Translation.State.REVIEWED,
        text__icontains=query,
    )
    return set(rows.values_list("object_id", flat=True))


def reviewed_texts(
    objects: list[Any], fields: tuple[str, ...], language: str
) -> dict[tuple[int, str], str]:
    """``{(pk, field): text}``: the reviewed translations into ``language`` of ``objects``
    (of one model) that are current, i.e. made from the Swedish the object has now. One
    query; for models whether or not they inherit ``TranslatedModel``."""
    from delaktig.translations.models import source_hash

    if language == SOURCE or not objects:
        return {}
    by_pk = {obj.pk: obj for obj in objects}
    rows = Translation.objects.filter(
        content_type=ContentType.objects.get_for_model(type(objects[0])),
        object_id__in=list(by_pk),
        language=language,
        field__in=fields,
        state=Translation.State.REVIEWED,
    )
    out = {}
    for row in rows:
        source = str(getattr(by_pk[row.object_id], row.field) or "")
        if row.text.strip() and row.source_hash == source_hash(source):
            out[(row.object_id, row.field)] = row.text
    return out


def best_match(
    obj: Any,
    fields: tuple[str, ...],
    translated: dict[tuple[int, str], str],
    language: str,
    query: str,
) -> tuple[int, str, str] | None:
    """``(rank, language, field)`` of the first of ``fields`` (best first) whose text matches
    ``query``: the reviewed translation into ``language`` where there is one, else the Swedish.
    None when nothing matches."""
    for rank, field in enumerate(fields):
        text = translated.get((obj.pk, field))
        if text is not None and contains(text, query):
            return rank, language, field
        if contains(str(getattr(obj, field) or ""), query):
            return rank, SOURCE, field
    return None


def text_in(obj: Any, field: str, language: str, translated: dict[tuple[int, str], str]) -> str:
    """The text of ``field`` in ``language`` (a current reviewed translation), or the
    Swedish."""
    if language != SOURCE and (obj.pk, field) in translated:
        return translated[(obj.pk, field)]
    return str(getattr(obj, field) or "")


def process_hits(query: str, organisation: Any, code: str, limit: int) -> list[Any]:
    """The participation processes' ``SearchSource``: public processes whose title or summary
    contains ``query``, in Swedish or in a reviewed translation into ``code``."""
    from django.db.models import Q
    from django.utils.translation import gettext_lazy as _

    from delaktig.core.contributions import SearchHit

    from .models import Process

    query = clean_query(query)
    if not query:
        return []
    fields = ("title", "summary")
    processes = Process.objects.public().select_related("organisation")
    if organisation is not None:
        processes = processes.filter(organisation=organisation)
    ids = translated_matches(Process, fields, code, query)
    swedish = Q(title__icontains=query) | Q(summary__icontains=query)
    found = list(processes.filter(swedish | Q(pk__in=ids)).order_by("-published_at", "-pk"))
    found = found[: limit * 5]
    translated = reviewed_texts(found, fields, code)
    ranked = []
    for process in found:
        match = best_match(process, fields, translated, code, query)
        if match is not None:
            ranked.append((match, process))
    ranked.sort(key=lambda item: item[0][0])
    hits = []
    for (_rank, language, _field), process in ranked[:limit]:
        summary = text_in(process, "summary", language, translated)
        hits.append(
            SearchHit(
                title=text_in(process, "title", language, translated),
                url=process.get_absolute_url(),
                excerpt=excerpt(plain_text(summary), query),
                kind=_("Deltagandeprocess"),
                language=language,
            )
        )
    return hits
