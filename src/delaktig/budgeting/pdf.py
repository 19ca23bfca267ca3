"""Tagged PDFs (PDF/UA-1) made with WeasyPrint, the way the poster (screens) and the annual
report (followup) are: the published results (``views.render_results_pdf``) and the paper
ballots (``staff_views.render_ballots``)."""

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
