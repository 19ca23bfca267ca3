"""The anonymous page cache: whole public pages for logged-out visitors, from the shared cache.

A logged-out visitor's GET or HEAD is answered from the default cache (Redis in production)
when the same page was made for another logged-out visitor at most
``DELAKTIG_PAGE_CACHE_SECONDS`` ago *and* nothing public has been written since. A page is
stored under its scheme, host, path with query, interface and content language and htmx
headers (``page_key``), with the *generation* it was made in; every committed write to a
table that public pages read bumps the generation (``watch_writes``), so the next visitor
gets a fresh page. Served pages carry ``X-Delaktig-Cache: hit``.

What is never served from or stored in the cache:

- requests with a cookie other than the CSRF and language cookies (a session, messages, or
  one we do not know), with ``Authorization``, other methods than GET and HEAD, staff pages
  (a ``/personal/`` segment) and ``DELAKTIG_PAGE_CACHE_EXCLUDE`` (accounts, the API with its
  own ETags, admin);
- responses that are not a plain 200, set a cookie, say ``Cache-Control`` private, no-store
  or no-cache, vary on anything but ``Cookie`` (the cookies that matter are in the key, the
  session cookie is absent), changed the session, used a CSP nonce or per-view CSP, or are
  larger than ``DELAKTIG_PAGE_CACHE_MAX_BYTES``.

Pages with a form hold a CSRF token (every page does: the language switcher posts). Tokens
are per visitor, so before a page is stored every token in it (each a masked form of the
visitor's CSRF secret) is replaced by a placeholder, and a page served from the cache gets the
reader's own token in its place (``get_token``; CsrfViewMiddleware, before this one, sets the
cookie as for any page). A page that shows the secret itself is not stored.
"""

import hashlib
import logging
import re
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import CSRF_ALLOWED_CHARS, get_token
from django.utils.cache import cc_delim_re

logger = logging.getLogger(__name__)

GENERATION_KEY = "delaktig:pagecache:generation"
PAGE_KEY_PREFIX = "delaktig:pagecache:page:"
HIT_HEADER = "X-Delaktig-Cache"
# Stands in for the CSRF token in a stored page. A page can hold no NUL of its own (the
# middleware refuses it in input, PostgreSQL in text).
CSRF_PLACEHOLDER = b"\x00csrf\x00"
SAFE_METHODS = frozenset({"GET", "HEAD"})
UNCACHEABLE_DIRECTIVES = frozenset({"private", "no-store", "no-cache"})
# Vary headers whose values the key covers: the cookies that may change a page (languages,
# CSRF) are in the key or filled in, and the session cookie is never present.
KEYED_VARY = frozenset({"cookie"})
# A masked CSRF token: 64 letters and digits, not part of a longer run.
TOKEN_RE = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
# The table a write statement changes (Django quotes names; raw SQL may not).
_WRITE = r'(INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+[`"]?(\w+)'
WRITE_RE = re.compile(r"\s*" + _WRITE, re.IGNORECASE)
# A statement beginning WITH may write in any of its parts.
WITH_RE = re.compile(r"\s*WITH\b", re.IGNORECASE)
WRITE_ANYWHERE_RE = re.compile(r"\b" + _WRITE, re.IGNORECASE)
# The columns an UPDATE sets (as Django writes it: ``SET "a" = %s, "b" = …``).
SET_RE = re.compile(r"\bSET\s+(.*?)(?:\s+WHERE\b|$)", re.IGNORECASE | re.DOTALL)
SET_COLUMN_RE = re.compile(r'[`"]?(\w+)[`"]?\s*=')
CSP_RESPONSE_ATTRIBUTES = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)

# (generation, status, headers, body, holds a CSRF placeholder)
Entry = tuple[int, int, list[tuple[str, str]], bytes, bool]


def enabled() -> bool:
    return int(settings.DELAKTIG_PAGE_CACHE_SECONDS) > 0


# --- Freshness: the generation ------------------------------------------------------------------


def generation_bump() -> None:
    """A public write was committed: pages made before it are no longer served."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not there yet (or evicted): start it, or count if another just did
        if not cache.add(GENERATION_KEY, 1, timeout=None):
            cache.incr(GENERATION_KEY)


_quiet: tuple[frozenset[str], dict[str, frozenset[str]]] | None = None


def quiet() -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """What no public page reads: whole tables (``DELAKTIG_PAGE_CACHE_QUIET_MODELS``: sessions,
    the task queue, the e-mail outbox, the audit log) and some columns of others
    (``DELAKTIG_PAGE_CACHE_QUIET_COLUMNS``: a login's ``last_login``). Writing only there keeps
    the cached pages."""
    global _quiet
    if _quiet is None:
        tables = set()
        for label in settings.DELAKTIG_PAGE_CACHE_QUIET_MODELS:
            model = apps.get_model(label)
            tables.add(model._meta.db_table)
            tables.update(
                field.remote_field.through._meta.db_table
                for field in model._meta.local_many_to_many
            )
        columns = {
            apps.get_model(label)._meta.db_table: frozenset(names)
            for label, names in settings.DELAKTIG_PAGE_CACHE_QUIET_COLUMNS.items()
        }
        _quiet = (frozenset(tables), columns)
    return _quiet


@receiver(setting_changed)
def _forget_quiet(setting: str, **kwargs: Any) -> None:
    global _quiet
    if setting.startswith("DELAKTIG_PAGE_CACHE_QUIET"):
        _quiet = None


def changes_public_data(sql: str) -> bool:
    """Whether a statement writes what a public page may show. A statement beginning ``WITH``
    may write in any of its parts (PostgreSQL's writing ``WITH``, as a support is stored):
    each write in it is judged."""
    if WITH_RE.match(sql):
        return any(_writes_public_data(sql, match) for match in WRITE_ANYWHERE_RE.finditer(sql))
    match = WRITE_RE.match(sql)
    return match is not None and _writes_public_data(sql, match)


def _writes_public_data(sql: str, match: re.Match[str]) -> bool:
    tables, columns = quiet()
    table = match.group(2)
    if table in tables:
        return False
    quiet_columns = columns.get(table)
    if quiet_columns and match.group(1).upper() == "UPDATE":
        assignments = SET_RE.search(sql, match.end())
        changed = set(SET_COLUMN_RE.findall(assignments.group(1))) if assignments else set()
        return not changed or not changed <= quiet_columns
    return True


def watch_writes(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    """A database execute wrapper: after a statement that writes to a table public pages may
    read, bump the generation when the transaction commits (at once in autocommit). It sees
    every write, ``QuerySet.update``, ``bulk_create`` and raw SQL included, which model
    signals do not."""
    result = execute(sql, params, many, context)
    if not enabled() or not changes_public_data(sql):
        return result
    connection: BaseDatabaseWrapper = context["connection"]
    # Entries are (savepoint ids, function, robust).
    pending = connection.in_atomic_block and any(
        entry[1] is generation_bump for entry in connection.run_on_commit
    )
    if not pending:
        # Robust: a cache that is down must not turn a committed write into an error page.
        transaction.on_commit(generation_bump, using=connection.alias, robust=True)
    return result


def watch_connection(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """``connection_created``: watch the new connection's writes. First in the list, so that
    ``connection.execute_wrapper()`` blocks, which pop the last wrapper, leave it in place."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, watch_writes)


# --- The key ------------------------------------------------------------------------------------


def page_key(request: HttpRequest) -> str:
    parts = (
        request.scheme or "",
        request.get_host(),
        request.get_full_path(),
        getattr(request, "LANGUAGE_CODE", ""),
        str(getattr(request, "content_language", "")),
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-Target", ""),
    )
    digest = hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()
    return PAGE_KEY_PREFIX + digest


def cookies_that_keep_pages() -> frozenset[str]:
    return frozenset(
        {
            settings.CSRF_COOKIE_NAME,
            settings.LANGUAGE_COOKIE_NAME,
            settings.CONTENT_LANGUAGE_COOKIE_NAME,
            *settings.DELAKTIG_PAGE_CACHE_COOKIES,
        }
    )


def may_use_cache(request: HttpRequest) -> bool:
    """A logged-out visitor's public GET or HEAD with nothing personal in it."""
    if request.method not in SAFE_METHODS or not enabled():
        return False
    if "Authorization" in request.headers:
        return False
    if not cookies_that_keep_pages().issuperset(request.COOKIES):
        return False
    path = request.path
    return "/personal/" not in path and not path.startswith(
        tuple(settings.DELAKTIG_PAGE_CACHE_EXCLUDE)
    )


# --- Storing and serving ------------------------------------------------------------------------


def _csrf_free(request: HttpRequest, body: bytes) -> bytes | None:
    """The body with every CSRF token of this request replaced by the placeholder; None if
    the secret itself is in it."""
    secret = request.META.get("CSRF_COOKIE")
    if not isinstance(secret, str) or not secret:
        return body
    if secret.encode() in body:
        return None

    def swap(match: re.Match[bytes]) -> bytes:
        token = match.group().decode("ascii")
        return CSRF_PLACEHOLDER if _unmask(token) == secret else match.group()

    return TOKEN_RE.sub(swap, body)


def _unmask(token: str) -> str:
    """The secret a masked token carries (Django's own algorithm, ``_unmask_cipher_token``)."""
    half = len(token) // 2
    mask, cipher = token[:half], token[half:]
    chars = CSRF_ALLOWED_CHARS
    pairs = zip(cipher, mask, strict=True)
    return "".join(chars[chars.index(c) - chars.index(m)] for c, m in pairs)


def storable(request: HttpRequest, response: HttpResponseBase) -> bool:
    """Whether the response is the same for every logged-out visitor of this key."""
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if response.cookies or response.has_header("Set-Cookie"):
        return False
    control = {
        directive.split("=", 1)[0].strip().lower()
        for directive in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    if control & UNCACHEABLE_DIRECTIVES:
        return False
    vary = {h.strip().lower() for h in cc_delim_re.split(response.get("Vary", "")) if h.strip()}
    if vary - KEYED_VARY:
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    # A nonce in the page would be served with another response's CSP header. The site's CSP
    # uses none (settings.CONTENT_SECURITY_POLICY); this keeps it safe if one ever does.
    if getattr(request, "_csp_nonce", None) is not None:
        return False
    return not any(hasattr(response, name) for name in CSP_RESPONSE_ATTRIBUTES)


def store(request: HttpRequest, response: HttpResponse, key: str, generation: int) -> None:
    body: bytes | None = response.content
    if body is None or len(body) > settings.DELAKTIG_PAGE_CACHE_MAX_BYTES:
        return
    csrf = bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))
    if csrf:
        body = _csrf_free(request, body)
        if body is None:
            return
    headers = [(name, value) for name, value in response.items() if name != HIT_HEADER]
    entry: Entry = (generation, response.status_code, headers, body, csrf)
    cache.set(key, entry, int(settings.DELAKTIG_PAGE_CACHE_SECONDS))


def serve(request: HttpRequest, entry: Entry) -> HttpResponse:
    _generation, status, headers, body, csrf = entry
    if csrf:
        body = body.replace(CSRF_PLACEHOLDER, get_token(request).encode("ascii"))
    response = HttpResponse(body, status=status)
    for name, value in headers:
        response[name] = value
    response[HIT_HEADER] = "hit"
    return response


class AnonymousPageCacheMiddleware:
    """Serves and stores logged-out visitors' public pages (see the module's docstring).

    Placed after ``CsrfViewMiddleware`` (which reads the visitor's CSRF cookie first and sets
    it on the way out) and ``SwedishFirstLocaleMiddleware`` (which chooses the languages in
    the key), before the session is read for the user.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not may_use_cache(request):
            return self.get_response(request)
        key = page_key(request)
        try:
            found = cache.get_many([GENERATION_KEY, key])
        except Exception:  # the cache is down: serve the page as if there were none
            logger.warning("page cache unavailable", exc_info=True)
            return self.get_response(request)
        generation = int(found.get(GENERATION_KEY, 0))
        entry: Entry | None = found.get(key)
        if entry is not None and entry[0] == generation:
            return serve(request, entry)
        response = self.get_response(request)
        if isinstance(response, HttpResponse) and storable(request, response):
            try:
                store(request, response, key, generation)
            except Exception:
                logger.warning("page cache unavailable", exc_info=True)
            response[HIT_HEADER] = "miss"
        return response
