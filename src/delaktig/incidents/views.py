"""The incident log's pages under ``/personal/incidenter/``.

Reporting is for anyone with a role in an organisation (elected representatives too, who do not
enter the staff workspace), so those pages need a login, not ``staff_required``. An incident's
page answers 404 to everyone who may not read it, so that its existence does not leak; the log,
the statistics and the export are the security function's and refuse others with 403.
"""

import io
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from delaktig.accounts.types import User
from delaktig.core import exports
from delaktig.core.confirm import confirm_required
from delaktig.core.forms import form_errors, form_status
from delaktig.core.http import no_store

from . import selectors, services
from .forms import FilterForm, HandlingForm, ReportForm, ShareForm, StatisticsForm
from .models import Incident, IncidentShare
from .workflow import ACTION_LABELS, MACHINE, Action

PER_PAGE = 25


def _base(request: HttpRequest) -> str:
    """Staff pages for those who enter the staff workspace; the public frame for the others
    (an elected representative reporting)."""
    if request.user.has_perm("accounts.view_staff_workspace"):
        return "staff/base.html"
    return "incidents/base_public.html"


def _incident(request: HttpRequest, pk: int) -> Incident:
    """The incident, or 404 for anyone who may not read it."""
    incident = get_object_or_404(
        Incident.objects.select_related(
            "organisation", "process", "meeting", "reported_by", "concerned_user"
        ),
        pk=pk,
    )
    if not request.user.has_perm("incidents.view_incident", incident):
        raise Http404
    return incident


def _require_log(request: HttpRequest) -> None:
    if not selectors.security_organisation_ids(request.user):
        raise PermissionDenied


@no_store
@login_required
def incident_report(request: HttpRequest) -> HttpResponse:
    organisations = selectors.reporting_organisations(viewer=request.user)
    if not organisations.exists():
        raise PermissionDenied
    user = cast(User, request.user)
    form = ReportForm(
        request.POST or None,
        organisations=organisations,
        reporter_name=user.public_name,
    )
    if request.method == "POST" and form.is_valid():
        data = form.service_arguments()
        if form.cleaned_data["about"] == "self":
            data["concerned_user"] = user
        with form_errors(form):
            incident = services.incident_report(actor=user, **data)
            messages.success(
                request,
                _("Tack. Rapporten har skickats till säkerhetsfunktionen i %(organisation)s.")
                % {"organisation": incident.organisation.name},
            )
            return redirect("incidents:detail", pk=incident.pk)
    return render(
        request,
        "incidents/report.html",
        {"form": form, "base": _base(request)},
        status=form_status(form),
    )


@no_store
@login_required
def incident_list(request: HttpRequest) -> HttpResponse:
    _require_log(request)
    organisations = selectors.security_organisations(viewer=request.user)
    form = FilterForm(request.GET or None, organisations=organisations)
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    incidents = selectors.log_incidents(
        viewer=request.user,
        organisation=filters.get("organisation"),
        status=filters.get("status") or "",
        category=filters.get("category") or "",
    )
    page = Paginator(incidents, PER_PAGE).get_page(request.GET.get("sida"))
    return render(
        request,
        "incidents/list.html",
        {
            "form": form,
            "page": page,
            "incidents": page.object_list,
            "own": selectors.security_organisation_ids(request.user),
            "base": _base(request),
        },
        status=form_status(form),
    )


def _detail_page(
    request: HttpRequest,
    incident: Incident,
    *,
    share_form: ShareForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    can_change = user.has_perm("incidents.change_incident", incident)
    can_share = user.has_perm("incidents.share_incident", incident)
    candidates = selectors.share_candidates(incident=incident) if can_share else None
    return render(
        request,
        "incidents/detail.html",
        {
            "incident": incident,
            "base": _base(request),
            "can_change": can_change,
            "actions": [
                (action.value, ACTION_LABELS[action])
                for action in MACHINE.allowed_actions(incident.status)
            ]
            if can_change
            else [],
            "can_share": can_share,
            "share_form": share_form
            or (ShareForm(candidates=candidates) if candidates is not None else None),
            "has_candidates": bool(candidates is not None and candidates.exists()),
            "shares": selectors.shares(incident=incident) if can_share or can_change else [],
            "history": selectors.history(incident=incident) if can_change else [],
            "shared_with_me": not can_change
            and incident.organisation_id not in selectors.security_organisation_ids(user)
            and bool(selectors.security_organisation_ids(user)),
        },
        status=status,
    )


@no_store
@login_required
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _incident(request, pk))


@no_store
@login_required
def incident_edit(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    if not request.user.has_perm("incidents.change_incident", incident):
        raise PermissionDenied
    form = HandlingForm(request.POST or None, instance=incident)
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            services.incident_update(
                actor=cast(User, request.user), incident=incident, **form.cleaned_data
            )
            messages.success(request, _("Incidenten är sparad."))
            return redirect("incidents:detail", pk=incident.pk)
    return render(
        request,
        "incidents/edit.html",
        {"form": form, "incident": incident, "base": _base(request)},
        status=form_status(form),
    )


@login_required
@require_POST
def incident_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    incident = _incident(request, pk)
    if not request.user.has_perm("incidents.change_incident", incident):
        raise PermissionDenied
    if action not in {a.value for a in Action}:
        raise Http404
    if action == Action.CLOSE.value:
        page = confirm_required(
            request,
            question=_("Vill du verkligen avsluta incident %(number)s?") % {"number": incident.pk},
            consequence=_(
                "Incidenten räknas som avslutad från i dag, och gallringstiden börjar löpa. "
                "Den kan öppnas igen."
            ),
            cancel_url=reverse("incidents:detail", args=[incident.pk]),
        )
        if page is not None:
            return page
    incident = services.incident_transition(
        actor=cast(User, request.user), incident=incident, action=action
    )
    messages.success(
        request,
        _("Incidenten har nu status: %(status)s.") % {"status": incident.get_status_display()},
    )
    return redirect("incidents:detail", pk=incident.pk)


@login_required
@require_POST
def incident_share(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    if not request.user.has_perm("incidents.share_incident", incident):
        raise PermissionDenied
    form = ShareForm(request.POST, candidates=selectors.share_candidates(incident=incident))
    if form.is_valid():
        organisation = form.cleaned_data["organisation"]
        page = confirm_required(
            request,
            question=_("Vill du verkligen dela incident %(number)s med %(organisation)s?")
            % {"number": incident.pk, "organisation": organisation.name},
            consequence=_(
                "Säkerhetsfunktionen där kan läsa allt i incidenten, även namnet på den som "
                "utsattes, och får e-post om det. Du kan upphäva delningen senare, men det "
                "de redan har läst går inte att ta tillbaka."
            ),
            cancel_url=reverse("incidents:detail", args=[incident.pk]),
        )
        if page is not None:
            return page
        with form_errors(form):
            services.incident_share(
                actor=cast(User, request.user),
                incident=incident,
                organisation=organisation,
                reason=form.cleaned_data["reason"],
            )
            messages.success(
                request,
                _("Incidenten är delad med %(organisation)s.")
                % {"organisation": organisation.name},
            )
            return redirect("incidents:detail", pk=incident.pk)
    return _detail_page(request, incident, share_form=form, status=form_status(form))


@login_required
@require_POST
def incident_share_revoke(request: HttpRequest, pk: int, share_pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    if not request.user.has_perm("incidents.share_incident", incident):
        raise PermissionDenied
    share = get_object_or_404(
        IncidentShare.objects.select_related("organisation", "incident__organisation"),
        pk=share_pk,
        incident=incident,
    )
    page = confirm_required(
        request,
        question=_("Vill du verkligen upphäva delningen med %(organisation)s?")
        % {"organisation": share.organisation.name},
        consequence=_("Säkerhetsfunktionen där kan inte längre läsa incidenten."),
        cancel_url=reverse("incidents:detail", args=[incident.pk]),
    )
    if page is not None:
        return page
    services.incident_share_revoke(actor=cast(User, request.user), share=share)
    messages.success(
        request,
        _("Delningen med %(organisation)s är upphävd.") % {"organisation": share.organisation.name},
    )
    return redirect("incidents:detail", pk=incident.pk)


def _statistics_form(request: HttpRequest) -> StatisticsForm:
    organisations = selectors.security_organisations(viewer=request.user)
    years = sorted(
        {year for o in organisations for year in selectors.statistic_years(organisation=o)},
        reverse=True,
    )
    data = request.GET if "ar" in request.GET else None
    form = StatisticsForm(
        {"organisation": request.GET.get("organisation"), "year": request.GET.get("ar")}
        if data is not None
        else None,
        organisations=organisations,
        years=years,
        initial={"organisation": organisations.first(), "year": timezone.localdate().year},
    )
    return form


def _chosen(form: StatisticsForm) -> tuple[Any, int] | None:
    if form.is_bound:
        if not form.is_valid():
            return None
        return form.cleaned_data["organisation"], form.cleaned_data["year"]
    return form.initial["organisation"], form.initial["year"]


@no_store
@login_required
def incident_statistics(request: HttpRequest) -> HttpResponse:
    _require_log(request)
    form = _statistics_form(request)
    chosen = _chosen(form)
    if chosen is not None and not request.user.has_perm("incidents.view_incidentlog", chosen[0]):
        raise PermissionDenied
    stats = (
        selectors.statistics(organisation=chosen[0], year=chosen[1]) if chosen is not None else None
    )
    return render(
        request,
        "incidents/statistics.html",
        {"form": form, "stats": stats, "base": _base(request)},
        status=form_status(form),
    )


def _csv(rows: list[list[Any]], filename: str) -> HttpResponse:
    out = io.StringIO()
    writer = exports.writer(out)
    writer.writerows(rows)
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@no_store
@login_required
def incident_export(request: HttpRequest) -> HttpResponse:
    """Every incident of the security function's own organisations (not those shared with
    it), as CSV."""
    _require_log(request)
    organisations = selectors.security_organisations(viewer=request.user)
    incidents = Incident.objects.filter(organisation__in=organisations).order_by(
        "occurred_on", "pk"
    )
    rows = [list(selectors.EXPORT_HEADER), *selectors.export_rows(incidents)]
    return _csv(rows, f"incidenter-{timezone.localdate().isoformat()}.csv")


@no_store
@login_required
def statistics_export(request: HttpRequest) -> HttpResponse:
    _require_log(request)
    form = _statistics_form(request)
    chosen = _chosen(form)
    if chosen is None:
        raise Http404
    organisation, year = chosen
    if not request.user.has_perm("incidents.export_incident", organisation):
        raise PermissionDenied
    stats = selectors.statistics(organisation=organisation, year=year)
    return _csv(
        selectors.statistics_rows(stats), f"incidenter-statistik-{organisation.slug}-{year}.csv"
    )
