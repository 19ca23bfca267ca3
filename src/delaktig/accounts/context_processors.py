from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from delaktig.organisations.selectors import primary_organisation

from .inbox import inbox_total
from .roles import official_organisations
from .types import Visitor

# The header shows the inbox count on public pages too; there it may be this old (seconds),
# so that a staff member reading the site does not run every queue's count on each page.
PUBLIC_PAGE_COUNT_SECONDS = 60


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


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    is_staff_member = bool(user and user.has_perm("accounts.view_staff_workspace"))
    return {
        "site_organisation": SimpleLazyObject(primary_organisation),
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
    }
