"""The staff page with a process's participation figures."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from delaktig.accounts.decorators import staff_required
from delaktig.participation.models import Process

from .selectors import process_figures


@staff_required
def process_figures_view(request: HttpRequest, pk: int) -> HttpResponse:
    process = get_object_or_404(Process, pk=pk)
    if not request.user.has_perm("insights.view_figures", process):
        raise PermissionDenied
    return render(
        request,
        "staff/process_figures.html",
        {"process": process, "figures": process_figures(process=process)},
    )
