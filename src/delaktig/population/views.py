from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from delaktig.accounts.decorators import staff_required
from delaktig.accounts.roles import official_organisations
from delaktig.core.errors import DelaktigError

from . import services
from .forms import PopulationUploadForm
from .models import PopulationTable


@staff_required
def table_list(request: HttpRequest) -> HttpResponse:
    organisations = official_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied
    form = PopulationUploadForm(
        request.POST or None, request.FILES or None, organisations=organisations
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = services.population_import(
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                name=form.cleaned_data["name"],
                source=form.cleaned_data["source"],
                is_synthetic=form.cleaned_data["is_synthetic"],
                data=upload.read(),
                filename=upload.name or "",
            )
        except DelaktigError as error:
            form.add_error("file", error.message)
        else:
            messages.success(
                request,
                _("Tabellen ”%(name)s” för %(year)s är importerad.")
                % {"name": table.name, "year": table.year},
            )
            return redirect("population:detail", pk=table.pk)
    tables = (
        PopulationTable.objects.filter(organisation__in=organisations)
        .select_related("organisation")
        .annotate(people=Sum("counts__count"), regions=Count("counts__region_code", distinct=True))
    )
    return render(
        request,
        "population/list.html",
        {"tables": tables, "form": form},
        status=400 if form.errors else 200,
    )


def _table(request: HttpRequest, pk: int) -> PopulationTable:
    table = get_object_or_404(PopulationTable.objects.select_related("organisation"), pk=pk)
    if not request.user.has_perm("population.change_populationtable", table.organisation):
        raise PermissionDenied
    return table


@staff_required
def table_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from delaktig.insights.suppression import AGE_GROUPS

    table = _table(request, pk)
    cells: dict[tuple[str, str], dict[str, int]] = {}
    names: dict[str, str] = {}
    for code, name, age, sex, count in table.counts.values_list(
        "region_code", "region_name", "age_group", "sex", "count"
    ):
        names[code] = name
        cells.setdefault((code, age), {})[sex] = count
    rows = [
        (
            code,
            names[code],
            [
                (
                    cells.get((code, age), {}).get("kvinna", 0),
                    cells.get((code, age), {}).get("man", 0),
                )
                for age in AGE_GROUPS
            ],
        )
        for code in sorted(names)
    ]
    return render(
        request,
        "population/detail.html",
        {"table": table, "rows": rows, "age_groups": AGE_GROUPS},
    )


@staff_required
@require_POST
def table_delete(request: HttpRequest, pk: int) -> HttpResponse:
    table = _table(request, pk)
    services.population_delete(actor=request.user, table=table)
    messages.success(request, _("Tabellen är borttagen."))
    return redirect("population:list")
