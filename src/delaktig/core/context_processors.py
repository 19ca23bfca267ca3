from typing import Any

from django.conf import settings
from django.http import HttpRequest

from delaktig.organisations.selectors import primary_organisation


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "site_organisation": primary_organisation(),
        "is_staff_member": bool(user and user.has_perm("participation.view_staff_workspace")),
        "content_languages": dict(settings.CONTENT_LANGUAGES),
    }
