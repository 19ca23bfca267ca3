"""Open-data API: signed-off impact assessments, as their public page shows them.

Only assessments that are signed off and published (``ImpactAssessment.objects.public()``):
never drafts, ones waiting for sign-off, or ones reopened. The public page names the
organisation that signed off, not the person, so neither does the API; who prepared or edited
an assessment is the authority's record, not published. A linked process or activity is given
only when it is public itself.

The same schemas give the rows of the nightly dump (``*_rows``), flattened for CSV.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from django.db.models import Max, Min, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from delaktig.core.api import ErrorOut, Page, PageParams, absolute_url, mark_modified, paginate
from delaktig.core.errors import NotFound
from delaktig.organisations.api import organisation_by_slug
from delaktig.organisations.models import Organisation

from .kinds import FieldType, Kind
from .models import ImpactAssessment

router = Router()

CHUNK = 2000


class ConcernsProcessOut(Schema):
    slug: str = Field(description="The participation process's slug.")
    title: str
    url: str


class ConcernsActivityOut(Schema):
    id: int = Field(description="The follow-up activity's id.")
    code: str = Field(description="The activity's number in its plan.")
    title: str
    url: str


class SectionOut(Schema):
    key: str = Field(description="The section's stable key in the kind's template.")
    label: str = Field(description="The question, as on the public page (Swedish).")
    field_type: FieldType = Field(
        description="`text`, `choices` (one option) or `multichoices` (any number)."
    )
    answer: str | None = Field(description="The answer to a text or choices section.")
    choices: list[str] = Field(description="The chosen options of a multichoices section.")


def _process(obj: ImpactAssessment) -> ConcernsProcessOut | None:
    process = obj.process
    if process is None or not process.is_public:
        return None
    return ConcernsProcessOut(
        slug=process.slug, title=process.title, url=absolute_url(process.get_absolute_url())
    )


def _activity(obj: ImpactAssessment) -> ConcernsActivityOut | None:
    activity = obj.activity
    if activity is None:
        return None
    plan = activity.area.plan
    if not (plan.published and plan.strategy.published):
        return None
    return ConcernsActivityOut(
        id=activity.pk,
        code=activity.code,
        title=activity.title,
        url=absolute_url(activity.get_absolute_url()),
    )


class AssessmentOut(Schema):
    id: int
    url: str = Field(description="The assessment's public page.")
    organisation: str = Field(description="The organisation's slug; it signed off.")
    kind: Kind = Field(
        description="`child`, `gender_equality`, `environment`, `accessibility` or `minorities`."
    )
    kind_name: str = Field(description="The kind's name (Swedish).")
    title: str
    decision_summary: str = Field(description="The decision being prepared.")
    process: ConcernsProcessOut | None = Field(
        description="The public participation process it concerns, if any."
    )
    activity: ConcernsActivityOut | None = Field(
        description="The follow-up activity (of a published plan) it concerns, if any."
    )
    signed_off_at: datetime = Field(description="When the organisation signed it off.")
    signoff_note: str = Field(description="The comment made at sign-off.")
    template_version: int = Field(description="The version of the kind's template it answers.")

    @staticmethod
    def resolve_url(obj: ImpactAssessment) -> str:
        return absolute_url(obj.get_absolute_url())

    @staticmethod
    def resolve_organisation(obj: ImpactAssessment) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_kind_name(obj: ImpactAssessment) -> str:
        return str(obj.template.name)

    @staticmethod
    def resolve_process(obj: ImpactAssessment) -> ConcernsProcessOut | None:
        return _process(obj)

    @staticmethod
    def resolve_activity(obj: ImpactAssessment) -> ConcernsActivityOut | None:
        return _activity(obj)


class AssessmentDetailOut(AssessmentOut):
    description: str = Field(description="What this kind of assessment is (Swedish).")
    sections: list[SectionOut] = Field(
        description="The template's sections with the published answers, in order."
    )

    @staticmethod
    def resolve_description(obj: ImpactAssessment) -> str:
        return str(obj.template.description)

    @staticmethod
    def resolve_sections(obj: ImpactAssessment) -> list[SectionOut]:
        return _sections(obj)


def _sections(obj: ImpactAssessment) -> list[SectionOut]:
    sections = []
    for section, answer in obj.sections_with_answers():
        many = section.field_type is FieldType.MULTICHOICES
        sections.append(
            SectionOut(
                key=section.key,
                label=str(section.label),
                field_type=section.field_type,
                answer=None if many or not answer else str(answer),
                choices=list(answer) if many else [],
            )
        )
    return sections


class AssessmentFilters(Schema):
    organisation: str | None = Field(None, max_length=100, description="An organisation's slug.")
    kind: Kind | None = None
    year: int | None = Field(None, ge=1, le=9999, description="Signed off in this year.")
    process: str | None = Field(
        None, max_length=100, description="Only those about this process (its slug)."
    )
    activity: int | None = Field(
        None, ge=1, le=2**63 - 1, description="Only those about this follow-up activity (id)."
    )


def public_assessments() -> QuerySet[ImpactAssessment]:
    return ImpactAssessment.objects.public().select_related(
        "organisation", "process", "activity__area__plan__strategy"
    )


def _assessments(filters: AssessmentFilters) -> QuerySet[ImpactAssessment]:
    assessments = public_assessments()
    if filters.organisation:
        organisation = organisation_by_slug(filters.organisation)
        assessments = assessments.filter(organisation=organisation)
    if filters.kind:
        assessments = assessments.filter(kind=filters.kind)
    if filters.year:
        assessments = assessments.filter(signed_off_at__year=filters.year)
    if filters.process:
        assessments = assessments.filter(process__slug=filters.process)
    if filters.activity:
        assessments = assessments.filter(activity_id=filters.activity)
    return assessments


@router.get(
    "/",
    response={200: Page[AssessmentOut], 400: ErrorOut, 429: ErrorOut},
    summary="Impact assessments",
    description=(
        "Signed-off, published impact assessments (konsekvensanalyser). Filter by "
        "organisation, kind, year of sign-off, and the process or activity they concern."
    ),
    operation_id="assessments_list",
)
def assessments_list(
    request: HttpRequest, page: Query[PageParams], filters: Query[AssessmentFilters]
) -> dict[str, Any]:
    return paginate(request, _assessments(filters), page)


@router.get(
    "/{assessment_id}",
    response={200: AssessmentDetailOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="One impact assessment",
    description="A signed-off, published impact assessment with its answers.",
    operation_id="assessments_get",
)
def assessments_get(request: HttpRequest, assessment_id: int) -> ImpactAssessment:
    assessment = public_assessments().filter(pk=assessment_id).first()
    if assessment is None:
        raise NotFound()
    # Everything shown has its date: the assessment, and the process or activity it links.
    shown = [assessment.updated]
    if _process(assessment) is not None and assessment.process is not None:
        shown.append(assessment.process.updated)
    if _activity(assessment) is not None and assessment.activity is not None:
        shown.append(assessment.activity.updated)
    mark_modified(request, *shown)
    return assessment


# --- The dataset (core.contributions.OpenDataset, see contributions.py) ---------------------


def assessment_rows(organisation: Organisation) -> Iterator[dict[str, Any]]:
    """One row per assessment: the list's fields, the linked process and activity flattened."""
    assessments = public_assessments().filter(organisation=organisation).order_by("pk")
    for assessment in assessments.iterator(chunk_size=CHUNK):
        data = AssessmentOut.from_orm(assessment).model_dump(mode="json")
        process = data.pop("process") or {}
        activity = data.pop("activity") or {}
        yield {
            **data,
            "process": process.get("slug"),
            "activity": activity.get("id"),
            "activity_code": activity.get("code"),
        }


def section_rows(organisation: Organisation) -> Iterator[dict[str, Any]]:
    """One row per section of each assessment; several chosen options joined by "; "."""
    assessments = public_assessments().filter(organisation=organisation).order_by("pk")
    for assessment in assessments.iterator(chunk_size=CHUNK):
        for position, section in enumerate(_sections(assessment), start=1):
            yield {
                "assessment": assessment.pk,
                "position": position,
                "key": section.key,
                "label": section.label,
                "field_type": section.field_type.value,
                "answer": section.answer
                if section.field_type is not FieldType.MULTICHOICES
                else "; ".join(section.choices),
            }


def coverage(organisation: Organisation) -> tuple[date | None, date | None]:
    found = (
        ImpactAssessment.objects.public()
        .filter(organisation=organisation)
        .aggregate(first=Min("signed_off_at"), last=Max("signed_off_at"))
    )
    first, last = found["first"], found["last"]
    return (
        timezone.localdate(first) if first else None,
        timezone.localdate(last) if last else None,
    )


def modified(organisation: Organisation) -> datetime | None:
    found = (
        ImpactAssessment.objects.public()
        .filter(organisation=organisation)
        .aggregate(at=Max("updated"))
    )
    at: datetime | None = found["at"]
    return at
