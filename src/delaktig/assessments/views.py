"""Public pages: signed-off, published impact assessments are public documents."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from . import selectors
from .forms import PublicFilterForm
from .models import ImpactAssessment

PER_PAGE = 25


def assessment_list(request: HttpRequest) -> HttpResponse:
    form = PublicFilterForm(request.GET or None)
    kind = form.cleaned_data.get("kind", "") if form.is_valid() else ""
    page = Paginator(selectors.public_assessments(kind=kind), PER_PAGE).get_page(
        request.GET.get("sida")
    )
    return render(
        request,
        "assessments/list.html",
        {"form": form, "page": page, "assessments": page.object_list},
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
