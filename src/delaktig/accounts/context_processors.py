from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from delaktig.core import languages
from delaktig.core.catalogues import offered_interface_languages
from delaktig.core.contributions import site_links
from delaktig.core.sites import site_scope
from delaktig.organisations.selectors import primary_organisation

from .inbox import inbox_total
from .roles import official_organisations
from .types import Visitor

# The header shows the inbox count on public pages too; there it may be this old (seconds),
# so that a staff member reading the site does not run every queue's count on each page.
PUBLIC_PAGE_COUNT_SECONDS = 60
_NOT_SET = object()


def _inbox_total(request: HttpRequest, user: Visitor) -> int:
    """Counted afresh on staff pages (every staff URL has a ``/personal/`` segment) and
    stored for the public pages, which reuse it for up to a minute."""
    key = f"inbox-total:{user.pk}"
    if "/personal/" not in request.path:
        cached = cache.get(key)
        if cached is not None:
            return int(cached)
    total = inbox_total(user)
    cache.set(key, total, PUBLIC_PAGE_COUNT_SECONDS)
    return total


@dataclass(frozen=True)
class LanguageChoice:
    code: str
    name_local: str
    current: bool

    @property
    def attrs(self) -> SafeString:
        # The name is written in its own language (and direction).
        shown = languages.language(self.code)
        return format_html(' lang="{}"{}', shown.tag, mark_safe(' dir="rtl"') if shown.rtl else "")


def offered_languages(organisation: Any) -> list[str]:
    """Swedish, the interface languages offered, and the site organisation's content
    languages, in the platform's order."""
    org_settings = getattr(organisation, "settings", None) if organisation else None
    chosen = set(getattr(org_settings, "content_languages", None) or ())
    chosen |= set(offered_interface_languages())
    return [lang.code for lang in languages.LANGUAGES if lang.code in chosen or lang.code == "sv"]


def _served(request: HttpRequest) -> bool:
    try:
        request.get_host()
    except DisallowedHost:
        return False
    return True


def _language_menu(request: HttpRequest, organisation: Any) -> SimpleNamespace:
    current = getattr(request, "content_language", languages.SOURCE)
    codes = offered_languages(organisation)
    choices = [
        LanguageChoice(code, languages.language(code).name_local, code == current) for code in codes
    ]
    # hreflang: the same page in each language; lättläst is Swedish and has no tag of its own.
    alternates = []
    # Staff pages are Swedish work pages: no language versions to point search engines at.
    # Nor has the 400 page for a host this installation does not serve (no address to name).
    if request.method == "GET" and "/personal/" not in request.path and _served(request):
        query = request.GET.copy()
        query.pop("sprak", None)
        for code in codes:
            if code == languages.EASY_READ:
                continue
            query["sprak"] = code
            alternates.append(
                {
                    "hreflang": languages.language(code).tag,
                    "url": request.build_absolute_uri(f"{request.path}?{query.urlencode()}"),
                }
            )
        query.pop("sprak", None)
        plain = request.path + (f"?{query.urlencode()}" if query else "")
        alternates.append({"hreflang": "x-default", "url": request.build_absolute_uri(plain)})
    shown = languages.language(current)
    return SimpleNamespace(
        choices=choices,
        alternates=alternates,
        current=LanguageChoice(shown.code, shown.name_local, True),
    )


def _site_links(request: HttpRequest) -> dict[str, list[tuple[str, str]]]:
    """The links apps add to the menu and the footer (``core.contributions.SiteLink``)."""
    return {
        place: [entry for link in site_links(place) for entry in link.links(request)]
        for place in ("menu", "footer")
    }


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    is_staff_member = bool(user and user.has_perm("accounts.view_staff_workspace"))
    # The host's organisation (organisations.middleware), read when a template first asks;
    # the primary organisation for a request that did not pass the middleware.
    organisation = getattr(request, "site_organisation", _NOT_SET)
    if organisation is _NOT_SET:
        organisation = SimpleLazyObject(primary_organisation)
    return {
        "site_organisation": organisation,
        # The organisation whose items the lists show by default, on its own host; else None.
        "site_scope": site_scope(request),
        "is_staff_member": is_staff_member,
        # What waits in the staff inbox, for the header and the staff menu.
        "inbox_total": (
            SimpleLazyObject(lambda: _inbox_total(request, user))
            if is_staff_member and user is not None
            else 0
        ),
        # Evaluated only where a template asks for it (the staff navigation).
        "staff_organisations": SimpleLazyObject(lambda: list(official_organisations(user))),
        "content_languages": dict(settings.CONTENT_LANGUAGES),
        "site_links": SimpleLazyObject(lambda: _site_links(request)),
        # The language switcher and the page's hreflang links, built where a template asks.
        "language_menu": SimpleLazyObject(lambda: _language_menu(request, organisation)),
    }
