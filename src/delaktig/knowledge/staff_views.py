"""Staff pages: write the knowledge bank's sections and parts, and follow up who has gone
through which part (a table and a CSV file)."""

import io
from typing import cast

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from delaktig.accounts.decorators import staff_required
from delaktig.accounts.roles import official_organisations
from delaktig.accounts.types import User
from delaktig.core import exports
from delaktig.core.confirm import confirm_required
from delaktig.core.forms import form_errors, form_status, markdown_preview
from delaktig.core.http import no_store
from delaktig.organisations.models import Organisation

from . import selectors, services
from .forms import PartForm, SectionForm
from .models import Part, Section
from .workflow import ACTION_LABELS, MACHINE, Action


def _organisation(request: HttpRequest, slug: str, perm: str) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm(perm, organisation):
        raise PermissionDenied
    return organisation


def _section(request: HttpRequest, pk: int) -> Section:
    section = get_object_or_404(Section.objects.select_related("organisation"), pk=pk)
    if not request.user.has_perm("knowledge.change_knowledgebank", section.organisation):
        raise PermissionDenied
    return section


def _staff_part(request: HttpRequest, pk: int) -> Part:
    part = get_object_or_404(Part.objects.select_related("organisation", "section"), pk=pk)
    if not request.user.has_perm("knowledge.change_knowledgebank", part.organisation):
        raise PermissionDenied
    return part


def _back(organisation: Organisation) -> str:
    return reverse("knowledge_staff:organisation", kwargs={"slug": organisation.slug})


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    organisations = official_organisations(request.user).order_by("name")
    if not organisations:
        # A moderator reads the knowledge bank but does not write it.
        return redirect("knowledge:index")
    if len(organisations) == 1:
        return redirect("knowledge_staff:organisation", slug=organisations[0].slug)
    return render(request, "knowledge/staff/index.html", {"organisations": organisations})


@staff_required
def organisation(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(request, slug, "knowledge.change_knowledgebank")
    sections = selectors.staff_sections(organisation=organisation)
    return render(
        request,
        "knowledge/staff/organisation.html",
        {
            "organisation": organisation,
            "sections": [
                (section, [(p, _actions(p)) for p in parts]) for section, parts in sections
            ],
        },
    )


def _actions(part: Part) -> list[tuple[str, str]]:
    return [(a.value, str(ACTION_LABELS[a])) for a in MACHINE.allowed_actions(part.status)]


@staff_required
def section_create(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(request, slug, "knowledge.change_knowledgebank")
    form = SectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            services.section_create(
                actor=cast(User, request.user),
                organisation=organisation,
                title=form.cleaned_data["title"],
                introduction=form.cleaned_data["introduction"],
            )
            messages.success(request, _("Avsnittet är skapat."))
            return redirect(_back(organisation))
    return render(
        request,
        "knowledge/staff/section_form.html",
        {"form": form, "organisation": organisation, "section": None},
        status=form_status(form),
    )


@staff_required
def section_edit(request: HttpRequest, pk: int) -> HttpResponse:
    section = _section(request, pk)
    form = SectionForm(request.POST or None, instance=section)
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            services.section_update(
                actor=cast(User, request.user),
                section=section,
                title=form.cleaned_data["title"],
                introduction=form.cleaned_data["introduction"],
            )
            messages.success(request, _("Avsnittet är sparat."))
            return redirect(_back(section.organisation))
    return render(
        request,
        "knowledge/staff/section_form.html",
        {"form": form, "organisation": section.organisation, "section": section},
        status=form_status(form),
    )


@staff_required
@require_POST
def section_move(request: HttpRequest, pk: int) -> HttpResponse:
    section = _section(request, pk)
    direction = 1 if request.POST.get("direction") == "down" else -1
    services.section_move(actor=cast(User, request.user), section=section, direction=direction)
    return redirect(_back(section.organisation) + f"#avsnitt-{section.pk}")


@staff_required
@require_POST
def section_delete(request: HttpRequest, pk: int) -> HttpResponse:
    section = _section(request, pk)
    page = confirm_required(
        request,
        question=_("Vill du verkligen ta bort avsnittet ”%(title)s”?") % {"title": section.title},
        consequence=_("Avsnittet tas bort. Det går bara när det inte har några delar."),
        cancel_url=_back(section.organisation),
    )
    if page:
        return page
    services.section_delete(actor=cast(User, request.user), section=section)
    messages.success(request, _("Avsnittet är borttaget."))
    return redirect(_back(section.organisation))


def _part_fields(form: PartForm) -> dict[str, object]:
    data = form.cleaned_data
    return {
        "section": data["section"],
        "kind": data["kind"],
        "title": data["title"],
        "summary": data["summary"],
        "body": data["body"],
        "url": data["url"],
        "document": data["document"],
        "minutes": data["minutes"],
        "audience": data["audience"],
        "is_public": data["is_public"],
    }


@staff_required
def part_create(request: HttpRequest, pk: int) -> HttpResponse:
    section = _section(request, pk)
    form = PartForm(
        request.POST or None,
        request.FILES or None,
        sections=Section.objects.filter(organisation=section.organisation),
        initial={"section": section.pk, "kind": "page", "audience": "both", "minutes": 10},
    )
    if not markdown_preview(request, form) and request.method == "POST" and form.is_valid():
        with form_errors(form):
            fields = _part_fields(form)
            part = services.part_create(actor=cast(User, request.user), **fields)  # type: ignore[arg-type]
            messages.success(request, _("Delen är sparad som utkast."))
            return redirect(part.get_staff_url())
    return render(
        request,
        "knowledge/staff/part_form.html",
        {"form": form, "organisation": section.organisation, "part": None},
        status=form_status(form),
    )


@staff_required
def part_edit(request: HttpRequest, pk: int) -> HttpResponse:
    part = _staff_part(request, pk)
    form = PartForm(
        request.POST or None,
        request.FILES or None,
        sections=Section.objects.filter(organisation=part.organisation),
        initial=PartForm.initial_for(part),
    )
    if not markdown_preview(request, form) and request.method == "POST" and form.is_valid():
        with form_errors(form):
            fields = _part_fields(form)
            services.part_update(actor=cast(User, request.user), part=part, **fields)  # type: ignore[arg-type]
            messages.success(request, _("Delen är sparad."))
            return redirect(part.get_staff_url())
    return render(
        request,
        "knowledge/staff/part_form.html",
        {
            "form": form,
            "organisation": part.organisation,
            "part": part,
            "actions": _actions(part),
            "completions": part.completions.count(),
        },
        status=form_status(form),
    )


@staff_required
@require_POST
def part_move(request: HttpRequest, pk: int) -> HttpResponse:
    part = _staff_part(request, pk)
    direction = 1 if request.POST.get("direction") == "down" else -1
    services.part_move(actor=cast(User, request.user), part=part, direction=direction)
    return redirect(_back(part.organisation) + f"#del-{part.pk}")


@staff_required
@require_POST
def part_transition(request: HttpRequest, pk: int) -> HttpResponse:
    part = _staff_part(request, pk)
    try:
        action = Action(request.POST.get("action", ""))
    except ValueError as error:
        raise BadRequest(_("Okänt steg.")) from error
    part = services.part_transition(actor=cast(User, request.user), part=part, action=action)
    if part.is_published:
        messages.success(request, _("Delen är publicerad."))
    else:
        messages.success(request, _("Delen är ett utkast och visas inte för läsarna."))
    if request.POST.get("next") == "part":
        return redirect(part.get_staff_url())
    return redirect(_back(part.organisation))


@staff_required
@require_POST
def part_delete(request: HttpRequest, pk: int) -> HttpResponse:
    part = _staff_part(request, pk)
    count = part.completions.count()
    page = confirm_required(
        request,
        question=_("Vill du verkligen ta bort delen ”%(title)s”?") % {"title": part.title},
        consequence=_(
            "Delen, dess dokument och uppgiften om vilka som har gått igenom den "
            "(%(count)s personer) tas bort."
        )
        % {"count": count},
        cancel_url=part.get_staff_url(),
    )
    if page:
        return page
    organisation = part.organisation
    services.part_delete(actor=cast(User, request.user), part=part)
    messages.success(request, _("Delen är borttagen."))
    return redirect(_back(organisation))


@staff_required
def follow_up(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(request, slug, "knowledge.view_completions")
    return render(
        request,
        "knowledge/staff/follow_up.html",
        {"organisation": organisation, "report": selectors.follow_up(organisation=organisation)},
    )


@staff_required
@no_store
def follow_up_csv(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(request, slug, "knowledge.view_completions")
    report = selectors.follow_up(organisation=organisation)
    out = io.StringIO()
    exports.writer(out).writerows(selectors.follow_up_csv_rows(report))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    today = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="kunskapsbank-{organisation.slug}-{today}.csv"'
    )
    return response
