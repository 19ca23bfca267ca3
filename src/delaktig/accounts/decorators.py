"""View decorators for the staff workspace."""

from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


def staff_required(view: Any) -> Any:
    """Logged in, and allowed into the staff workspace (officials, moderators, admins)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_perm("participation.view_staff_workspace"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
