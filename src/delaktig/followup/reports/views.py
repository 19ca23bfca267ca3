"""The annual follow-up report as a web page, a tagged PDF and a Word document."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .. import selectors
from ..models import Strategy
from ..views import report_years
from .build import build_report
from .content import AnnualReport
from .files import ReportBusy, report_file


def _report(request: HttpRequest, slug: str, year: int) -> tuple[AnnualReport, str, Strategy]:
    strategy = get_object_or_404(selectors.visible_strategies(request.user), slug=slug)
    if year not in report_years(strategy):
        raise Http404
    staff = request.user.has_perm("followup.view_unpublished", strategy)
    report = build_report(strategy, year, include_unpublished=staff)
    return report, f"uppfoljning-{slugify(strategy.slug)}-{year}", strategy


def report(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    data, _filename, strategy = _report(request, slug, year)
    return render(
        request,
        "followup/report.html",
        {"report": data, "strategy": strategy, "year": year, "years": report_years(strategy)},
    )


def render_pdf(report: AnnualReport) -> bytes:
    """A tagged PDF (PDF/UA-1): headings, tables and the document language survive."""
    from weasyprint import HTML

    # The template links nothing, so the file does not depend on the address it was asked at.
    html = render_to_string("followup/report_pdf.html", {"report": report})
    return HTML(string=html, base_url=settings.SITE_URL).write_pdf(
        pdf_variant="pdf/ua-1", pdf_tags=True
    )


def _busy(request: HttpRequest) -> HttpResponse:
    """Another request is building the file and did not finish in time: try again soon."""
    message = _("Rapporten håller på att skapas. Försök igen om en stund.")
    response = render(request, "followup/report_busy.html", {"message": message}, status=503)
    response["Retry-After"] = "10"
    return response


def report_pdf(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    """The PDF, built once for each content of the report (see ``files``)."""
    data, filename, _strategy = _report(request, slug, year)
    try:
        pdf = report_file(data, "pdf", lambda: render_pdf(data))
    except ReportBusy:
        return _busy(request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return response


def report_docx(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    from .word import render_docx

    data, filename, _strategy = _report(request, slug, year)
    try:
        document = report_file(data, "docx", lambda: render_docx(data))
    except ReportBusy:
        return _busy(request)
    response = HttpResponse(
        document,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.docx"'
    return response
