"""Public pages for proposals: write, preview, submit, support, follow the case."""

import io
import json
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from delaktig.accounts.models import User
from delaktig.core import exports
from delaktig.core.errors import NotFound
from delaktig.core.forms import form_errors, form_status
from delaktig.core.http import no_store
from delaktig.core.paging import page_number
from delaktig.core.sites import list_scope, require_own_host
from delaktig.core.storage import stored_file_response
from delaktig.organisations.models import Organisation

from . import selectors, services
from .forms import ProposalFilterForm, ProposalForm, SupportForm
from .models import Attachment, Proposal, ProposalSettings, Support
from .statistics import proposal_statistics
from .workflow import Status


def _organisations_open_for_proposals() -> list[Organisation]:
    return list(Organisation.objects.filter(proposal_settings__enabled=True).order_by("name"))


def _filters(form: ProposalFilterForm) -> dict[str, Any]:
    """What the list's form chose, as the selector's arguments; nothing while it is invalid."""
    return dict(form.cleaned_data) if form.is_valid() else {}


# The list's heading says how many proposals match, exactly up to this many, and "more than"
# beyond: a count of every one of 100,000 proposals costs more than the page.
COUNT_CAP = 1000


def proposal_list(request: HttpRequest) -> HttpResponse:
    facets = selectors.list_facets()
    form = ProposalFilterForm(request.GET or None, facets=facets)
    proposals = selectors.public_list(**_filters(form), organisation=list_scope(request))
    page, count = selectors.public_page(
        proposals, number=page_number(request.GET), per_page=20, count_limit=COUNT_CAP + 1
    )
    context = {
        "form": form,
        "page": page,
        "proposals": page.items,
        "count": count,
        "count_cap": COUNT_CAP,
        "open_for_proposals": facets.open_for_proposals,
    }
    template = "proposals/list.html"
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "results":
        template = "proposals/_results.html"
    return render(request, template, context)


def _form_page(
    request: HttpRequest, form: ProposalForm, organisation: Organisation, proposal: Proposal | None
) -> HttpResponse:
    rules = ProposalSettings.objects.get(organisation=organisation)
    form.ask_for_rules(user=request.user, organisation=organisation)
    return render(
        request,
        "proposals/form.html",
        {
            "form": form,
            "organisation": organisation,
            "rules": rules,
            "proposal": proposal,
            "verification": getattr(request.user, "verification", None),
        },
        status=form_status(form),
    )


def _save_draft(
    request: HttpRequest, organisation: Organisation, proposal: Proposal | None
) -> HttpResponse:
    form = ProposalForm(
        request.POST or None, request.FILES or None, instance=proposal, organisation=organisation
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # On a refusal the form comes back with what was typed (files must be chosen again).
        with form_errors(form):
            saved = services.proposal_save_draft(
                actor=cast(User, request.user),
                organisation=organisation,
                proposal=proposal,
                title=data["title"],
                body=data["body"],
                background=data["background"],
                municipality=data["municipality"],
                category=data.get("category"),
                author_name=data["author_name"],
                files=data["attachments"],
                **form.screening_flags(),
            )
            messages.success(request, _("Utkastet är sparat. Granska det och skicka in."))
            return redirect("proposals:detail", pk=saved.pk)
    return _form_page(request, form, organisation, proposal)


@login_required
def proposal_create(request: HttpRequest) -> HttpResponse:
    organisations = _organisations_open_for_proposals()
    slug = request.GET.get("organisation") or request.POST.get("organisation")
    chosen = next((o for o in organisations if o.slug == slug), None)
    if chosen is None and len(organisations) == 1:
        chosen = organisations[0]
    if chosen is None:
        return render(
            request, "proposals/choose_organisation.html", {"organisations": organisations}
        )
    if request.method == "GET":
        user = cast(User, request.user)
        form = ProposalForm(organisation=chosen, initial={"author_name": user.display_name})
        return _form_page(request, form, chosen, None)
    return _save_draft(request, chosen, None)


@login_required
def proposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(
        Proposal.objects.select_related("organisation"),
        pk=pk,
        author=request.user,
        status=Status.DRAFT.value,
    )
    return _save_draft(request, proposal.organisation, proposal)


@login_required
@require_POST
def proposal_submit(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal, pk=pk, author=request.user, status=Status.DRAFT.value)
    if not request.POST.get("confirm_public"):
        messages.error(
            request, _("Bekräfta att du har läst att förslaget blir en allmän handling.")
        )
        return redirect("proposals:detail", pk=proposal.pk)
    services.proposal_submit(actor=cast(User, request.user), proposal=proposal)
    messages.success(
        request, _("Tack! Förslaget är inskickat. Du får e-post när det har kontrollerats.")
    )
    return redirect("proposals:detail", pk=proposal.pk)


def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.proposal_for_page(viewer=request.user, pk=pk)
    if proposal is None:
        raise Http404
    require_own_host(request, proposal.organisation)
    timeline = list(proposal.events.all())
    supported = None
    if request.user.is_authenticated and proposal.status == Status.COLLECTING:
        supported = Support.objects.filter(proposal=proposal, user=request.user).exists()
    return render(
        request,
        "proposals/detail.html",
        {
            "proposal": proposal,
            "timeline": timeline,
            "corrected": selectors.corrected_ids(timeline),
            "is_author": request.user.is_authenticated and proposal.author_id == request.user.pk,
            "supported": supported,
            "support_form": SupportForm(),
            "verification": getattr(request.user, "verification", None)
            if request.user.is_authenticated
            else None,
            "can_handle": request.user.has_perm("proposals.handle_proposal", proposal.organisation),
            "deadline": selectors.deadline_for(proposal=proposal),
            "support_open": proposal.status == Status.COLLECTING
            and proposal.support_ends_at is not None
            and timezone.now() < proposal.support_ends_at,
        },
    )


@require_POST
def proposal_support(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        proposal = get_object_or_404(Proposal.objects.public(), pk=pk)
        return redirect_to_login(proposal.get_absolute_url())
    # A refusal (support closed, not verified, supported from another account) is shown by
    # DelaktigErrorMiddleware, with a link back to the proposal.
    if request.POST.get("withdraw"):
        proposal = get_object_or_404(
            Proposal.objects.public().select_related("organisation__proposal_settings"), pk=pk
        )
        services.support_withdraw(actor=cast(User, request.user), proposal=proposal)
        messages.success(request, _("Ditt stöd är borttaget."))
    else:
        # The site's most frequent write: the proposal by its id alone, which the support's
        # one statement checks (``services.support_add``).
        form = SupportForm(request.POST)
        form.is_valid()
        try:
            services.support_add(
                actor=cast(User, request.user),
                proposal=pk,
                wants_updates=form.cleaned_data.get("wants_updates", False),
            )
        except NotFound:
            raise Http404 from None
        messages.success(request, _("Tack för ditt stöd!"))
    return redirect("proposals:detail", pk=pk)


@login_required
@require_POST
def proposal_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    author = cast(User, request.user)
    proposal = get_object_or_404(Proposal, pk=pk, author=author)
    services.proposal_withdraw(actor=author, proposal=proposal)
    messages.success(request, _("Förslaget är återkallat."))
    return redirect("proposals:mine")


@login_required
def my_proposals(request: HttpRequest) -> HttpResponse:
    proposals = (
        Proposal.objects.filter(author=cast(User, request.user))
        .select_related("organisation")
        .prefetch_related("events")
    )
    return render(request, "proposals/mine.html", {"proposals": proposals})


def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(Attachment.objects.select_related("proposal"), pk=pk)
    proposal = attachment.proposal
    if not request.user.has_perm("proposals.view_proposal", proposal):
        raise DjangoPermissionDenied
    # An attachment withheld at intake: the record, for staff and the author only.
    if attachment.withheld and not (
        proposal.author_id == request.user.pk
        or request.user.has_perm("proposals.handle_proposal", proposal.organisation)
    ):
        raise DjangoPermissionDenied
    response = stored_file_response(
        attachment.file,
        content_type=attachment.content_type,
        as_attachment=attachment.content_type == "application/pdf",
        filename=attachment.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Open data: no personal data beyond the published name. ---

EXPORT_FIELDS = [
    "id",
    "title",
    "body",
    "background",
    "author_name",
    "organisation",
    "municipality",
    "category",
    "status",
    "published_at",
    "support_count",
    "support_threshold",
    "case_number",
    "registered_on",
    "outcome",
    "decided_on",
    "minutes_reference",
    "answer",
]


def _export_rows(request: HttpRequest) -> list[dict[str, Any]]:
    form = ProposalFilterForm(request.GET or None)
    rows = []
    for p in selectors.public_list(**_filters(form)).iterator(chunk_size=2000):
        rows.append(
            {
                "id": p.pk,
                "title": p.public_title,
                "body": p.public_body,
                "background": p.public_background,
                "author_name": p.public_author_name,
                "organisation": p.organisation.name,
                "municipality": p.municipality.name if p.municipality else "",
                "category": p.category.name if p.category else "",
                "status": p.status,
                "published_at": p.published_at.isoformat() if p.published_at else "",
                "support_count": p.support_count,
                "support_threshold": p.support_threshold or "",
                "case_number": p.case_number or "",
                "registered_on": p.registered_on.isoformat() if p.registered_on else "",
                "outcome": p.outcome,
                "decided_on": p.decided_on.isoformat() if p.decided_on else "",
                "minutes_reference": p.minutes_reference,
                "answer": p.answer,
            }
        )
    return rows


@no_store
def export_csv(request: HttpRequest) -> HttpResponse:
    out = io.StringIO()
    writer = exports.DictWriter(out, fieldnames=EXPORT_FIELDS)
    writer.writeheader()
    writer.writerows(_export_rows(request))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="medborgarforslag.csv"'
    return response


@no_store
def export_json(request: HttpRequest) -> HttpResponse:
    return HttpResponse(
        json.dumps(_export_rows(request), ensure_ascii=False, indent=1),
        content_type="application/json",
    )


def statistics(request: HttpRequest) -> HttpResponse:
    return render(request, "proposals/statistics.html", {"stats": proposal_statistics()})


class ProposalFeed(Feed[Proposal, None]):
    feed_type = Atom1Feed
    title = gettext_lazy("Medborgarförslag")
    subtitle = gettext_lazy("Nya förslag och förslag som har fått beslut.")

    def link(self) -> str:
        return reverse("proposals:list")

    def items(self) -> Any:
        return Proposal.objects.public().order_by("-published_at")[:30]

    def item_title(self, item: Proposal) -> str:
        return f"{item.public_title} ({item.get_status_display()})"

    def item_description(self, item: Proposal) -> str:
        return item.public_body[:500]

    def item_pubdate(self, item: Proposal) -> Any:
        return item.published_at
