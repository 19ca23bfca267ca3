"""Tagged PDFs (PDF/UA-1) made with WeasyPrint, the way the poster (screens) and the annual
report (followup) are: the published results (``views.render_results_pdf``) and the paper
ballots (``staff_views.render_ballots``). The helper itself lives in ``core.pdf``."""

from delaktig.core.pdf import tagged_pdf

__all__ = ["tagged_pdf"]
