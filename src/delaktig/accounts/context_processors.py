from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from delaktig.organisations.selectors import primary_organisation

from .roles import official_organisations


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "site_organisation": SimpleLazyObject(primary_organisation),
        "is_staff_member": bool(user and user.has_perm("accounts.view_staff_workspace")),
        # Evaluated only where a template asks for it (the staff navigation).
        "staff_organisations": SimpleLazyObject(lambda: list(official_organisations(user))),
        "content_languages": dict(settings.CONTENT_LANGUAGES),
    }
