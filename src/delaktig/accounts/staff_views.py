"""The audit log page: administrators see every entry, officials their organisations'."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from delaktig.core.contributions import private_audit_prefixes
from delaktig.core.models import AuditEntry

from .roles import is_administrator, staff_organisation_ids


@login_required
def audit_log_view(request: HttpRequest) -> HttpResponse:
    """Administrators see every entry; officials see their own organisations' entries."""
    entries = AuditEntry.objects.select_related("actor", "organisation")
    for prefix in private_audit_prefixes():
        entries = entries.exclude(action__startswith=prefix)
    if not is_administrator(request.user):
        organisation_ids = staff_organisation_ids(request.user, ("official",))
        if not organisation_ids:
            raise PermissionDenied
        entries = entries.filter(organisation_id__in=organisation_ids)
    action = request.GET.get("handelse", "")
    if action:
        entries = entries.filter(action__startswith=action)
    page = Paginator(entries, 50).get_page(request.GET.get("sida"))
    return render(request, "core/audit_log.html", {"page": page, "action": action})
