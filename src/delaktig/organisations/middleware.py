"""The organisation a request is for, by its host name (see ``delaktig.core.sites``)."""

from collections.abc import Callable
from functools import partial

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.functional import SimpleLazyObject

from delaktig.core.sites import OnOwnHost

from .hosts import known_host, request_host, site_for_host
from .models import Organisation
from .selectors import primary_organisation


def _organisation(pk: int) -> Organisation | None:
    """The host's organisation with what every page shows of it (one query, when a page asks);
    the primary one if it was deleted while the cache still named it."""
    found = (
        Organisation.objects.select_related("accessibility_statement", "settings", "branding")
        .filter(pk=pk)
        .first()
    )
    return found or primary_organisation()


class SiteMiddleware:
    """Sets ``request.site_organisation`` and ``request.site_scope`` from the host name.

    On an organisation's own host both are that organisation; on any other host the scope is
    None and the look is the primary organisation's. Placed after ``CommonMiddleware``, which
    has refused a host outside ``ALLOWED_HOSTS`` already. A page costs one query for its
    organisation, as it did before there were host names: when the shared cache knows the
    host (``hosts.known_host``), the organisation is read lazily when the page first asks for
    it; when it does not, ``hosts.site_for_host`` finds it, or the primary one, in that one
    query and the cache learns the host. The middleware also answers :class:`OnOwnHost`,
    which a detail view raises for another organisation's item, with a redirect there.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        host = request_host(request)
        known = known_host(host)
        scope: Organisation | SimpleLazyObject | None
        look: Organisation | SimpleLazyObject | None
        if known is None:
            found, own = site_for_host(host)
            scope, look = (found if own else None), found
        elif known:
            scope = look = SimpleLazyObject(partial(_organisation, known))
        else:
            scope, look = None, SimpleLazyObject(primary_organisation)
        request.site_scope = scope  # type: ignore[attr-defined]
        request.site_organisation = look  # type: ignore[attr-defined]
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OnOwnHost):
            return HttpResponseRedirect(exception.url)
        return None
