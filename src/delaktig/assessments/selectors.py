"""Reading impact assessments: what a page needs, in a fixed number of queries."""

from typing import Any

from django.db.models import Q, QuerySet

from delaktig.core.models import AuditEntry
from delaktig.organisations.models import Organisation

from .models import ImpactAssessment


def signed_off_for(*, activity: Any = None, process: Any = None) -> QuerySet[ImpactAssessment]:
    """The public assessments about ``activity`` or ``process`` (either, when both are given).

    Signed off and published only, newest sign-off first. Nothing when neither is given.
    """
    condition = Q()
    if activity is not None:
        condition |= Q(activity=activity)
    if process is not None:
        condition |= Q(process=process)
    if not condition:
        return ImpactAssessment.objects.none()
    return (
        ImpactAssessment.objects.public()
        .filter(condition)
        .select_related("organisation")
        .order_by("-signed_off_at", "-id")
    )


def public_assessments(*, kind: str = "") -> QuerySet[ImpactAssessment]:
    assessments = ImpactAssessment.objects.public().select_related("organisation")
    if kind:
        assessments = assessments.filter(kind=kind)
    return assessments.order_by("-signed_off_at", "-id")


def staff_assessments(
    user: Any, *, kind: str = "", status: str = "", organisation: Any = None
) -> QuerySet[ImpactAssessment]:
    """The assessments of the organisations where ``user`` is staff, filtered."""
    assessments = ImpactAssessment.objects.for_staff(user).select_related(
        "organisation", "process", "activity"
    )
    if kind:
        assessments = assessments.filter(kind=kind)
    if status:
        assessments = assessments.filter(status=status)
    if organisation is not None:
        assessments = assessments.filter(organisation=organisation)
    return assessments.order_by("-updated", "-id")


def history(assessment: ImpactAssessment) -> QuerySet[AuditEntry]:
    """The audit entries about ``assessment``, oldest first: for staff only (it names people)."""
    return (
        AuditEntry.objects.filter(
            target_type=ImpactAssessment._meta.label_lower, target_id=str(assessment.pk)
        )
        .select_related("actor")
        .order_by("created", "id")
    )


def staff_organisations(user: Any) -> QuerySet[Organisation]:
    """The organisations whose assessments ``user`` may see as staff: all, for an administrator."""
    from delaktig.accounts.roles import is_administrator, staff_organisation_ids

    if is_administrator(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=staff_organisation_ids(user))
