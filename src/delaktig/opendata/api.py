"""The one open-data API, ``/api/v1/``, assembled from the endpoints the apps contribute.

Each app's ``ninja.Router`` is mounted at its ``ApiRouter.prefix``. This module adds what every
endpoint shares: the rate limit per client (``DELAKTIG_RATE_LIMITS["api_read"]``, counted in
the shared cache, Redis in production), ``ETag`` and ``Last-Modified`` with conditional GET,
and one error body (:class:`delaktig.core.api.ErrorOut`) with the platform's codes.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time
from calendar import timegm
from functools import cache
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import HttpError, Throttled, ValidationError
from ninja.renderers import JSONRenderer
from ninja.throttling import BaseThrottle

from delaktig.core import contributions, ratelimit
from delaktig.core.errors import DelaktigError, NotFound, PermissionDenied, RateLimited

VERSION = "1"
# Reads are cheap and public; a client may cache a page this long before asking again
# (with If-None-Match, which costs it nothing when the page has not changed).
MAX_AGE = 60


class ClientThrottle(BaseThrottle):
    """Reads per client, counted with the platform's own rate limits (core/ratelimit.py).

    Stateless, so one instance serves every thread: the wait is the rest of the current
    window, after which the sliding estimate has let at least one read go again."""

    def get_ident(self, request: HttpRequest) -> str | None:
        """The client's address (django-ninja's reading of the trusted proxies); an IPv6
        address by its /64 like the platform's other limits (accounts/adapter.py), since one
        client holds a whole /64 and could otherwise take a new address for every read."""
        ident = super().get_ident(request)
        try:
            address = ipaddress.ip_address((ident or "").strip())
        except ValueError:
            return ident
        if isinstance(address, ipaddress.IPv6Address):
            if address.ipv4_mapped is not None:
                return str(address.ipv4_mapped)
            return str(ipaddress.IPv6Network(f"{address}/64", strict=False).network_address)
        return str(address)

    def allow_request(self, request: HttpRequest) -> bool:
        ident = self.get_ident(request) or "unknown"
        return ratelimit.consume(ratelimit.limit_for("api_read", ident)) is not None

    def wait(self) -> float:
        _amount, period = settings.DELAKTIG_RATE_LIMITS["api_read"]
        return float(period - time.time() % period) + 1


class Utf8Renderer(JSONRenderer):
    # Swedish letters as themselves, not as escapes.
    json_dumps_params = {"ensure_ascii": False}


class DelaktigApi(NinjaAPI):
    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        if request.method != "GET" or response.status_code != 200:
            return response
        etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
        response["ETag"] = etag
        response["Cache-Control"] = f"public, max-age={MAX_AGE}"
        modified = getattr(request, "api_last_modified", None)
        last_modified = None
        # A list's date would miss the items that left it (core/api.py): its ETag alone.
        if modified is not None and not getattr(request, "api_list", False):
            last_modified = timegm(modified.utctimetuple())
            response["Last-Modified"] = http_date(last_modified)
        conditional = get_conditional_response(
            request, etag=etag, last_modified=last_modified, response=response
        )
        return conditional if conditional is not None else response


def _error(request: HttpRequest, api: NinjaAPI, error: DelaktigError) -> HttpResponse:
    # A DelaktigError keeps its own status (400, 404, 409, 429 …).
    body: dict[str, Any] = {
        "code": error.code,
        "message": error.message,
        "field": error.field,
        "params": {key: str(value) for key, value in error.params.items()},
    }
    return api.create_response(request, body, status=error.status)


def _as_error(exc: Exception | type[Exception]) -> DelaktigError:
    """The platform's error for what the API or ninja raised."""
    if isinstance(exc, DelaktigError):
        return exc
    if isinstance(exc, ValidationError):
        first = exc.errors[0] if exc.errors else {}
        location = [str(part) for part in first.get("loc", ()) if part not in ("query", "path")]
        name = location[-1] if location else ""
        return DelaktigError("api.invalid_parameter", field=name or None, name=name)
    if isinstance(exc, Throttled):
        seconds = math.ceil(exc.wait) if exc.wait is not None else 60
        return RateLimited("api.rate_limited", seconds=seconds)
    if isinstance(exc, Http404):
        return NotFound()
    if isinstance(exc, HttpError) and exc.status_code == 403:
        return PermissionDenied()
    raise exc


@cache
def build() -> DelaktigApi:
    """The API with every contributed router mounted (once per process)."""
    api = DelaktigApi(
        title=str(_("Delaktig – öppna data")),
        version=VERSION,
        description=(
            "Read-only open data from the Delaktig participation platform: what the public "
            "pages show, as JSON. Lists are pages in a stable order; follow `next` until it "
            "is null. Every response carries an ETag and, where known, Last-Modified; send "
            "If-None-Match to be answered 304 when nothing changed. Errors have a stable "
            "`code`. Reads are limited per client; over the limit the answer is 429 with "
            "Retry-After."
        ),
        urls_namespace="api_v1",
        docs_url=None,
        openapi_url="/openapi.json",
        throttle=[ClientThrottle()],
        renderer=Utf8Renderer(),
    )
    for kind in (DelaktigError, ValidationError, Throttled, Http404, HttpError):
        api.add_exception_handler(kind, lambda r, e: _error(r, api, _as_error(e)))
    for contributed in contributions.api_routers():
        api.add_router(contributed.prefix, contributed.router(), tags=[contributed.prefix])
    return api


def openapi_schema() -> dict[str, Any]:
    return dict(build().get_openapi_schema())
