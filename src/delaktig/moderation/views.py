"""Moderation pages: the public figures and conversation rules, the statement of reasons a
writer reads (and asks for a review on), and the moderators' decisions."""

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from delaktig.accounts.types import User
from delaktig.core.contributions import moderated_kind
from delaktig.core.forms import form_errors, form_status, markdown_preview
from delaktig.organisations.models import Organisation

from . import checks, selectors, services
from .forms import ReleaseForm, ReviewForm, ReviewRequestForm, WithholdForm
from .models import ConversationRules, Decision, ScreeningTerm


def figures(request: HttpRequest, slug: str) -> HttpResponse:
    """Moderation figures for one organisation and year, public."""
    organisation = get_object_or_404(Organisation, slug=slug)
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("ar", this_year))
    except ValueError:
        year = this_year
    year = min(max(year, 2000), this_year)
    return render(
        request,
        "moderation/figures.html",
        {
            "organisation": organisation,
            "figures": selectors.figures(organisation_id=organisation.pk, year=year),
            "years": range(this_year, this_year - 5, -1),
            "rules": ConversationRules.objects.filter(organisation=organisation).first(),
        },
    )


def conversation_rules(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    rules = get_object_or_404(ConversationRules, organisation=organisation)
    return render(request, "moderation/rules.html", {"organisation": organisation, "rules": rules})


def _decision_context(request: HttpRequest, decision: Decision) -> dict[str, Any]:
    moderated = moderated_kind(decision.kind)
    item = moderated.model.objects.filter(pk=decision.object_id).first()
    if item is None:
        raise Http404
    user = request.user
    is_moderator = user.has_perm("moderation.moderate_item", decision)
    if not is_moderator and decision.author_id != user.pk:
        raise Http404
    latest = services.latest_decision(kind=decision.kind, object_id=decision.object_id)
    return {
        "decision": decision,
        "kind": moderated,
        "item": item,
        "text": moderated.text(item),
        "item_url": moderated.url(item),
        "is_moderator": is_moderator,
        "is_current": latest is not None and latest.pk == decision.pk,
        "history": selectors.history(decision=decision),
        "explanations": [checks.explain_record(f) for f in decision.findings],
        "may_review": user.has_perm("moderation.review_decision", decision)
        and user.has_perm(moderated.permission, decision),
        "may_decide": user.has_perm(moderated.permission, decision),
    }


@login_required
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    """The statement of reasons: what was decided, under which rule, why, whether screening
    or a person decided, and the one review. The author and the organisation's staff see it."""
    decision = get_object_or_404(Decision.objects.select_related("organisation"), pk=pk)
    context = _decision_context(request, decision)
    action = request.POST.get("action") if request.method == "POST" else None
    forms = {
        "request_form": ReviewRequestForm(request.POST if action == "request" else None),
        "review_form": ReviewForm(request.POST if action == "review" else None),
        "withhold_form": WithholdForm(
            request.POST if action == "withhold" else None,
            allow_hide=context["kind"].hides_in_place and decision.action != Decision.Action.HELD,
            initial={"rule": decision.rule or "other"},
        ),
        "release_form": ReleaseForm(request.POST if action == "release" else None),
    }
    done = _act(request, decision, context, action, forms)
    if done is not None:
        return done
    status = max(form_status(form) for form in forms.values())
    return render(request, "moderation/decision.html", context | forms, status=status)


def _act(
    request: HttpRequest,
    decision: Decision,
    context: dict[str, Any],
    action: str | None,
    forms: dict[str, Any],
) -> HttpResponse | None:
    actor = cast(User, request.user)
    form = {
        "request": forms["request_form"],
        "review": forms["review_form"],
        "withhold": forms["withhold_form"],
        "release": forms["release_form"],
    }.get(action or "")
    if form is None or not form.is_valid():
        return None
    with form_errors(form):
        if action == "request":
            services.decision_review_request(
                actor=actor, decision=decision, explanation=form.cleaned_data["explanation"]
            )
            messages.success(request, _("Din begäran om omprövning är skickad."))
            return redirect("moderation:decision", decision.pk)
        if action == "review":
            services.decision_review(actor=actor, decision=decision, **form.cleaned_data)
            messages.success(request, _("Omprövningen är klar. Den som skrev får ditt svar."))
            return redirect("moderation:queue")
        if not context["is_current"]:
            raise PermissionDenied
        kind, item = decision.kind, context["item"]
        if action == "withhold":
            new = services.decision_withhold(
                actor=actor,
                kind=kind,
                item=item,
                action=form.cleaned_data["withhold_as"],
                rule=form.cleaned_data["rule"],
                reason=form.cleaned_data["reason"],
                seen=decision.pk,
            )
        else:
            new = services.decision_release(
                actor=actor,
                kind=kind,
                item=item,
                reason=form.cleaned_data["reason"],
                seen=decision.pk,
            )
        messages.success(request, _("Beslutet är sparat. Den som skrev får veta."))
        return redirect("moderation:decision", new.pk)
    return None


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Texts screening held, and reviews waiting, for every kind of text."""
    if not request.user.has_perm("moderation.moderate_item"):
        raise PermissionDenied
    return render(
        request,
        "moderation/queue.html",
        {
            "held": selectors.held_waiting(viewer=request.user)[:100],
            "reviews": selectors.reviews_waiting(viewer=request.user)[:100],
        },
    )


@login_required
def rules_edit(request: HttpRequest, slug: str) -> HttpResponse:
    from .forms import ConversationRulesForm

    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm("moderation.change_conversationrules", organisation):
        raise PermissionDenied
    rules = ConversationRules.objects.filter(organisation=organisation).first()
    form = ConversationRulesForm(
        request.POST or None, initial={"text": rules.text if rules else ""}
    )
    if not markdown_preview(request, form) and request.method == "POST" and form.is_valid():
        with form_errors(form):
            services.conversation_rules_save(
                actor=cast(User, request.user), organisation=organisation, **form.cleaned_data
            )
            messages.success(request, _("Samtalsreglerna är sparade."))
            return redirect("moderation:rules_edit", organisation.slug)
    return render(
        request,
        "moderation/rules_edit.html",
        {"organisation": organisation, "rules": rules, "form": form},
        status=form_status(form),
    )


@login_required
def terms(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's own screening terms on top of the built-in lists, and exceptions."""
    from .forms import ScreeningTermForm

    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm("moderation.change_screeningterm", organisation):
        raise PermissionDenied
    form = ScreeningTermForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            services.screening_term_add(
                actor=cast(User, request.user), organisation=organisation, **form.cleaned_data
            )
            messages.success(request, _("Ordet är tillagt."))
            return redirect("moderation:terms", organisation.slug)
    return render(
        request,
        "moderation/terms.html",
        {
            "organisation": organisation,
            "terms": organisation.screening_terms.all(),
            "form": form,
        },
        status=form_status(form),
    )


@login_required
def term_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    from delaktig.core.confirm import confirm_required

    term = get_object_or_404(ScreeningTerm, organisation__slug=slug, pk=pk)
    if request.method != "POST":
        return redirect("moderation:terms", slug)
    if not request.user.has_perm("moderation.change_screeningterm", term):
        raise PermissionDenied
    asked = confirm_required(
        request,
        question=_("Vill du verkligen ta bort ”%(term)s” ur listan?") % {"term": term.text},
        consequence=_("Texter med ordet granskas då bara med de inbyggda listorna."),
        cancel_url=reverse("moderation:terms", args=[slug]),
    )
    if asked is not None:
        return asked
    services.screening_term_delete(actor=cast(User, request.user), term=term)
    messages.success(request, _("Ordet är borttaget."))
    return redirect("moderation:terms", slug)
