"""How a participation module's own views find their module and the person acting.

A module the visitor may not see (its process is a draft, or in another organisation for
staff) is a 404, so nothing about it leaks; one they may see but not act on, with ``perm``,
is a 403. The module's phases come with it, since the pages ask what may be done now. On an
organisation's own host, another organisation's module with a host of its own is shown there
(``core.sites.require_own_host``).
"""

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from delaktig.accounts.types import User
from delaktig.core.errors import PermissionDenied
from delaktig.core.sites import require_own_host

from .models import ProcessModule


def visible_module(
    request: HttpRequest, module_pk: int, kind: str, *, perm: str = ""
) -> ProcessModule:
    """The module ``module_pk`` of ``kind``, if the visitor may see its process (and, with
    ``perm``, may do that on the module)."""
    module = get_object_or_404(
        ProcessModule.objects.select_related("process__organisation").prefetch_related(
            "process__phases"
        ),
        pk=module_pk,
        kind=kind,
    )
    if not request.user.has_perm("participation.view_process", module.process):
        raise Http404
    if perm and not request.user.has_perm(perm, module):
        raise PermissionDenied
    require_own_host(request, module.process.organisation)
    return module


def acting_user(request: HttpRequest) -> User:
    """The logged-in person acting on a page that only lets people with an account in."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    return request.user
