"""The notice on a public list that an organisation's own host limits to that organisation
(``core.sites``): what is shown, and a link to every organisation's items or back."""

from typing import Any

from django import template
from django.http import HttpRequest

from delaktig.core.sites import SCOPE_PARAM, site_scope

register = template.Library()


def _address(request: HttpRequest, *, everyone: bool) -> str:
    """The same list with ``?organisation=`` (every organisation's) or without it (the host's
    own), its other filters kept and the page number dropped."""
    query = request.GET.copy()
    query.pop("sida", None)
    query.pop(SCOPE_PARAM, None)
    if everyone:
        query[SCOPE_PARAM] = ""
    encoded = query.urlencode()
    return request.path + (f"?{encoded}" if encoded else "")


@register.inclusion_tag("includes/scope_notice.html", takes_context=True)
def scope_notice(context: template.Context) -> dict[str, Any]:
    """Nothing on the installation's main address; on an organisation's own host, which
    organisation the list shows and how to see every organisation's (or only its own)."""
    request: HttpRequest | None = context.get("request")
    scope = site_scope(request)
    chosen = request.GET.get(SCOPE_PARAM) if request is not None else None
    if request is None or scope is None or chosen:
        # A list that filters by organisation says itself which one was chosen.
        return {"scope": None}
    everyone = chosen == ""
    return {
        "scope": scope,
        "everyone": everyone,
        "url": _address(request, everyone=not everyone),
    }
