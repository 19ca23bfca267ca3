"""The compilation (samrådsredogörelse): the public page, its tagged PDF and its Word file, all
made from the record frozen when it was published; and the staff page that previews it from
the answers as they stand, keeps its summary and publishes it.

The public files are 404 until the compilation is published (and for a process the person may
not see). The staff page is for staff allowed to manage the consultation: a module they may
not see is 404, one they may see but not manage 403.
"""

from dataclasses import replace
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from delaktig.accounts.decorators import staff_required
from delaktig.core.confirm import confirm_required
from delaktig.core.forms import form_errors, form_status, markdown_preview
from delaktig.core.pdf import tagged_pdf
from delaktig.core.widgets import MarkdownEditor
from delaktig.participation.access import acting_user, visible_module
from delaktig.participation.models import ProcessModule

from . import services
from .compilation import Compilation, build, forget_deleted
from .models import Consultation
from .workflow import ConsultationStatus

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _module(request: HttpRequest, module_pk: int) -> ProcessModule:
    return visible_module(request, module_pk, "consultation")


def _published(request: HttpRequest, module_pk: int) -> tuple[Consultation, Compilation]:
    module = _module(request, module_pk)
    consultation = Consultation.objects.filter(
        module=module, status=ConsultationStatus.PUBLISHED, compilation__isnull=False
    ).first()
    if consultation is None or not consultation.compilation:
        raise Http404
    consultation.module = module
    return consultation, forget_deleted(Compilation.from_json(consultation.compilation))


def _context(consultation: Consultation, data: Compilation) -> dict[str, Any]:
    module = consultation.module
    return {
        "consultation": consultation,
        "module": module,
        "process": module.process,
        "compilation": data,
    }


def _filename(consultation: Consultation, extension: str) -> str:
    slug = slugify(consultation.module.process.slug) or str(consultation.module_id)
    return f"samradsredogorelse-{slug}.{extension}"


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def compilation(request: HttpRequest, module_pk: int) -> HttpResponse:
    """``/m/consultation/<module>/samradsredogorelse/``: the published compilation."""
    consultation, data = _published(request, module_pk)
    return render(request, "consultations/compilation.html", _context(consultation, data))


def render_pdf(consultation: Consultation, data: Compilation) -> bytes:
    """The compilation as a tagged PDF (PDF/UA-1): language, title, headings, table headers."""
    return tagged_pdf("consultations/compilation_pdf.html", _context(consultation, data))


def compilation_pdf(request: HttpRequest, module_pk: int) -> HttpResponse:
    consultation, data = _published(request, module_pk)
    return _attachment(
        render_pdf(consultation, data), "application/pdf", _filename(consultation, "pdf")
    )


def compilation_docx(request: HttpRequest, module_pk: int) -> HttpResponse:
    from .word import render_docx

    consultation, data = _published(request, module_pk)
    return _attachment(render_docx(data), DOCX_TYPE, _filename(consultation, "docx"))


# --- Staff: preview, summary and publishing -------------------------------------------------


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=gettext_lazy("Sammanfattning"),
        required=False,
        max_length=20000,
        widget=MarkdownEditor(),
        help_text=gettext_lazy(
            "Samrådsredogörelsens inledning: vad som kom in, de viktigaste svaren och vad som "
            "ändrades i dokumentet. Visas först i samrådsredogörelsen. Markdown."
        ),
    )


def _managed(request: HttpRequest, module_pk: int) -> Consultation:
    module = _module(request, module_pk)
    consultation = Consultation.objects.filter(module=module).first()
    if not request.user.has_perm(services.MANAGE, consultation or module):
        raise PermissionDenied
    if consultation is None:
        raise Http404
    consultation.module = module
    return consultation


def _blocked(consultation: Consultation) -> bool:
    """Publishing would be refused: then the service says why, without asking first."""
    return (
        consultation.status != ConsultationStatus.OPEN
        or consultation.module.allows("comment")
        or services.unanswered(consultation) > 0
    )


def _publish(request: HttpRequest, consultation: Consultation, summary: str) -> HttpResponse:
    """Ask first, then publish (the caller's ``form_errors`` shows a refusal)."""
    here = reverse("consultations:staff_compilation", kwargs={"module_pk": consultation.module_id})
    if not _blocked(consultation):
        page = confirm_required(
            request,
            question=_("Vill du publicera samrådsredogörelsen för ”%(title)s”?")
            % {"title": consultation.title},
            consequence=_(
                "Samrådsredogörelsen blir en allmän handling som inte kan ändras. Alla som har "
                "lämnat synpunkter får ett e-postmeddelande med en länk till den, och svaren "
                "kan inte längre ändras."
            ),
            cancel_url=here,
            confirm_label=_("Publicera samrådsredogörelsen"),
        )
        if page:
            return page
    services.compilation_publish(
        actor=acting_user(request), consultation=consultation, summary=summary
    )
    messages.success(request, _("Samrådsredogörelsen är publicerad."))
    return redirect(here)


@staff_required
def staff_compilation(request: HttpRequest, module_pk: int) -> HttpResponse:
    """``/m/consultation/personal/<module>/samradsredogorelse/``: the compilation as it would
    be published now, its summary, and publishing it."""
    consultation = _managed(request, module_pk)
    published = consultation.status == ConsultationStatus.PUBLISHED
    form = SummaryForm(request.POST or None, initial={"summary": consultation.summary})
    previewing = markdown_preview(request, form)
    if not published and not previewing and request.method == "POST" and form.is_valid():
        summary = form.cleaned_data["summary"]
        with form_errors(form):
            if request.POST.get("action") == "publish":
                return _publish(request, consultation, summary)
            services.compilation_summary_save(
                actor=acting_user(request), consultation=consultation, summary=summary
            )
            messages.success(request, _("Sammanfattningen är sparad."))
            return redirect("consultations:staff_compilation", module_pk=module_pk)
    if published and consultation.compilation:
        data = Compilation.from_json(consultation.compilation)
    else:
        data = build(consultation)
        if form.is_bound:
            data = replace(data, summary=str(form.data.get("summary", "")).strip())
    context = _context(consultation, data) | {
        "form": form,
        "published": published,
        "preview": not published,
        "still_open": consultation.module.allows("comment"),
        "opened": consultation.status != ConsultationStatus.DRAFT,
        "working": None if published else services.working_copy(consultation),
    }
    return render(
        request, "consultations/staff_compilation.html", context, status=form_status(form)
    )
