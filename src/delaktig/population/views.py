from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from delaktig.accounts.decorators import staff_required
from delaktig.accounts.roles import official_organisations_or_403
from delaktig.accounts.types import User
from delaktig.core.confirm import confirm_required
from delaktig.core.forms import form_errors, form_status
from delaktig.insights.suppression import AGE_GROUPS

from . import selectors, services
from .forms import PopulationUploadForm
from .models import PopulationTable


@staff_required
def table_list(request: HttpRequest) -> HttpResponse:
    organisations = official_organisations_or_403(request.user)
    form = PopulationUploadForm(
        request.POST or None, request.FILES or None, organisations=organisations
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with form_errors(form, "file"):
            table = services.population_import(
                actor=cast(User, request.user),
                organisation=form.cleaned_data["organisation"],
                name=form.cleaned_data["name"],
                source=form.cleaned_data["source"],
                is_synthetic=form.cleaned_data["is_synthetic"],
                data=upload.read(),
                filename=upload.name or "",
            )
            messages.success(
                request,
                _("Tabellen ”%(name)s” för %(year)s är importerad.")
                % {"name": table.name, "year": table.year},
            )
            return redirect("population:detail", pk=table.pk)
    return render(
        request,
        "population/list.html",
        {"tables": selectors.tables_of(organisations=organisations), "form": form},
        status=form_status(form),
    )


def _table(request: HttpRequest, pk: int) -> PopulationTable:
    table = get_object_or_404(PopulationTable.objects.select_related("organisation"), pk=pk)
    if not request.user.has_perm(services.PERM, table.organisation):
        raise PermissionDenied
    return table


@staff_required
def table_detail(request: HttpRequest, pk: int) -> HttpResponse:
    table = _table(request, pk)
    return render(
        request,
        "population/detail.html",
        {"table": table, "rows": selectors.table_grid(table=table), "age_groups": AGE_GROUPS},
    )


@staff_required
@require_POST
def table_delete(request: HttpRequest, pk: int) -> HttpResponse:
    table = _table(request, pk)
    page = confirm_required(
        request,
        question=_("Vill du verkligen ta bort tabellen ”%(name)s”?") % {"name": table.name},
        consequence=_("Tabellen och alla dess siffror raderas och kan bara läsas in på nytt."),
        cancel_url=reverse("population:detail", args=[table.pk]),
    )
    if page is not None:
        return page
    services.population_delete(actor=cast(User, request.user), table=table)
    messages.success(request, _("Tabellen är borttagen."))
    return redirect("population:list")
