"""Staff pages for the case: intake, registration, referral, decision, the statutory year."""

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from delaktig.accounts.decorators import staff_required
from delaktig.accounts.roles import official_organisations
from delaktig.accounts.types import User
from delaktig.core.confirm import confirm_required, is_confirmed, rehearse
from delaktig.core.forms import form_errors, form_status, markdown_preview
from delaktig.core.params import BadParameter, id_param
from delaktig.organisations.models import Organisation

from . import deadlines, selectors, services
from .forms import (
    CategoryForm,
    DecideForm,
    DecisionCorrectionForm,
    DecisionProposalForm,
    IntakeRuleForm,
    ProposalSettingsForm,
    RedactionForm,
    ReferForm,
    RegisterForm,
    RegistrationCorrectionForm,
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
    intake = list(base.filter(status=Status.SUBMITTED.value).order_by("submitted_at"))
    return render(
        request,
        "proposals/staff/dashboard.html",
        {
            "intake": intake,
            "held": selectors.held_ids(proposals=intake),
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

# Asked before each step on the case (core.confirm): none of them can be taken back.
CONFIRM_STEP = {
    Action.PUBLISH: (
        gettext_lazy("Vill du verkligen publicera förslaget ”%(title)s” för stödinsamling?"),
        gettext_lazy("Förslaget blir synligt för alla och börjar samla stöd."),
    ),
    Action.LODGE: (
        gettext_lazy("Vill du verkligen väcka förslaget ”%(title)s” utan stödinsamling?"),
        gettext_lazy("Förslaget blir synligt för alla och går vidare till diarieföring."),
    ),
    Action.REJECT: (
        gettext_lazy("Vill du verkligen avvisa förslaget ”%(title)s”?"),
        gettext_lazy("Förslagsställaren får beskedet med motiveringen, och ärendet avslutas."),
    ),
    Action.REGISTER: (
        gettext_lazy("Vill du verkligen diarieföra förslaget ”%(title)s”?"),
        gettext_lazy(
            "Förslaget får ett diarienummer och tiden för beslut börjar löpa. Uppgifterna "
            "kan rättas i efterhand, men steget kan inte tas tillbaka."
        ),
    ),
    Action.REFER: (
        gettext_lazy("Vill du verkligen remittera förslaget ”%(title)s”?"),
        gettext_lazy("Remissen visas i förslagets offentliga tidslinje."),
    ),
    Action.PROPOSE_DECISION: (
        gettext_lazy("Vill du verkligen registrera förslaget till beslut för ”%(title)s”?"),
        gettext_lazy("Förslaget till beslut visas i förslagets offentliga tidslinje."),
    ),
    Action.DECIDE: (
        gettext_lazy("Vill du verkligen registrera beslutet om förslaget ”%(title)s”?"),
        gettext_lazy(
            "Ärendet avslutas, beslutet och svaret publiceras och förslagsställaren får e-post."
        ),
    ),
    Action.WRITE_OFF: (
        gettext_lazy("Vill du verkligen skriva av förslaget ”%(title)s”?"),
        gettext_lazy("Ärendet avslutas utan beslut i sak."),
    ),
}


def _confirm_step(request: HttpRequest, proposal: Proposal, action: Action) -> HttpResponse | None:
    """The confirmation page for a step on the case, or None once it is confirmed."""
    if action not in CONFIRM_STEP:
        return None
    question, consequence = CONFIRM_STEP[action]
    return confirm_required(
        request,
        question=question % {"title": proposal.title},
        consequence=str(consequence),
        cancel_url=reverse("proposals:staff_case", args=[proposal.pk]),
    )


def _form(action: Action, proposal: Proposal, data: QueryDict | None = None) -> Form:
    form_class = FORMS[action]
    kwargs: dict[str, Any] = {"prefix": action.value}
    if action in NEEDS_ORGANISATION:
        kwargs["organisation"] = proposal.organisation
    if action is Action.REGISTER and data is None:
        kwargs["initial"] = {"registered_on": timezone.localdate()}
    form = form_class(data, **kwargs)
    _limit_dates(form, proposal)
    return form


def _limit_dates(form: Form, proposal: Proposal) -> None:
    """Offer only the days the service accepts in the browser's date picker (the service
    still checks: the form is sent with ``novalidate``)."""
    today = timezone.localdate().isoformat()
    for name, first in (
        ("registered_on", proposal.submitted_at and timezone.localdate(proposal.submitted_at)),
        ("decided_on", proposal.registered_on),
    ):
        if name in form.fields:
            attrs = form.fields[name].widget.attrs
            attrs["max"] = today
            if first:
                attrs["min"] = first.isoformat()


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
        if a not in {Action.WITHDRAW, Action.EXPIRE, Action.SUBMIT, Action.REOPEN}
    ]
    if selectors.held_for_moderation(proposal=proposal) is not None:
        # A person releases what screening held before it can be published.
        actions = [a for a in actions if a not in {Action.PUBLISH, Action.LODGE}]
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


def _other_forms(request: HttpRequest, proposal: Proposal, posted: str) -> dict[str, Form]:
    """The case page's forms besides the next steps, by their action; the posted one bound."""
    data = request.POST if request.method == "POST" else None
    user = request.user
    forms: dict[str, Form] = {
        "unfinished_reason": UnfinishedReasonForm(
            data if posted == "unfinished_reason" else None,
            prefix="reason",
            initial={"reason": proposal.unfinished_reason},
        )
    }
    if proposal.status == Status.SUBMITTED and user.has_perm("proposals.redact_proposal", proposal):
        forms["redact"] = RedactionForm(
            data if posted == "redact" else None,
            prefix="redact",
            proposal=proposal,
            initial={
                "title": proposal.public_title,
                "body": proposal.public_body,
                "background": proposal.public_background,
                "withheld": [a.pk for a in proposal.attachments.all() if a.withheld],
            },
        )
    if not user.has_perm("proposals.correct_proposal", proposal):
        return forms
    if proposal.registered_on is not None and proposal.case_number:
        forms["correct_registration"] = RegistrationCorrectionForm(
            data if posted == "correct_registration" else None,
            prefix="fix-reg",
            initial={"registered_on": proposal.registered_on, "case_number": proposal.case_number},
        )
    if proposal.status == Status.DECIDED:
        forms["correct_decision"] = DecisionCorrectionForm(
            data if posted == "correct_decision" else None,
            prefix="fix-dec",
            organisation=proposal.organisation,
            initial={
                "outcome": proposal.outcome,
                "decided_by": proposal.decided_by_id,
                "decided_on": proposal.decided_on,
                "minutes_reference": proposal.minutes_reference,
                "answer": proposal.answer,
            },
        )
    for form in forms.values():
        _limit_dates(form, proposal)
    return forms


def _changed(form: Form, name: str) -> Any:
    """The cleaned value if the official changed it, else None (the service keeps it)."""
    return form.cleaned_data[name] if name in form.changed_data else None


def _apply_other(actor: User, posted: str, proposal: Proposal, form: Form) -> str:
    """Save what one of the other forms holds; the message to show."""
    data = form.cleaned_data
    if posted == "unfinished_reason":
        services.proposal_set_unfinished_reason(
            actor=actor, proposal=proposal, reason=data["reason"]
        )
        return _("Förklaringen är sparad.")
    if posted == "redact":
        services.proposal_redact(
            actor=actor,
            proposal=proposal,
            title=data["title"],
            body=data["body"],
            background=data["background"],
            withheld=data.get("withheld", ()),
        )
        return _("Texten som publiceras är sparad. Originalet finns kvar som allmän handling.")
    if posted == "correct_registration":
        services.registration_correct(
            actor=actor,
            proposal=proposal,
            reason=data["reason"],
            registered_on=_changed(form, "registered_on"),
            case_number=_changed(form, "case_number") or "",
        )
    else:
        services.decision_correct(
            actor=actor,
            proposal=proposal,
            reason=data["reason"],
            outcome=_changed(form, "outcome"),
            decided_on=_changed(form, "decided_on"),
            decided_by=_changed(form, "decided_by"),
            minutes_reference=_changed(form, "minutes_reference"),
            answer=_changed(form, "answer"),
        )
    return _("Rättelsen är sparad och visas i ärendets tidslinje.")


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
            "rejection_rule",
        ),
        pk=pk,
    )
    if not request.user.has_perm("proposals.handle_proposal", proposal.organisation):
        raise PermissionDenied
    actor = cast(User, request.user)
    actions = _staff_actions(proposal)
    forms = {a: _form(a, proposal) for a in actions if a in FORMS}
    posted = request.POST.get("action", "") if request.method == "POST" else ""
    other = _other_forms(request, proposal, posted)
    if posted in other:
        form = other[posted]
        if not markdown_preview(request, form) and form.is_valid():
            with form_errors(form):
                messages.success(request, _apply_other(actor, posted, proposal, form))
                return redirect("proposals:staff_case", pk=proposal.pk)
    elif request.method == "POST":
        action = _posted_action(request, actions)
        if action not in FORMS:
            if page := _confirm_step(request, proposal, action):
                return page
            # A refusal of a step without a form is shown by the error middleware.
            _apply(actor, action, proposal, {})
            messages.success(request, _("Ärendet är uppdaterat."))
            return redirect("proposals:staff_case", pk=proposal.pk)
        form = forms[action] = _form(action, proposal, request.POST)
        if not markdown_preview(request, form) and form.is_valid():
            if action in CONFIRM_STEP and not is_confirmed(request):
                with form_errors(form):  # a refusal comes before the question, not after it
                    rehearse(lambda: _apply(actor, action, proposal, form.cleaned_data))
                    return cast(HttpResponse, _confirm_step(request, proposal, action))
            else:
                with form_errors(form):
                    _apply(actor, action, proposal, form.cleaned_data)
                    messages.success(request, _("Ärendet är uppdaterat."))
                    return redirect("proposals:staff_case", pk=proposal.pk)
    screening_decision, screening_findings = selectors.screening_note(proposal=proposal)
    events = list(proposal.events.select_related("actor"))
    return render(
        request,
        "proposals/staff/case.html",
        {
            "proposal": proposal,
            "screening_decision": screening_decision,
            "screening_findings": screening_findings,
            "held": selectors.held_for_moderation(proposal=proposal),
            "simple_actions": [a for a in actions if a not in FORMS],
            "forms": [(a, forms[a]) for a in actions if a in FORMS],
            "other": other,
            "deadline": selectors.deadline_for(proposal=proposal),
            "case_open": proposal.status in OPEN_CASE_STATUSES,
            "attachments": proposal.attachments.all(),
            "events": events,
            "corrected": selectors.corrected_ids(events),
        },
        status=max(form_status(f) for f in [*other.values(), *forms.values()]),
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
        # The report's date, unless it is still to come: a day in the future is refused.
        initial={"reported_on": min(context["report_date"], timezone.localdate())},
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
        if not markdown_preview(request, form):
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
