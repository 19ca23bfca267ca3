"""Tagged PDFs (PDF/UA-1) made with WeasyPrint: a template rendered with the page language,
so that the document language, the title (from ``<title>``), the headings and the table
header cells survive for screen readers. Shared by the apps that publish a PDF record (a
budget's results and paper ballots, a consultation's compilation)."""

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import get_language


def tagged_pdf(template: str, context: dict[str, Any]) -> bytes:
    """``template`` rendered with ``context`` (and the page language) as a tagged PDF."""
    from weasyprint import HTML

    html = render_to_string(template, {**context, "LANGUAGE_CODE": get_language()})
    return bytes(
        HTML(string=html, base_url=settings.SITE_URL).write_pdf(
            pdf_variant="pdf/ua-1", pdf_tags=True
        )
    )
