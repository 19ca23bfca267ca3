"""The reader's pages: the knowledge banks a person may read, one bank with their progress, a
part, its document, and marking a part as gone through."""

from typing import cast

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from delaktig.accounts.types import User
from delaktig.core.errors import PermissionDenied as NotAllowed
from delaktig.core.storage import stored_file_response
from delaktig.organisations.models import Organisation

from . import selectors, services
from .models import Part


def index(request: HttpRequest) -> HttpResponse:
    organisations = list(selectors.bank_organisations(viewer=request.user))
    if len(organisations) == 1:
        return redirect("knowledge:bank", slug=organisations[0].slug)
    return render(request, "knowledge/index.html", {"organisations": organisations})


def bank(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    view = selectors.bank(viewer=request.user, organisation=organisation)
    if not view.sections and not view.is_reader:
        if not request.user.is_authenticated:
            raise NotAllowed()  # a reader who has not logged in yet is sent to log in
        raise Http404
    return render(
        request,
        "knowledge/bank.html",
        {
            "bank": view,
            "organisation": organisation,
            "can_edit": request.user.has_perm("knowledge.change_knowledgebank", organisation),
        },
    )


def _part(request: HttpRequest, slug: str, pk: int) -> Part:
    part = get_object_or_404(
        Part.objects.select_related("organisation", "section"), pk=pk, organisation__slug=slug
    )
    if not request.user.has_perm("knowledge.view_part", part):
        if not request.user.is_authenticated:
            raise NotAllowed()  # the error middleware sends the person to log in
        raise Http404
    return part


def part(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    part = _part(request, slug, pk)
    audiences = selectors.viewer_audiences(request.user, part.organisation)
    return render(
        request,
        "knowledge/part.html",
        {
            "part": part,
            "done_at": selectors.part_done_at(viewer=request.user, part=part),
            "can_complete": request.user.has_perm("knowledge.complete_part", part),
            "for_viewer": part.is_for(audiences),
            "can_edit": request.user.has_perm("knowledge.change_knowledgebank", part.organisation),
        },
    )


def document(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    part = _part(request, slug, pk)
    if not part.document:
        raise Http404
    response = stored_file_response(
        part.document,
        content_type="application/pdf",
        filename=part.document_name or "dokument.pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    if not part.is_public:
        response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def completion(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Mark the part as gone through (``klar=1``) or take the mark back (``klar=0``)."""
    part = _part(request, slug, pk)
    actor = cast(User, request.user)
    if request.POST.get("klar") == "0":
        services.completion_undo(actor=actor, part=part)
        messages.success(request, _("Delen är inte längre markerad som genomgången."))
    else:
        services.completion_mark(actor=actor, part=part)
        messages.success(request, _("Delen är markerad som genomgången."))
    if request.POST.get("tillbaka") == "bank":
        return redirect("knowledge:bank", slug=part.organisation.slug)
    return redirect(part)
