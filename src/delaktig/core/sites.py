"""Which organisation a request is for, by the host name it came to, and absolute addresses.

One installation serves many host names: an organisation may have its own
(``Organisation.host``, ``delta.ostersund.se``). ``organisations.middleware.SiteMiddleware``
puts two attributes on every request:

- ``request.site_organisation``: whose look the page wears (name, logo, colours, footer,
  accessibility statement, content languages): the host's organisation, else the primary one
  (the region);
- ``request.site_scope``: the organisation whose items the public lists show by default: the
  host's organisation on its own host, else None (the whole installation).

Core sits below organisations, so it reads both by name (``getattr``): a request that did not
pass the middleware (a ``RequestFactory`` request, a management command) has neither, and is
treated as the installation's main address. Apps above organisations may use these helpers
as well.

``absolute_url`` writes a path as an address for where there is no request to take the host
from (e-mails, calendar files, posters): on the organisation's own host when it has one, at
``SITE_URL`` otherwise.
"""

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest

# A public list on an organisation's own host shows that organisation's items unless the query
# names the organisation itself: ``?organisation=`` (empty) for every organisation's, or, in a
# list that filters by organisation, another one.
SCOPE_PARAM = "organisation"


class OnOwnHost(Exception):  # noqa: N818 - a redirect, not an error
    """An item of another organisation was asked for on a scoped host, and that organisation
    has a host of its own: the middleware answers with a redirect to ``url``."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


def site_organisation(request: HttpRequest | None) -> Any:
    """The organisation whose look the page wears, or None outside the middleware."""
    return getattr(request, "site_organisation", None)


def site_scope(request: HttpRequest | None) -> Any:
    """The host's own organisation, or None on the installation's main address."""
    return getattr(request, "site_scope", None)


def list_scope(request: HttpRequest) -> Any:
    """The organisation a public list is limited to by default: the host's own, unless the
    query names the organisation (``?organisation=``: every organisation's)."""
    if SCOPE_PARAM in request.GET:
        return None
    return site_scope(request)


def site_root(organisation: Any = None) -> str:
    """``https://delta.ostersund.se`` for an organisation with a host name of its own,
    ``SITE_URL`` without its last slash otherwise. The scheme and the port are SITE_URL's:
    every host name is served by the same installation behind the same proxy."""
    base = str(settings.SITE_URL).rstrip("/")
    host = str(getattr(organisation, "host", "") or "") if organisation is not None else ""
    if not host:
        return base
    parts = urlsplit(base)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


def absolute_url(path: str, organisation: Any = None) -> str:
    """``/processer/x/`` → ``https://delta.ostersund.se/processer/x/`` (the organisation's own
    host) or ``https://<SITE_URL>/processer/x/``."""
    return site_root(organisation) + path


def require_own_host(request: HttpRequest, organisation: Any) -> None:
    """On an organisation's own host, an item of another organisation that has a host of its
    own is shown there: raise :class:`OnOwnHost` (a redirect, GET and HEAD only). Everywhere
    else, and for an organisation without a host, the item is shown where it was asked for."""
    scope = site_scope(request)
    if scope is None or organisation is None or request.method not in ("GET", "HEAD"):
        return
    host = str(getattr(organisation, "host", "") or "")
    if not host or getattr(organisation, "pk", None) == scope.pk:
        return
    raise OnOwnHost(absolute_url(request.get_full_path(), organisation))
