"""Building blocks of the open-data API (``/api/v1/``), used by each app's ``api.py``.

An app describes its endpoints with a ``ninja.Router`` and contributes it to the registry
(``core.contributions.ApiRouter``); ``delaktig.opendata`` assembles the one ``NinjaAPI`` from
them. The rules every endpoint keeps (docs/open-data.md):

- only what the public pages show, and no personal data beyond the names they publish;
- lists are pages of at most :data:`MAX_LIMIT` items in a stable order (the primary key),
  continued with an opaque ``cursor`` (keyset pagination: no count, no offset, so a page costs
  the same however deep it is, and rows added meanwhile are neither skipped nor repeated);
- every answer has an ``ETag`` (a hash of the body), so ``If-None-Match`` is always right;
  an endpoint for one item says when everything it returns last changed with
  :func:`mark_modified`, which the API sends as ``Last-Modified`` and compares with
  ``If-Modified-Since``. A list has no ``Last-Modified``: an item that leaves it (deleted,
  no longer public, filtered out by a change) leaves no date behind, so a date could claim
  "unchanged" wrongly;
- errors are :class:`~delaktig.core.errors.DelaktigError` with the platform's codes, returned
  as :class:`ErrorOut`.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from ninja import Schema
from pydantic import Field

from .errors import DelaktigError

T = TypeVar("T")
M = TypeVar("M", bound=Model)
QS = TypeVar("QS", bound=QuerySet[Any])

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


class ErrorOut(Schema):
    """Every error the API returns: the platform's code, its message (Swedish, or the language
    chosen with ``?sprak=`` or the site's language cookie), the parameter it concerns, and the
    code's params."""

    code: str = Field(examples=["api.invalid_parameter"])
    message: str
    field: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)


class Page(Schema, Generic[T]):
    """One page of a list. ``next`` is the address of the next page (``null`` on the last)."""

    items: list[T]
    next: str | None = Field(None, description="The address of the next page, or null.")
    next_cursor: str | None = Field(None, description="The cursor of the next page, or null.")


class PageParams(Schema):
    cursor: str | None = Field(
        None, max_length=200, description="From `next_cursor` of the page before."
    )
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page.")


def absolute_url(path: str) -> str:
    """``/processer/x/`` → ``https://<site>/processer/x/``: a page's address as the site
    publishes it (``SITE_URL``), for the ``url`` fields of the API and the dumps."""
    return str(settings.SITE_URL).rstrip("/") + path


def within(queryset: QS, lookup: str, start: date | None, end: date | None) -> QS:
    """``queryset`` filtered to ``start <= lookup <= end`` (either may be missing): the
    ``<x>_from``/``<x>_to`` filters of a list; ``lookup`` a date (``starts_at__date``)."""
    if start:
        queryset = queryset.filter(**{f"{lookup}__gte": start})
    if end:
        queryset = queryset.filter(**{f"{lookup}__lte": end})
    return queryset


def flat_row(data: Mapping[str, Any], nested: Mapping[str, type[Schema]]) -> dict[str, Any]:
    """A dumped schema (``XOut.from_orm(obj).model_dump(mode="json")``) as one CSV row of a
    dump: a nested object (``nested``) becomes ``<key>_<field>`` columns, a list becomes its
    items' first fields (number, code, slug) joined by "; "."""
    row: dict[str, Any] = {}
    for key, value in data.items():
        if key in nested:
            for inner in nested[key].model_fields:
                row[f"{key}_{inner}"] = value[inner] if value is not None else None
        elif isinstance(value, list):
            row[key] = "; ".join(
                str(next(iter(item.values()))) if isinstance(item, dict) else str(item)
                for item in value
            )
        else:
            row[key] = value
    return row


def encode_cursor(after: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": after}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """The primary key the page starts after; 0 for the first page."""
    if not cursor:
        return 0
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        after = value["after"]
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeError):
        raise DelaktigError("api.bad_cursor", field="cursor") from None
    if not isinstance(after, int) or isinstance(after, bool) or not 0 <= after < 2**63:
        raise DelaktigError("api.bad_cursor", field="cursor")
    return after


def paginate(request: HttpRequest, queryset: QuerySet[M], params: PageParams) -> dict[str, Any]:
    """One page of ``queryset`` in primary-key order, as :class:`Page` wants it."""
    after = decode_cursor(params.cursor)
    rows: list[M] = list(queryset.filter(pk__gt=after).order_by("pk")[: params.limit + 1])
    items = rows[: params.limit]
    request.api_list = True  # type: ignore[attr-defined]  # no Last-Modified (module docs)
    next_cursor = encode_cursor(items[-1].pk) if len(rows) > params.limit else None
    next_url = None
    if next_cursor is not None:
        query = request.GET.copy()
        query["cursor"] = next_cursor
        next_url = request.build_absolute_uri(f"{request.path}?{urlencode(query, doseq=True)}")
    return {"items": items, "next": next_url, "next_cursor": next_cursor}


def mark_modified(request: HttpRequest, *moments: datetime | None) -> None:
    """Say when what the response shows last changed (the latest of ``moments``); the API
    sends it as ``Last-Modified`` on a single item and answers a matching
    ``If-Modified-Since`` with 304. Only for items whose every shown part has its date here."""
    known = [moment for moment in moments if moment is not None]
    if not known:
        return
    latest = max(known)
    current: datetime | None = getattr(request, "api_last_modified", None)
    if current is None or latest > current:
        request.api_last_modified = latest  # type: ignore[attr-defined]


def latest(values: Sequence[Any], attribute: str) -> datetime | None:
    """The latest ``attribute`` of ``values`` (for :func:`mark_modified`), ignoring Nones."""
    moments = [getattr(value, attribute) for value in values]
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None
