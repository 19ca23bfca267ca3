"""Staff pages of Riskguiden: list, start, the three steps, the matrix, sign-off, marks.

Nothing here is public. Officials, moderators and the security function of an organisation
(and administrators) may read; others get 403. An analysis of another organisation is 404, so
its existence is not revealed.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from delaktig.accounts.roles import official_organisations
from delaktig.accounts.types import User
from delaktig.core.confirm import confirm_required
from delaktig.core.forms import form_errors, form_status
from delaktig.core.params import id_param

from . import selectors, services
from .forms import (
    CreateForm,
    DetailsForm,
    FilterForm,
    MarkForm,
    MeasureForm,
    RatingForm,
    ReasonForm,
    RiskForm,
    SignOffForm,
    risk_forms,
)
from .levels import CONSEQUENCE_LABELS, LEVEL_LABELS, LIKELIHOOD_LABELS, Level, level
from .models import ContentiousMark, Risk, RiskAnalysis
from .workflow import MACHINE, Action

P = ParamSpec("P")
VIEW = "riskguide.view_riskanalysis"
CHANGE = "riskguide.change_riskanalysis"
SIGNOFF = "riskguide.signoff_riskanalysis"
PER_PAGE = 25


def reader_required(
    view: Callable[Concatenate[HttpRequest, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Logged in, and a reader of risk analyses somewhere (official, moderator, security
    function or administrator); 403 otherwise."""

    @wraps(view)
    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not request.user.has_perm(VIEW):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def _analysis(request: HttpRequest, pk: int, perm: str = VIEW) -> RiskAnalysis:
    analysis = get_object_or_404(
        RiskAnalysis.objects.select_related(
            "organisation", "process", "meeting", "council", "signed_off_by", "prepared_by"
        ),
        pk=pk,
    )
    if not request.user.has_perm(VIEW, analysis):
        raise Http404
    if not request.user.has_perm(perm, analysis):
        raise PermissionDenied
    return analysis


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


@reader_required
def analysis_list(request: HttpRequest) -> HttpResponse:
    organisations = selectors.reader_organisations(viewer=request.user).order_by("name")
    form = FilterForm(request.GET or None, organisations=organisations)
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    analyses = selectors.staff_analyses(
        viewer=request.user,
        status=filters.get("status") or "",
        subject=filters.get("subject") or "",
        organisation=filters.get("organisation"),
    )
    page = Paginator(analyses, PER_PAGE).get_page(request.GET.get("sida"))
    return render(
        request,
        "riskguide/staff/list.html",
        {
            "form": form,
            "page": page,
            "analyses": page.object_list,
            "can_add": official_organisations(request.user).exists(),
        },
        status=form_status(form),
    )


def _prefill(request: HttpRequest, choices: dict[str, Any]) -> dict[str, Any]:
    """``?process=3``, ``?meeting=5`` or ``?council=2`` from the inbox and reminders."""
    for name in ("process", "meeting", "council"):
        pk = id_param(request.GET, name)
        subject = choices[name].filter(pk=pk).first() if pk is not None else None
        if subject is not None:
            return {name: subject.pk, "title": _("Riskanalys: %(title)s") % {"title": subject}}
    return {}


@reader_required
def analysis_create(request: HttpRequest) -> HttpResponse:
    if not official_organisations(request.user).exists():
        raise PermissionDenied
    choices = selectors.subject_choices(viewer=request.user)
    form = CreateForm(
        request.POST or None,
        initial=_prefill(request, choices) if request.method == "GET" else None,
        choices=choices,
    )
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            analysis = services.analysis_create(actor=_actor(request), **form.cleaned_data)
            messages.success(request, _("Analysen är skapad. Börja med steg 1: riskerna."))
            return redirect("riskguide:step1", pk=analysis.pk)
    return render(request, "riskguide/staff/create.html", {"form": form}, status=form_status(form))


def _editable_or_redirect(request: HttpRequest, analysis: RiskAnalysis) -> HttpResponse | None:
    if analysis.is_editable:
        return None
    messages.error(
        request, _("Bara utkast kan ändras. Skicka tillbaka analysen eller revidera den först.")
    )
    return redirect("riskguide:detail", pk=analysis.pk)


def _after_save(request: HttpRequest, analysis: RiskAnalysis, step: int) -> HttpResponse:
    messages.success(request, _("Sparat."))
    if request.POST.get("action") == "next" and step < 3:
        return redirect(f"riskguide:step{step + 1}", pk=analysis.pk)
    if request.POST.get("action") == "next":
        return redirect("riskguide:detail", pk=analysis.pk)
    return redirect(f"riskguide:step{step}", pk=analysis.pk)


def _unbound(row: RiskForm) -> RiskForm:
    """The row as typed, unbound: shown again after "add another risk" without errors."""
    names = ("id", "description", "kind", "exposed", "exposed_detail", "remove")
    initial = {name: row.data.get(row.add_prefix(name), "") for name in names}
    initial["remove"] = bool(initial["remove"])
    return RiskForm(initial=initial, prefix=row.prefix)


def _step_page(
    request: HttpRequest, analysis: RiskAnalysis, step: int, forms: list[Any], **extra: Any
) -> HttpResponse:
    invalid = any(f.is_bound and f.errors for f in forms)
    for number, form in enumerate(extra.get("rows", forms), start=1):
        form.risk_number = number
    return render(
        request,
        f"riskguide/staff/step{step}.html",
        {"analysis": analysis, "step": step, "forms": forms, "invalid": invalid, **extra},
        status=400 if invalid else 200,
    )


@reader_required
def step_risks(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = _analysis(request, pk, CHANGE)
    if (done := _editable_or_redirect(request, analysis)) is not None:
        return done
    risks = list(analysis.risks.all())
    posted = request.POST if request.method == "POST" else None
    details = DetailsForm(
        posted,
        prefix="details",
        initial={"title": analysis.title, "background": analysis.background},
    )
    rows = risk_forms(posted, risks, extra=0 if risks else 1)
    if posted is not None and request.POST.get("action") == "add":
        rows = [_unbound(row) for row in rows] + [RiskForm(prefix=f"risk-{len(rows)}")]
        typed = {name: posted.get(f"details-{name}", "") for name in ("title", "background")}
        details = DetailsForm(initial=typed, prefix="details")
        return _step_page(request, analysis, 1, [], details=details, rows=rows)
    if posted is not None and details.is_valid() and all(row.is_valid() for row in rows):
        with form_errors(details):
            services.analysis_save_details(
                actor=_actor(request), analysis=analysis, **details.cleaned_data
            )
            services.analysis_save_risks(
                actor=_actor(request),
                analysis=analysis,
                risks=[row.as_input() for row in rows if not row.is_blank],
            )
            return _after_save(request, analysis, 1)
    return _step_page(request, analysis, 1, [details, *rows], details=details, rows=rows)


@reader_required
def step_ratings(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = _analysis(request, pk, CHANGE)
    if (done := _editable_or_redirect(request, analysis)) is not None:
        return done
    posted = request.POST if request.method == "POST" else None
    forms = [RatingForm(posted, risk=risk) for risk in analysis.risks.all()]
    if posted is not None and all(f.is_valid() for f in forms) and forms:
        with form_errors(forms[0]):
            services.analysis_save_ratings(
                actor=_actor(request),
                analysis=analysis,
                ratings={
                    f.risk.pk: (f.cleaned_data["likelihood"], f.cleaned_data["consequence"])
                    for f in forms
                },
            )
            return _after_save(request, analysis, 2)
    return _step_page(request, analysis, 2, forms, **_matrix_context(analysis))


@reader_required
def step_measures(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = _analysis(request, pk, CHANGE)
    if (done := _editable_or_redirect(request, analysis)) is not None:
        return done
    posted = request.POST if request.method == "POST" else None
    forms = [MeasureForm(posted, risk=risk) for risk in analysis.risks.all()]
    if posted is not None and all(f.is_valid() for f in forms) and forms:
        with form_errors(forms[0]):
            services.analysis_save_measures(
                actor=_actor(request),
                analysis=analysis,
                measures={f.risk.pk: f.as_input() for f in forms},
            )
            return _after_save(request, analysis, 3)
    return _step_page(request, analysis, 3, forms)


# --- The matrix and the detail page ---


def _matrix_context(analysis: RiskAnalysis) -> dict[str, Any]:
    """The 4×4 grid, most likely first, each cell with its level and the risks' numbers."""
    grid = selectors.matrix(analysis=analysis)
    rows = [
        {
            "likelihood": likelihood,
            "label": LIKELIHOOD_LABELS[likelihood],
            "cells": [
                {
                    "level": level(likelihood, consequence).value,
                    "level_label": LEVEL_LABELS[level(likelihood, consequence)],
                    "risks": grid[likelihood - 1][consequence - 1],
                    "consequence": CONSEQUENCE_LABELS[consequence],
                }
                for consequence in (1, 2, 3, 4)
            ],
        }
        for likelihood in (4, 3, 2, 1)
    ]
    risks = list(analysis.risks.all())
    return {
        "matrix_rows": rows,
        "consequence_labels": [CONSEQUENCE_LABELS[c] for c in (1, 2, 3, 4)],
        "risks": risks,
        "unrated": [n for n, r in enumerate(risks, start=1) if not r.is_rated],
        "levels": [(lv.value, LEVEL_LABELS[lv]) for lv in Level],
    }


def _detail_page(
    request: HttpRequest,
    analysis: RiskAnalysis,
    *,
    forms: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    current = analysis.status
    can_change = user.has_perm(CHANGE, analysis)
    may_sign = user.has_perm(SIGNOFF, analysis) and MACHINE.allows(current, Action.SIGN_OFF)
    written = analysis.was_written_by(user)
    forms = forms or {}
    return render(
        request,
        "riskguide/staff/detail.html",
        {
            "analysis": analysis,
            "mark": selectors.mark_for(analysis.subject),
            "history": selectors.history(analysis=analysis),
            "can_edit": can_change and analysis.is_editable,
            "can_change": can_change,
            "can_submit": can_change and MACHINE.allows(current, Action.SUBMIT),
            "missing": services.missing_for_submit(analysis) if analysis.is_editable else None,
            "can_sign_off": may_sign and not written,
            "four_eyes_blocked": may_sign and written,
            "can_send_back": may_sign,
            "can_flag": can_change and MACHINE.allows(current, Action.FLAG),
            "can_revise": can_change and MACHINE.allows(current, Action.REVISE),
            "signoff_form": forms.get("signoff") or SignOffForm(prefix="signoff"),
            "send_back_form": forms.get("send_back") or ReasonForm(prefix="send_back"),
            "flag_form": forms.get("flag") or ReasonForm(prefix="flag"),
            **_matrix_context(analysis),
        },
        status=status,
    )


@reader_required
def analysis_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _analysis(request, pk))


@reader_required
@require_POST
def analysis_submit(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = _analysis(request, pk, CHANGE)
    missing = services.missing_for_submit(analysis)
    if missing is not None and MACHINE.allows(analysis.status, Action.SUBMIT):
        from delaktig.core.errors import ValidationFailed

        code, params = missing
        messages.error(request, ValidationFailed(code, **params).message)
        return redirect("riskguide:detail", pk=analysis.pk)
    services.analysis_submit(actor=_actor(request), analysis=analysis)
    messages.success(
        request, _("Analysen väntar på godkännande. En annan tjänsteperson behöver godkänna den.")
    )
    return redirect("riskguide:detail", pk=analysis.pk)


@reader_required
@require_POST
def analysis_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = _analysis(request, pk, SIGNOFF)
    form = SignOffForm(request.POST, prefix="signoff")
    if form.is_valid():
        page = confirm_required(
            request,
            question=_("Vill du verkligen godkänna riskanalysen ”%(title)s”?")
            % {"title": analysis.title},
            consequence=_(
                "Analysen kan inte ändras längre. Den kan bara markeras för ny bedömning och "
                "revideras."
            ),
            cancel_url=reverse("riskguide:detail", args=[analysis.pk]),
            confirm_label=_("Godkänn"),
        )
        if page is not None:
            return page
        with form_errors(form):
            services.analysis_sign_off(
                actor=_actor(request), analysis=analysis, note=form.cleaned_data["note"]
            )
            messages.success(request, _("Riskanalysen är godkänd."))
            return redirect("riskguide:detail", pk=analysis.pk)
        analysis.refresh_from_db()
    return _detail_page(request, analysis, forms={"signoff": form}, status=form_status(form))


def _with_reason(request: HttpRequest, pk: int, perm: str, name: str, done: str) -> HttpResponse:
    """A transition that needs a reason: send back (to draft) or flag (for re-assessment)."""
    analysis = _analysis(request, pk, perm)
    form = ReasonForm(request.POST, prefix=name)
    if form.is_valid():
        with form_errors(form):
            service = services.analysis_send_back if name == "send_back" else services.analysis_flag
            service(actor=_actor(request), analysis=analysis, reason=form.cleaned_data["reason"])
            messages.success(request, done)
            return redirect("riskguide:detail", pk=analysis.pk)
        analysis.refresh_from_db()
    return _detail_page(request, analysis, forms={name: form}, status=form_status(form))


@reader_required
@require_POST
def analysis_send_back(request: HttpRequest, pk: int) -> HttpResponse:
    return _with_reason(
        request, pk, SIGNOFF, "send_back", _("Analysen är skickad tillbaka och är ett utkast igen.")
    )


@reader_required
@require_POST
def analysis_flag(request: HttpRequest, pk: int) -> HttpResponse:
    return _with_reason(request, pk, CHANGE, "flag", _("Analysen är markerad för ny bedömning."))


@reader_required
@require_POST
def analysis_revise(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = _analysis(request, pk, CHANGE)
    services.analysis_revise(actor=_actor(request), analysis=analysis)
    messages.success(request, _("Analysen är ett utkast igen. Gå igenom de tre stegen."))
    return redirect("riskguide:step1", pk=analysis.pk)


@reader_required
@require_POST
def risk_done(request: HttpRequest, pk: int) -> HttpResponse:
    risk = get_object_or_404(Risk.objects.select_related("analysis"), pk=pk)
    analysis = _analysis(request, risk.analysis_id, CHANGE)
    services.risk_set_done(actor=_actor(request), risk=risk, done=request.POST.get("done") == "1")
    messages.success(request, _("Åtgärden är uppdaterad."))
    return redirect(reverse("riskguide:detail", args=[analysis.pk]) + f"#measure-{risk.pk}")


# --- Contentious processes and meetings ---


@reader_required
def marks(request: HttpRequest) -> HttpResponse:
    can_mark = official_organisations(request.user).exists()
    form = None
    if can_mark:
        choices = selectors.subject_choices(viewer=request.user)
        form = MarkForm(request.POST or None, choices=choices)
        if request.method == "POST" and form.is_valid():
            with form_errors(form):
                services.contentious_mark_create(actor=_actor(request), **form.cleaned_data)
                messages.success(request, _("Markeringen är sparad."))
                return redirect("riskguide:marks")
    elif request.method == "POST":
        raise PermissionDenied
    missing = set(selectors.marks_missing_analysis().values_list("pk", flat=True))
    return render(
        request,
        "riskguide/staff/marks.html",
        {"form": form, "marks": selectors.marks(viewer=request.user), "missing": missing},
        status=form_status(form) if form is not None else 200,
    )


@reader_required
@require_POST
def mark_remove(request: HttpRequest, pk: int) -> HttpResponse:
    mark = get_object_or_404(ContentiousMark.objects.select_related("process", "meeting"), pk=pk)
    if not request.user.has_perm(VIEW, mark):
        raise Http404
    if not request.user.has_perm("riskguide.change_contentiousmark", mark):
        raise PermissionDenied
    page = confirm_required(
        request,
        question=_("Vill du ta bort markeringen av ”%(title)s”?") % {"title": mark.subject},
        consequence=_("Ingen påminnelse om riskanalys skickas längre för den."),
        cancel_url=reverse("riskguide:marks"),
        confirm_label=_("Ta bort markeringen"),
    )
    if page is not None:
        return page
    services.contentious_mark_remove(actor=_actor(request), mark=mark)
    messages.success(request, _("Markeringen är borttagen."))
    return redirect("riskguide:marks")
