"""The annual follow-up report as a web page, a tagged PDF and a Word document."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.text import slugify

from . import selectors
from .models import Strategy
from .report import build_report
from .reporting import AnnualReport
from .views import report_years


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


def report_pdf(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    """A tagged PDF (PDF/UA-1): headings, tables and the document language survive."""
    from weasyprint import HTML

    data, filename, _strategy = _report(request, slug, year)
    html = render_to_string("followup/report_pdf.html", {"report": data}, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(
        pdf_variant="pdf/ua-1", pdf_tags=True
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return response


def report_docx(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    from .docx_report import render_docx

    data, filename, _strategy = _report(request, slug, year)
    response = HttpResponse(
        render_docx(data),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.docx"'
    return response
