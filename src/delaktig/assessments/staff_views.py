"""Staff pages: list, start, fill in, mark ready, sign off and reopen impact assessments."""

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from delaktig.accounts.decorators import staff_required
from delaktig.accounts.roles import official_organisations, official_organisations_or_403
from delaktig.accounts.types import User
from delaktig.core.confirm import confirm_required
from delaktig.core.forms import form_errors, form_status
from delaktig.core.params import id_param
from delaktig.followup.models import Activity
from delaktig.participation.models import Process

from . import selectors, services
from .forms import AnswersForm, AssessmentCreateForm, ReopenForm, SignOffForm, StaffFilterForm
from .kinds import TEMPLATES, Kind, template_for
from .models import ImpactAssessment
from .workflow import MACHINE, Action

PER_PAGE = 25


def _assessment(request: HttpRequest, pk: int, perm: str) -> ImpactAssessment:
    assessment = get_object_or_404(
        ImpactAssessment.objects.select_related(
            "organisation", "process", "activity__area__plan__strategy", "signed_off_by"
        ),
        pk=pk,
    )
    if not request.user.has_perm(perm, assessment):
        raise PermissionDenied
    return assessment


@staff_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    organisations = selectors.staff_organisations(viewer=request.user)
    if not organisations.exists():
        raise PermissionDenied
    form = StaffFilterForm(request.GET or None, organisations=organisations)
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    assessments = selectors.staff_assessments(
        viewer=request.user,
        kind=filters.get("kind") or "",
        status=filters.get("status") or "",
        organisation=filters.get("organisation"),
    )
    page = Paginator(assessments, PER_PAGE).get_page(request.GET.get("sida"))
    return render(
        request,
        "assessments/staff/list.html",
        {
            "form": form,
            "page": page,
            "assessments": page.object_list,
            "can_add": official_organisations(request.user).exists(),
            "templates": list(TEMPLATES.values()),
        },
        status=form_status(form),
    )


def _prefill(
    request: HttpRequest, processes: QuerySet[Process], activities: QuerySet[Activity]
) -> dict[str, Any]:
    """Initial values from ``?kind=child&activity=12`` or ``?process=3``, links from other pages.

    A process or activity the person may not use is ignored.
    """
    initial: dict[str, Any] = {}
    kind = request.GET.get("kind", "")
    if kind in {k.value for k in Kind}:
        initial["kind"] = kind
    linked: Process | Activity | None = None
    activity_pk, process_pk = id_param(request.GET, "activity"), id_param(request.GET, "process")
    if activity_pk is not None:
        linked = activities.filter(pk=activity_pk).first()
        if linked is not None:
            initial["activity"] = linked.pk
    elif process_pk is not None:
        linked = processes.filter(pk=process_pk).first()
        if linked is not None:
            initial["process"] = linked.pk
    if linked is not None:
        initial["organisation"] = linked.organisation_id
        if "kind" in initial:
            initial["title"] = _("%(kind)s: %(title)s") % {
                "kind": template_for(initial["kind"]).name,
                "title": linked.title,
            }
    return initial


@staff_required
def assessment_create(request: HttpRequest) -> HttpResponse:
    organisations = official_organisations_or_403(request.user).order_by("name")
    processes = (
        Process.objects.filter(organisation__in=organisations)
        .select_related("organisation")
        .order_by("organisation__name", "title")
    )
    activities = (
        Activity.objects.filter(area__plan__strategy__organisation__in=organisations)
        .select_related("area__plan__strategy")
        .order_by("area__plan__strategy__title", "area__plan__title", "area__position", "position")
    )
    form = AssessmentCreateForm(
        request.POST or None,
        initial=_prefill(request, processes, activities) if request.method == "GET" else None,
        organisations=organisations,
        processes=processes,
        activities=activities,
    )
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            assessment = services.assessment_create(
                actor=cast(User, request.user), **form.cleaned_data
            )
            messages.success(request, _("Analysen är skapad. Fyll i avsnitten nedan."))
            return redirect("assessments_staff:edit", pk=assessment.pk)
    return render(
        request,
        "assessments/staff/create.html",
        {"form": form, "templates": list(TEMPLATES.values())},
        status=form_status(form),
    )


@staff_required
def assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk, "assessments.change_impactassessment")
    if not assessment.is_editable:
        messages.error(
            request,
            _("Bara utkast kan ändras. Återför analysen till utkast först, med en motivering."),
        )
        return redirect("assessments_staff:detail", pk=assessment.pk)
    template = assessment.template
    form = AnswersForm(
        request.POST or None,
        initial={
            "title": assessment.title,
            "decision_summary": assessment.decision_summary,
            **(assessment.answers or {}),
        },
        template=template,
    )
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            assessment = services.assessment_save_answers(
                actor=cast(User, request.user),
                assessment=assessment,
                answers=form.answers(),
                title=form.cleaned_data["title"],
                decision_summary=form.cleaned_data["decision_summary"],
            )
            if request.POST.get("action") != "ready":
                messages.success(request, _("Utkastet är sparat."))
                return redirect("assessments_staff:detail", pk=assessment.pk)
            if _mark_ready(request, assessment, form):
                return redirect("assessments_staff:detail", pk=assessment.pk)
    return render(
        request,
        "assessments/staff/edit.html",
        {"assessment": assessment, "template": template, "form": form},
        status=form_status(form),
    )


def _mark_ready(request: HttpRequest, assessment: ImpactAssessment, form: AnswersForm) -> bool:
    """Mark the saved draft ready, or show on the form what is still missing."""
    missing = selectors.missing_for_ready(assessment=assessment)
    if missing:
        form.add_error(
            None,
            _(
                "Utkastet är sparat, men analysen kan inte markeras som klar förrän de "
                "obligatoriska avsnitten är ifyllda."
            ),
        )
        for key in missing:
            form.add_error(key, _("Fyll i det här innan analysen markeras som klar."))
        return False
    services.assessment_mark_ready(actor=cast(User, request.user), assessment=assessment)
    messages.success(
        request,
        _("Analysen är klar för godkännande. En annan behörig person behöver godkänna den."),
    )
    return True


def _detail_page(
    request: HttpRequest,
    assessment: ImpactAssessment,
    *,
    signoff_form: SignOffForm | None = None,
    reopen_form: ReopenForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    current = assessment.status
    can_change = user.has_perm("assessments.change_impactassessment", assessment)
    can_sign_off = MACHINE.allows(current, Action.SIGN_OFF) and user.has_perm(
        "assessments.signoff_impactassessment", assessment
    )
    return render(
        request,
        "assessments/staff/detail.html",
        {
            "assessment": assessment,
            "template": assessment.template,
            "sections": assessment.sections_with_answers(),
            "history": selectors.history(assessment=assessment),
            "can_edit": can_change and assessment.is_editable,
            "can_mark_ready": can_change and MACHINE.allows(current, Action.MARK_READY),
            "can_sign_off": can_sign_off and not assessment.was_written_by(user),
            "four_eyes_blocked": can_sign_off and assessment.was_written_by(user),
            "can_reopen": can_change and MACHINE.allows(current, Action.REOPEN),
            "signoff_form": signoff_form or SignOffForm(),
            "reopen_form": reopen_form or ReopenForm(),
        },
        status=status,
    )


@staff_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk, "assessments.view_draft_impactassessment")
    return _detail_page(request, assessment)


@staff_required
@require_POST
def assessment_mark_ready(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk, "assessments.change_impactassessment")
    missing = selectors.missing_for_ready(assessment=assessment)
    if missing and MACHINE.allows(assessment.status, Action.MARK_READY):
        # Sent to the form, which shows each missing part.
        error = services.missing_sections_error(assessment.template, missing)
        messages.error(request, error.message)
        return redirect("assessments_staff:edit", pk=assessment.pk)
    services.assessment_mark_ready(actor=cast(User, request.user), assessment=assessment)
    messages.success(
        request,
        _("Analysen är klar för godkännande. En annan behörig person behöver godkänna den."),
    )
    return redirect("assessments_staff:detail", pk=assessment.pk)


@staff_required
@require_POST
def assessment_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk, "assessments.signoff_impactassessment")
    form = SignOffForm(request.POST)
    if form.is_valid():
        page = confirm_required(
            request,
            question=_("Vill du verkligen godkänna analysen ”%(title)s”?")
            % {"title": assessment.title},
            consequence=_(
                "Analysen kan inte ändras längre, bara öppnas igen med en motivering. "
                "Väljer du att publicera den blir den synlig för alla."
            ),
            cancel_url=reverse("assessments_staff:detail", args=[assessment.pk]),
        )
        if page is not None:
            return page
        with form_errors(form):
            services.assessment_sign_off(
                actor=cast(User, request.user),
                assessment=assessment,
                note=form.cleaned_data["note"],
                publish=form.cleaned_data["publish"],
            )
            messages.success(request, _("Analysen är godkänd."))
            return redirect("assessments_staff:detail", pk=assessment.pk)
        assessment.refresh_from_db()  # someone else may have changed it meanwhile
    return _detail_page(request, assessment, signoff_form=form, status=form_status(form))


@staff_required
@require_POST
def assessment_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk, "assessments.change_impactassessment")
    form = ReopenForm(request.POST)
    if form.is_valid():
        with form_errors(form):
            services.assessment_reopen(
                actor=cast(User, request.user),
                assessment=assessment,
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("Analysen är ett utkast igen."))
            return redirect("assessments_staff:detail", pk=assessment.pk)
        assessment.refresh_from_db()
    return _detail_page(request, assessment, reopen_form=form, status=form_status(form))
