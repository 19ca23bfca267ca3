"""Public pages: signed-off, published impact assessments are public documents."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from delaktig.core.paging import page_number, window

from . import selectors
from .forms import PublicFilterForm
from .models import ImpactAssessment

PER_PAGE = 25


def assessment_list(request: HttpRequest) -> HttpResponse:
    form = PublicFilterForm(request.GET or None)
    kind = form.cleaned_data.get("kind", "") if form.is_valid() else ""
    # A page and one row more: no count of every public assessment in the country.
    page = window(selectors.public_assessments(kind=kind), page_number(request.GET), PER_PAGE)
    return render(
        request,
        "assessments/list.html",
        {"form": form, "page": page, "assessments": page.items},
    )


def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The assessment as a public document. Staff of the organisation may preview a draft."""
    assessment = get_object_or_404(
        ImpactAssessment.objects.select_related(
            "organisation", "process", "activity__area__plan__strategy"
        ),
        pk=pk,
    )
    if not assessment.is_public and not request.user.has_perm(
        "assessments.view_draft_impactassessment", assessment
    ):
        raise Http404
    process = assessment.process
    activity = assessment.activity
    return render(
        request,
        "assessments/detail.html",
        {
            "assessment": assessment,
            "template": assessment.template,
            "sections": assessment.sections_with_answers(),
            "process": process if process is not None and process.is_public else None,
            "activity": (
                activity
                if activity is not None
                and activity.area.plan.published
                and activity.area.plan.strategy.published
                else None
            ),
        },
    )
