"""The public pages of a consultation on a draft: the document (a version of it), one passage
with its comments and the comment form, the comments on the whole document, agreeing with a
comment, an invited organisation's page, and the comparison of two versions. Every form works
without JavaScript; htmx only swaps the agree button in place. The staff pages are in
``staff_views.py``, the compilation in ``compilation_views.py``."""

from typing import Any, cast
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from delaktig.accounts.types import User
from delaktig.core.errors import PermissionDenied
from delaktig.core.forms import form_errors, form_status
from delaktig.core.params import id_param, int_param
from delaktig.participation.access import visible_module
from delaktig.translations.access import prefetch

from . import selectors, services
from .forms import CommentForm, CompareForm
from .models import Comment, Consultation, DocumentVersion, Invitation
from .workflow import ConsultationStatus


def _consultation(request: HttpRequest, module_pk: int) -> Consultation:
    """The consultation of a module the visitor may see, once its first version is out (a
    draft consultation is the staff's preview, not here)."""
    module = visible_module(request, module_pk, "consultation")
    consultation = selectors.consultation_of(module)
    if consultation is None or consultation.status == ConsultationStatus.DRAFT:
        raise Http404
    consultation.module = module
    return consultation


def _base(consultation: Consultation, versions: list[DocumentVersion]) -> dict[str, Any]:
    if not versions:
        raise Http404
    module = consultation.module
    prefetch([consultation, module, module.process])
    return {
        "consultation": consultation,
        "module": module,
        "process": module.process,
        "stage": selectors.stage(consultation),
        "versions": versions,
        "current": versions[-1],
        "published": consultation.status == ConsultationStatus.PUBLISHED,
    }


def _person(request: HttpRequest) -> User:
    return cast(User, request.user)


# --- The document ------------------------------------------------------------------------------


def document(request: HttpRequest, module_pk: int, number: int | None = None) -> HttpResponse:
    consultation = _consultation(request, module_pk)
    versions = selectors.published_versions(consultation)
    context = _base(consultation, versions)
    version = context["current"]
    if number is not None:
        version = next((v for v in versions if v.number == number), None)
        if version is None:
            raise Http404
    counts = services.comment_counts(consultation)
    passages = selectors.document(version, counts)
    context |= {
        "version": version,
        "is_current": version.pk == context["current"].pk,
        "passages": passages,
        "headings": [p for p in passages if p.heading_tag],
        "whole_count": services.visible(consultation.comments.filter(paragraph=None)).count(),
        "invitations": selectors.invitation_rows(consultation),
        "speaks_for": services.invitations_for(user=_person(request), consultation=consultation),
    }
    return render(request, "consultations/document.html", context)


# --- Commenting ----------------------------------------------------------------------------------


def paragraph(request: HttpRequest, module_pk: int, key: int) -> HttpResponse:
    consultation = _consultation(request, module_pk)
    versions = selectors.published_versions(consultation)
    found = selectors.passage(consultation, key, versions)
    if found is None:
        raise Http404
    return _comment_page(request, consultation, versions, found)


def whole_document(request: HttpRequest, module_pk: int) -> HttpResponse:
    consultation = _consultation(request, module_pk)
    versions = selectors.published_versions(consultation)
    return _comment_page(request, consultation, versions, None)


def _page_url(consultation: Consultation, key: int | None) -> str:
    if key is None:
        return reverse("consultations:whole", kwargs={"module_pk": consultation.module_id})
    return reverse(
        "consultations:paragraph", kwargs={"module_pk": consultation.module_id, "key": key}
    )


def _comment_page(
    request: HttpRequest,
    consultation: Consultation,
    versions: list[DocumentVersion],
    found: selectors.Found | None,
) -> HttpResponse:
    """A passage's page (``found``) or the whole document's (None): the comments and, while
    commenting is open on it, the form."""
    context = _base(consultation, versions)
    key = found.paragraph.key if found is not None else None
    here = _page_url(consultation, key)
    can_comment = context["stage"].is_open and (found is None or not found.removed)
    if request.method == "POST" and not request.user.is_authenticated:
        return redirect_to_login(here)
    form = None
    if can_comment and request.user.is_authenticated:
        form = _comment_form(request, consultation)
        if request.method == "POST" and form.is_valid():
            with form_errors(form):
                comment = services.comment_submit(
                    actor=_person(request),
                    consultation=consultation,
                    paragraph=found.paragraph if found is not None else None,
                    **form.comment(),
                )
                messages.success(request, _said(comment))
                return redirect(comment_url(here, comment.pk))
    status = form_status(form) if form is not None else 200
    if request.method == "POST" and form is None:
        status = 409  # the comment period is not running (the page says why)
    page, items = selectors.shown_comments(
        consultation,
        viewer=request.user,
        key=key,
        here=found.paragraph if found is not None else None,
        can_agree=context["stage"].is_open,
        number=int_param(request.GET, "sida", 1, minimum=1) or 1,
        # A link to one comment opens its page (an explicit page wins: the page links).
        focus=None if "sida" in request.GET else id_param(request.GET, "synpunkt"),
    )
    context |= {
        "found": found,
        "here": here,
        "form": form,
        "can_comment": can_comment,
        "page": page,
        "items": items,
        "login_url": f"{reverse('account_login')}?next={quote(here + '#lamna-synpunkt')}",
    }
    template = "consultations/paragraph.html" if found else "consultations/whole.html"
    return render(request, template, context, status=status)


def comment_url(page_url: str, comment_pk: int) -> str:
    """The address of one comment: its passage's page that holds it (``?synpunkt=``)."""
    return f"{page_url}?synpunkt={comment_pk}#synpunkt-{comment_pk}"


def _comment_form(request: HttpRequest, consultation: Consultation) -> CommentForm:
    speaks = services.invitations_for(user=_person(request), consultation=consultation)
    chosen = request.GET.get("for", "")
    initial = {"invitation": chosen} if chosen in {str(i.pk) for i in speaks} else {}
    form = CommentForm(
        request.POST if request.method == "POST" else None,
        consultation=consultation,
        speaks_for=speaks,
        initial=initial,
    )
    form.ask_for_rules(user=request.user, organisation=consultation.module.process.organisation)
    return form


def _said(comment: Comment) -> str:
    comment.refresh_from_db(fields=["status"])
    if comment.status == Comment.Status.HELD:
        return _(
            "Tack. Din synpunkt granskas av en moderator innan den visas för andra. Du får "
            "besked med e-post."
        )
    return _("Tack! Din synpunkt är publicerad. Den besvaras i samrådsredogörelsen.")


# --- Agreeing ------------------------------------------------------------------------------------


@require_POST
def agree(request: HttpRequest, module_pk: int, comment_pk: int) -> HttpResponse:
    consultation = _consultation(request, module_pk)
    comment = selectors.comment_for_agree(consultation, comment_pk)
    if comment is None:
        raise Http404
    key = comment.paragraph.key if comment.paragraph is not None else None
    page = _page_url(consultation, key)
    back = comment_url(page, comment.pk)
    wanted = request.POST.get("next", "")
    # Only a path on this site: ``redirect`` would read any other word as a URL name.
    if wanted.startswith("/") and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = wanted
    if not request.user.is_authenticated:
        login = redirect_to_login(back)
        if request.headers.get("HX-Request"):
            # htmx would follow the redirect and put the login page into the button's place.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = login["Location"]
            return response
        return login
    # A refusal (one's own comment, the period over) is shown by DelaktigErrorMiddleware.
    agrees = request.POST.get("agree") != "0"
    comment.agreements_count = services.comment_agree(
        actor=_person(request), comment=comment, agree=agrees
    )
    if request.headers.get("HX-Request"):
        item = selectors.ShownComment(comment=comment, agreed=agrees, can_agree=True)
        return render(
            request,
            "consultations/_agree.html",
            {"item": item, "module": consultation.module, "here": page},
        )
    messages.success(
        request,
        _("Du håller med om synpunkten.")
        if agrees
        else _("Du håller inte längre med om synpunkten."),
    )
    return redirect(back)


# --- An invited organisation ---------------------------------------------------------------------


def invitation(request: HttpRequest, module_pk: int, invitation_pk: int) -> HttpResponse:
    """The page of an invited organisation's contact: what is asked, by when, and what the
    organisation has answered; "nothing to add" as an answer of its own."""
    consultation = _consultation(request, module_pk)
    invited = get_object_or_404(
        Invitation.objects.select_related("council"), pk=invitation_pk, consultation=consultation
    )
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not services.speaks_for(_person(request), invited):
        raise PermissionDenied("consultations.not_contact", name=invited.name)
    if request.method == "POST":
        services.invitation_no_comments(actor=_person(request), invitation=invited)
        messages.success(
            request,
            _("Tack. Vi har noterat att %(name)s inte har något att invända.")
            % {"name": invited.name},
        )
        return redirect(request.path)
    versions = selectors.published_versions(consultation)
    context = _base(consultation, versions)
    context |= {
        "invitation": invited,
        "given": list(selectors.invitation_comments(invited)),
        "passages": selectors.document(context["current"], {}),
        "answered": invited.pk in services.answered_invitations(consultation),
    }
    return render(request, "consultations/invitation.html", context)


# --- Comparing versions --------------------------------------------------------------------------


def compare(request: HttpRequest, module_pk: int) -> HttpResponse:
    consultation = _consultation(request, module_pk)
    versions = selectors.published_versions(consultation)
    context = _base(consultation, versions)
    form, groups, old, new = None, None, None, None
    if len(versions) > 1:
        data = {
            "fran": request.GET.get("fran", str(versions[-2].number)),
            "till": request.GET.get("till", str(versions[-1].number)),
        }
        form = CompareForm(data, versions=versions)
        if form.is_valid():
            by_number = {v.number: v for v in versions}
            old, new = by_number[form.cleaned_data["fran"]], by_number[form.cleaned_data["till"]]
            groups = selectors.comparison(old, new)
    context |= {"form": form, "groups": groups, "old": old, "new": new}
    status = form_status(form) if form is not None else 200
    return render(request, "consultations/compare.html", context, status=status)
