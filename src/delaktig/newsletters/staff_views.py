"""Staff pages: write a newsletter, choose its segment, preview it in each language with the
number of recipients, send it, and follow the sending (queued, sent, failed)."""

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from delaktig.accounts.decorators import staff_required
from delaktig.accounts.roles import official_organisations
from delaktig.accounts.types import User
from delaktig.core.confirm import confirm_required
from delaktig.core.forms import form_errors, form_status, markdown_preview
from delaktig.core.languages import SOURCE, language
from delaktig.core.markdown import render_markdown
from delaktig.organisations.models import Organisation

from . import selectors, services
from .forms import NewsletterForm
from .models import Newsletter


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm("newsletters.manage_newsletter", organisation):
        raise PermissionDenied
    return organisation


def _newsletter(request: HttpRequest, pk: int, perm: str) -> Newsletter:
    newsletter = get_object_or_404(Newsletter.objects.select_related("organisation"), pk=pk)
    if not request.user.has_perm(perm, newsletter):
        raise PermissionDenied
    return newsletter


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    organisations = list(official_organisations(request.user).order_by("name"))
    if len(organisations) == 1:
        return redirect("newsletters_staff:organisation", slug=organisations[0].slug)
    return render(request, "newsletters/staff/index.html", {"organisations": organisations})


@staff_required
def organisation(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(request, slug)
    newsletters = selectors.staff_newsletters(organisation=organisation)
    return render(
        request,
        "newsletters/staff/organisation.html",
        {
            "organisation": organisation,
            "newsletters": [(n, selectors.status_label(n)) for n in newsletters],
            "subscribers": selectors.subscriber_counts(organisation=organisation),
        },
    )


def _fields(form: NewsletterForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "subject": data["subject"],
        "preamble": data["preamble"],
        "body": data["body"],
        "to_subscribers": data["to_subscribers"],
        "combine": data["combine"],
        **{
            name: list(data[name])
            for name in ("municipalities", "perspectives", "sdg_goals", "processes", "councils")
        },
    }


@staff_required
def create(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(request, slug)
    form = NewsletterForm(request.POST or None, organisation=organisation)
    if not markdown_preview(request, form) and request.method == "POST" and form.is_valid():
        with form_errors(form):
            newsletter = services.newsletter_create(
                actor=cast(User, request.user), organisation=organisation, **_fields(form)
            )
            messages.success(request, _("Utkastet är sparat."))
            return redirect("newsletters_staff:detail", pk=newsletter.pk)
    return render(
        request,
        "newsletters/staff/form.html",
        {"form": form, "organisation": organisation, "newsletter": None},
        status=form_status(form),
    )


@staff_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    newsletter = _newsletter(request, pk, "newsletters.manage_newsletter")
    if not newsletter.is_draft:
        return redirect("newsletters_staff:detail", pk=newsletter.pk)
    form = NewsletterForm(
        request.POST or None, instance=newsletter, organisation=newsletter.organisation
    )
    if not markdown_preview(request, form) and request.method == "POST" and form.is_valid():
        with form_errors(form):
            services.newsletter_update(
                actor=cast(User, request.user),
                newsletter=Newsletter.objects.get(pk=newsletter.pk),
                **_fields(form),
            )
            messages.success(request, _("Utkastet är sparat."))
            return redirect("newsletters_staff:detail", pk=newsletter.pk)
    return render(
        request,
        "newsletters/staff/form.html",
        {"form": form, "organisation": newsletter.organisation, "newsletter": newsletter},
        status=form_status(form),
    )


def _previews(newsletter: Newsletter, counts: dict[str, int]) -> list[dict[str, Any]]:
    """The newsletter as each of the organisation's languages' readers would get it."""
    previews = []
    for code in selectors.subscription_languages(newsletter.organisation):
        translated = code == SOURCE or newsletter.has_translation(code)
        shown = code if translated else SOURCE
        previews.append(
            {
                "code": code,
                "name": language(code).name_local,
                "name_tag": language(code).tag,
                "name_rtl": language(code).rtl,
                "translated": translated,
                "stale": any(newsletter.is_stale(f, code) for f in newsletter.translated_fields),
                "count": counts.get(code, 0),
                "tag": language(shown).tag,
                "rtl": language(shown).rtl,
                "subject": newsletter.tr("subject", shown),
                "preamble": newsletter.tr("preamble", shown),
                "body_html": render_markdown(newsletter.tr("body", shown)),
            }
        )
    return previews


@staff_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    newsletter = _newsletter(request, pk, "newsletters.view_newsletter")
    context: dict[str, Any] = {
        "newsletter": newsletter,
        "organisation": newsletter.organisation,
        "status": selectors.status_label(newsletter),
        "may_manage": request.user.has_perm("newsletters.manage_newsletter", newsletter),
    }
    if newsletter.is_draft:
        segment = selectors.segment(newsletter)
        context.update(segment=segment, previews=_previews(newsletter, segment.languages))
    else:
        context["progress"] = selectors.progress(newsletter)
    if request.headers.get("HX-Request") and not newsletter.is_draft:
        return render(request, "newsletters/staff/progress.html", context)
    return render(request, "newsletters/staff/detail.html", context)


@staff_required
@require_POST
def send(request: HttpRequest, pk: int) -> HttpResponse:
    newsletter = _newsletter(request, pk, "newsletters.manage_newsletter")
    if not newsletter.is_draft:
        return redirect("newsletters_staff:detail", pk=newsletter.pk)
    total = selectors.segment(newsletter).total
    page = confirm_required(
        request,
        question=_("Vill du verkligen skicka ”%(subject)s”?") % {"subject": newsletter.subject},
        consequence=_(
            "Nyhetsbrevet skickas till %(count)s adresser och kan inte ändras eller tas "
            "tillbaka efteråt."
        )
        % {"count": total},
        cancel_url=reverse("newsletters_staff:detail", args=[newsletter.pk]),
        confirm_label=_("Skicka"),
    )
    if page is not None:
        return page
    count = services.newsletter_send(actor=cast(User, request.user), newsletter=newsletter)
    messages.success(request, _("Nyhetsbrevet skickas till %(count)s adresser.") % {"count": count})
    return redirect("newsletters_staff:detail", pk=newsletter.pk)
