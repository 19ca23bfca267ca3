"""Staff pages for the case: intake, registration, referral, decision, the statutory year."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from delaktig.accounts.decorators import staff_required
from delaktig.accounts.roles import official_organisations
from delaktig.core.errors import DelaktigError
from delaktig.core.params import BadParameter, id_param
from delaktig.organisations.models import Organisation

from . import deadlines, selectors, services
from .forms import (
    DecideForm,
    DecisionProposalForm,
    ReferForm,
    RegisterForm,
    RejectForm,
    ReportedForm,
    ReportForm,
    UnfinishedReasonForm,
    WriteOffForm,
)
from .models import Proposal, ProposalSettings
from .workflow import Action, Status, allowed_actions


def _organisation_ids(request: HttpRequest) -> list[int]:
    return list(official_organisations(request.user).values_list("pk", flat=True))


@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    organisation_ids = _organisation_ids(request)
    if not organisation_ids:
        raise PermissionDenied
    today = timezone.localdate()
    cases = []
    for proposal in selectors.open_cases(organisation_ids):
        assert proposal.registered_on is not None  # noqa: S101 - open_cases filters on it
        cases.append((proposal, deadlines.deadline(proposal.registered_on, today)))
    cases.sort(key=lambda item: item[1].days_left)
    base = Proposal.objects.filter(organisation_id__in=organisation_ids).select_related(
        "organisation"
    )
    return render(
        request,
        "proposals/staff/dashboard.html",
        {
            "intake": base.filter(status=Status.SUBMITTED.value).order_by("submitted_at"),
            "to_register": base.filter(status=Status.LODGED.value).order_by("published_at"),
            "collecting": base.filter(status=Status.COLLECTING.value).order_by("support_ends_at"),
            "overdue": [c for c in cases if c[1].overdue],
            "due_soon": [c for c in cases if c[1].due_within(60)],
            "later": [c for c in cases if c[1].days_left > 60],
        },
    )


FORMS = {
    Action.REJECT: RejectForm,
    Action.REGISTER: RegisterForm,
    Action.REFER: ReferForm,
    Action.PROPOSE_DECISION: DecisionProposalForm,
    Action.DECIDE: DecideForm,
    Action.WRITE_OFF: WriteOffForm,
}
NEEDS_ORGANISATION = {Action.REJECT, Action.REFER, Action.DECIDE}


def _form(action: Action, proposal: Proposal, data: Any = None) -> Any:
    form_class = FORMS[action]
    kwargs: dict[str, Any] = {"prefix": action.value}
    if action in NEEDS_ORGANISATION:
        kwargs["organisation"] = proposal.organisation
    if action is Action.REGISTER and data is None:
        kwargs["initial"] = {"registered_on": timezone.localdate()}
    return form_class(data, **kwargs)


def _apply(request: HttpRequest, action: Action, proposal: Proposal, data: dict[str, Any]) -> None:
    actor = request.user
    if action is Action.PUBLISH:
        services.proposal_publish(actor=actor, proposal=proposal)
    elif action is Action.LODGE:
        services.proposal_publish(actor=actor, proposal=proposal)
    elif action is Action.REJECT:
        services.proposal_reject(
            actor=actor, proposal=proposal, rule=data["rule"], reason=data["reason"]
        )
    elif action is Action.REGISTER:
        services.proposal_register(
            actor=actor,
            proposal=proposal,
            registered_on=data["registered_on"],
            case_number=data["case_number"],
        )
    elif action is Action.REFER:
        services.proposal_refer(
            actor=actor, proposal=proposal, body=data["body"], official=data["official"]
        )
    elif action is Action.PROPOSE_DECISION:
        services.proposal_propose_decision(actor=actor, proposal=proposal, text=data["text"])
    elif action is Action.DECIDE:
        services.proposal_decide(actor=actor, proposal=proposal, **data)
    elif action is Action.WRITE_OFF:
        services.proposal_write_off(actor=actor, proposal=proposal, **data)
    else:
        raise PermissionDenied


@staff_required
def case(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(
        Proposal.objects.select_related(
            "organisation",
            "author",
            "responsible_body",
            "responsible_official",
            "decided_by",
            "category",
            "municipality",
        ),
        pk=pk,
    )
    if not request.user.has_perm("proposals.handle_proposal", proposal.organisation):
        raise PermissionDenied
    actions = [
        a
        for a in allowed_actions(proposal.status)
        if a not in {Action.WITHDRAW, Action.EXPIRE, Action.SUBMIT}
    ]
    if proposal.status == Status.COLLECTING.value:
        actions = []  # supports decide, not staff
    if proposal.reported_unfinished_on is None:
        actions = [a for a in actions if a is not Action.WRITE_OFF]
    forms = {a: _form(a, proposal) for a in actions if a in FORMS}
    reason_form = UnfinishedReasonForm(
        prefix="reason", initial={"reason": proposal.unfinished_reason}
    )
    status = 200
    if request.method == "POST":
        posted = request.POST.get("action", "")
        try:
            if posted == "unfinished_reason":
                reason_form = UnfinishedReasonForm(request.POST, prefix="reason")
                if reason_form.is_valid():
                    services.proposal_set_unfinished_reason(
                        actor=request.user,
                        proposal=proposal,
                        reason=reason_form.cleaned_data["reason"],
                    )
                    messages.success(request, _("Förklaringen är sparad."))
                    return redirect("proposals:staff_case", pk=proposal.pk)
                status = 400
            else:
                action = Action(posted)
                if action not in actions:
                    raise PermissionDenied
                data: dict[str, Any] = {}
                if action in FORMS:
                    form = _form(action, proposal, request.POST)
                    forms[action] = form
                    if not form.is_valid():
                        raise _Invalid()
                    data = form.cleaned_data
                _apply(request, action, proposal, data)
                messages.success(request, _("Ärendet är uppdaterat."))
                return redirect("proposals:staff_case", pk=proposal.pk)
        except _Invalid:
            status = 400
        except ValueError:
            raise PermissionDenied from None
        except DelaktigError as error:
            messages.error(request, error.message)
            status = 409
    return render(
        request,
        "proposals/staff/case.html",
        {
            "proposal": proposal,
            "simple_actions": [a for a in actions if a not in FORMS],
            "forms": [(a, forms[a]) for a in actions if a in FORMS],
            "reason_form": reason_form,
            "deadline": selectors.deadline_for(proposal),
            "events": proposal.events.select_related("actor"),
        },
        status=status,
    )


class _Invalid(Exception):
    pass


def _report_context(request: HttpRequest) -> dict[str, Any]:
    """The report for the organisation and date chosen in the query string. A value that
    cannot be used is an error on the form (``form.errors``); the report is then shown for
    the organisation's defaults."""
    organisation_ids = _organisation_ids(request)
    organisations = Organisation.objects.filter(
        pk__in=organisation_ids, proposal_settings__isnull=False
    )
    form = ReportForm(request.GET or None, organisations=organisations)
    form.is_valid()
    chosen = getattr(form, "cleaned_data", {})  # the fields that are valid
    organisation = (
        organisations.filter(slug=chosen.get("organisation") or "").first() or organisations.first()
    )
    if organisation is None:
        raise PermissionDenied
    rules = ProposalSettings.objects.get(organisation=organisation)
    today = timezone.localdate()
    report_date = (
        chosen.get("datum") or deadlines.next_report_month(today, rules.report_months) or today
    )
    form.initial = {"organisation": organisation.slug, "datum": report_date}
    rows = [
        (p, deadlines.deadline(p.registered_on, report_date))  # type: ignore[arg-type]
        for p in selectors.unfinished_for_report(organisation, report_date)
    ]
    return {
        "form": form,
        "organisation": organisation,
        "organisations": organisations,
        "rules": rules,
        "report_date": report_date,
        "rows": rows,
        "generated": timezone.now(),
        "report_months": sorted(rules.report_months),
    }


@staff_required
def report(request: HttpRequest) -> HttpResponse:
    context = _report_context(request)
    reported_form = ReportedForm(
        request.POST if request.method == "POST" else None,
        initial={"reported_on": context["report_date"]},
    )
    context["reported_form"] = reported_form
    if request.method == "POST" and not context["form"].errors and reported_form.is_valid():
        reported_on = reported_form.cleaned_data["reported_on"] or timezone.localdate()
        count = services.proposals_report_unfinished(
            actor=request.user,
            organisation=context["organisation"],
            reported_on=reported_on,
            proposals=[p for p, _d in context["rows"]],
        )
        messages.success(
            request,
            ngettext(
                "%(count)s ärende är markerat som redovisat för fullmäktige.",
                "%(count)s ärenden är markerade som redovisade för fullmäktige.",
                count,
            )
            % {"count": count},
        )
        return redirect(request.get_full_path())
    invalid = context["form"].errors or reported_form.errors
    return render(request, "proposals/staff/report.html", context, status=400 if invalid else 200)


@staff_required
def report_pdf(request: HttpRequest) -> HttpResponse:
    from weasyprint import HTML

    context = _report_context(request)
    for name in context["form"].errors:  # a PDF has no form to show the error on
        raise BadParameter(name)
    html = render_to_string("proposals/staff/report_pdf.html", context, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    stamp = context["report_date"].isoformat()
    response["Content-Disposition"] = f'attachment; filename="oavslutade-forslag-{stamp}.pdf"'
    return response


@staff_required
def rules_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Every local rule for proposals, edited by the organisation's officials."""
    from django.db import transaction

    from delaktig.core.audit import audit_log

    from .forms import CategoryForm, IntakeRuleForm, ProposalSettingsForm
    from .models import Category, IntakeRule

    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm("proposals.handle_proposal", organisation):
        raise PermissionDenied
    rules, _created = ProposalSettings.objects.get_or_create(organisation=organisation)
    form = ProposalSettingsForm(prefix="rules", instance=rules)
    rule_form = IntakeRuleForm(prefix="rule")
    category_form = CategoryForm(prefix="category")
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        with transaction.atomic():
            if action == "settings":
                form = ProposalSettingsForm(request.POST, prefix="rules", instance=rules)
                saved = form.save() if form.is_valid() else None
            elif action == "rule":
                rule_form = IntakeRuleForm(
                    request.POST, prefix="rule", instance=IntakeRule(organisation=organisation)
                )
                saved = rule_form.save() if rule_form.is_valid() else None
            elif action == "category":
                category_form = CategoryForm(
                    request.POST, prefix="category", instance=Category(organisation=organisation)
                )
                saved = category_form.save() if category_form.is_valid() else None
            elif action == "delete_category":
                saved = Category.objects.filter(
                    organisation=organisation,
                    pk=id_param(request.POST, "pk") or 0,  # 0: none
                    proposals__isnull=True,
                ).first()
                if saved is not None:
                    saved.delete()
            else:
                raise PermissionDenied
            if saved is not None:
                audit_log(
                    actor=request.user,
                    action=f"proposal_rules.{action}",
                    target=organisation,
                    organisation=organisation,
                )
                messages.success(request, _("Reglerna är sparade."))
                return redirect("proposals:staff_rules", slug=organisation.slug)
        status = 400
    return render(
        request,
        "proposals/staff/rules.html",
        {
            "organisation": organisation,
            "form": form,
            "rule_form": rule_form,
            "category_form": category_form,
            "intake_rules": IntakeRule.objects.filter(organisation=organisation),
            "categories": Category.objects.filter(organisation=organisation),
        },
        status=status,
    )
