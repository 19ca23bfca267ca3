"""Staff pages for the case: intake, registration, referral, decision, the statutory year."""

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from delaktig.accounts.decorators import staff_required
from delaktig.accounts.roles import official_organisations
from delaktig.accounts.types import User
from delaktig.core.forms import form_errors, form_status
from delaktig.core.params import BadParameter, id_param
from delaktig.organisations.models import Organisation

from . import deadlines, selectors, services
from .forms import (
    CategoryForm,
    DecideForm,
    DecisionProposalForm,
    IntakeRuleForm,
    ProposalSettingsForm,
    ReferForm,
    RegisterForm,
    RejectForm,
    ReportedForm,
    ReportForm,
    UnfinishedReasonForm,
    WriteOffForm,
)
from .models import Category, IntakeRule, Proposal, ProposalSettings
from .workflow import MACHINE, OPEN_CASE_STATUSES, Action, Status


def _organisation_ids(request: HttpRequest) -> list[int]:
    return list(official_organisations(request.user).values_list("pk", flat=True))


@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    organisation_ids = _organisation_ids(request)
    if not organisation_ids:
        raise PermissionDenied
    today = timezone.localdate()
    cases = []
    for proposal in selectors.open_cases(organisation_ids=organisation_ids):
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


def _form(action: Action, proposal: Proposal, data: QueryDict | None = None) -> Form:
    form_class = FORMS[action]
    kwargs: dict[str, Any] = {"prefix": action.value}
    if action in NEEDS_ORGANISATION:
        kwargs["organisation"] = proposal.organisation
    if action is Action.REGISTER and data is None:
        kwargs["initial"] = {"registered_on": timezone.localdate()}
    return form_class(data, **kwargs)


def _apply(actor: User, action: Action, proposal: Proposal, data: dict[str, Any]) -> None:
    """Take ``action`` on the case with what its form (if it has one) cleaned."""
    if action in {Action.PUBLISH, Action.LODGE}:
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
        services.proposal_decide(
            actor=actor,
            proposal=proposal,
            outcome=data["outcome"],
            decided_on=data["decided_on"],
            decided_by=data["decided_by"],
            minutes_reference=data["minutes_reference"],
            answer=data["answer"],
        )
    elif action is Action.WRITE_OFF:
        services.proposal_write_off(
            actor=actor,
            proposal=proposal,
            decided_on=data["decided_on"],
            minutes_reference=data["minutes_reference"],
        )
    else:
        raise PermissionDenied


def _staff_actions(proposal: Proposal) -> list[Action]:
    """The steps staff may take on the case now (the others are the author's or automatic)."""
    if proposal.status == Status.COLLECTING:
        return []  # supports decide, not staff
    actions = [
        a
        for a in MACHINE.allowed_actions(proposal.status)
        if a not in {Action.WITHDRAW, Action.EXPIRE, Action.SUBMIT}
    ]
    if proposal.reported_unfinished_on is None:
        actions = [a for a in actions if a is not Action.WRITE_OFF]
    return actions


def _posted_action(request: HttpRequest, actions: list[Action]) -> Action:
    try:
        action = Action(request.POST.get("action", ""))
    except ValueError:
        raise PermissionDenied from None
    if action not in actions:
        raise PermissionDenied
    return action


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
    actor = cast(User, request.user)
    actions = _staff_actions(proposal)
    forms = {a: _form(a, proposal) for a in actions if a in FORMS}
    reason_form = UnfinishedReasonForm(
        prefix="reason", initial={"reason": proposal.unfinished_reason}
    )
    if request.method == "POST" and request.POST.get("action") == "unfinished_reason":
        reason_form = UnfinishedReasonForm(request.POST, prefix="reason")
        if reason_form.is_valid():
            with form_errors(reason_form):
                services.proposal_set_unfinished_reason(
                    actor=actor, proposal=proposal, reason=reason_form.cleaned_data["reason"]
                )
                messages.success(request, _("Förklaringen är sparad."))
                return redirect("proposals:staff_case", pk=proposal.pk)
    elif request.method == "POST":
        action = _posted_action(request, actions)
        if action not in FORMS:
            # A refusal of a step without a form is shown by the error middleware.
            _apply(actor, action, proposal, {})
            messages.success(request, _("Ärendet är uppdaterat."))
            return redirect("proposals:staff_case", pk=proposal.pk)
        form = forms[action] = _form(action, proposal, request.POST)
        if form.is_valid():
            with form_errors(form):
                _apply(actor, action, proposal, form.cleaned_data)
                messages.success(request, _("Ärendet är uppdaterat."))
                return redirect("proposals:staff_case", pk=proposal.pk)
    return render(
        request,
        "proposals/staff/case.html",
        {
            "proposal": proposal,
            "simple_actions": [a for a in actions if a not in FORMS],
            "forms": [(a, forms[a]) for a in actions if a in FORMS],
            "reason_form": reason_form,
            "deadline": selectors.deadline_for(proposal=proposal),
            "case_open": proposal.status in OPEN_CASE_STATUSES,
            "events": proposal.events.select_related("actor"),
        },
        status=max(form_status(f) for f in [reason_form, *forms.values()]),
    )


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
        for p in selectors.unfinished_for_report(organisation=organisation, report_date=report_date)
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
        with form_errors(reported_form):
            count = services.proposals_report_unfinished(
                actor=cast(User, request.user),
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
    status = max(form_status(context["form"]), form_status(reported_form))
    return render(request, "proposals/staff/report.html", context, status=status)


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


RulesForm = ProposalSettingsForm | IntakeRuleForm | CategoryForm


def _change_rules(
    request: HttpRequest, organisation: Organisation, action: str, form: RulesForm
) -> bool:
    """Make the change ``action`` names with what ``form`` cleaned; False if there is none."""
    actor = cast(User, request.user)
    if action == "delete_category":
        category_id = id_param(request.POST, "pk") or 0  # 0: none
        return services.category_delete(
            actor=actor, organisation=organisation, category_id=category_id
        )
    if not form.is_valid():
        return False
    data = form.cleaned_data
    if action == "settings":
        services.proposal_settings_update(
            actor=actor,
            organisation=organisation,
            enabled=data["enabled"],
            support_phase=data["support_phase"],
            threshold_kind=ProposalSettings.ThresholdKind(data["threshold_kind"]),
            threshold_value=data["threshold_value"],
            population=data["population"],
            support_period_days=data["support_period_days"],
            residents_only=data["residents_only"],
            intake_rules=data["intake_rules"],
            repeat_window_months=data["repeat_window_months"],
            report_months=data["report_months"],
            case_number_format=data["case_number_format"],
            reminder_days=data["reminder_days"],
        )
    elif action == "rule":
        services.intake_rule_add(
            actor=actor,
            organisation=organisation,
            title=data["title"],
            explanation=data["explanation"],
        )
    else:
        services.category_add(
            actor=actor,
            organisation=organisation,
            name=data["name"],
            skips_support=data["skips_support"],
        )
    return True


@staff_required
def rules_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Every local rule for proposals, edited by the organisation's officials."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm("proposals.handle_proposal", organisation):
        raise PermissionDenied
    rules, _created = ProposalSettings.objects.get_or_create(organisation=organisation)
    posted = request.POST if request.method == "POST" else None
    action = request.POST.get("action", "") if posted is not None else None
    forms: dict[str, RulesForm] = {
        "settings": ProposalSettingsForm(
            posted if action == "settings" else None, prefix="rules", instance=rules
        ),
        "rule": IntakeRuleForm(
            posted if action == "rule" else None,
            prefix="rule",
            instance=IntakeRule(organisation=organisation),
        ),
        "category": CategoryForm(
            posted if action == "category" else None,
            prefix="category",
            instance=Category(organisation=organisation),
        ),
    }
    status = 200
    if action is not None:
        if action not in {*forms, "delete_category"}:
            raise PermissionDenied
        # Deleting a category has no form of its own; nothing deleted is shown as a 400.
        form = forms["category" if action == "delete_category" else action]
        with form_errors(form):
            if _change_rules(request, organisation, action, form):
                messages.success(request, _("Reglerna är sparade."))
                return redirect("proposals:staff_rules", slug=organisation.slug)
        status = max(400, form_status(form))
    return render(
        request,
        "proposals/staff/rules.html",
        {
            "organisation": organisation,
            "form": forms["settings"],
            "rule_form": forms["rule"],
            "category_form": forms["category"],
            "intake_rules": IntakeRule.objects.filter(organisation=organisation),
            "categories": Category.objects.filter(organisation=organisation),
        },
        status=status,
    )
