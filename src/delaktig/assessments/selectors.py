"""Reading impact assessments: what a page needs, in a fixed number of queries."""

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from delaktig.accounts.roles import official_organisations
from delaktig.accounts.types import Visitor
from delaktig.core.models import AuditEntry
from delaktig.organisations.models import Organisation

from .kinds import missing_sections
from .models import ImpactAssessment
from .workflow import Status

if TYPE_CHECKING:
    from delaktig.followup.models import Activity
    from delaktig.participation.models import Process


def signed_off_for(
    *, activity: "Activity | None" = None, process: "Process | None" = None
) -> QuerySet[ImpactAssessment]:
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
    *, viewer: Visitor, kind: str = "", status: str = "", organisation: Organisation | None = None
) -> QuerySet[ImpactAssessment]:
    """The assessments of the organisations where ``viewer`` is staff, filtered."""
    assessments = ImpactAssessment.objects.for_staff(viewer).select_related(
        "organisation", "process", "activity"
    )
    if kind:
        assessments = assessments.filter(kind=kind)
    if status:
        assessments = assessments.filter(status=status)
    if organisation is not None:
        assessments = assessments.filter(organisation=organisation)
    return assessments.order_by("-updated", "-id")


def history(*, assessment: ImpactAssessment) -> QuerySet[AuditEntry]:
    """The audit entries about ``assessment``, oldest first: for staff only (it names people)."""
    return (
        AuditEntry.objects.filter(
            target_type=ImpactAssessment._meta.label_lower, target_id=str(assessment.pk)
        )
        .select_related("actor")
        .order_by("created", "id")
    )


def staff_organisations(*, viewer: Visitor) -> QuerySet[Organisation]:
    """The organisations whose assessments ``viewer`` may see as staff: all, for an
    administrator."""
    from delaktig.accounts.roles import is_administrator, staff_organisation_ids

    if is_administrator(viewer):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=staff_organisation_ids(viewer))


def missing_for_ready(*, assessment: ImpactAssessment) -> list[str]:
    """What must be filled in before ``assessment`` can be marked ready, in the order of the
    form: ``decision_summary`` and the keys of the empty required sections."""
    missing = [s.key for s in missing_sections(assessment.template, assessment.answers or {})]
    if not assessment.decision_summary.strip():
        missing.insert(0, "decision_summary")
    return missing


# --- The staff inbox (see assessments/contributions.py) ---


def signoff_waiting(*, viewer: Visitor) -> QuerySet[ImpactAssessment]:
    """Assessments marked ready in the organisations the viewer is an official of, that the
    viewer may sign off (four eyes: not one they wrote or last changed), oldest first."""
    return (
        ImpactAssessment.objects.filter(
            status=Status.READY.value, organisation__in=official_organisations(viewer)
        )
        .exclude(Q(prepared_by=viewer.pk) | Q(last_edited_by=viewer.pk))
        .select_related("organisation")
        .order_by("updated", "pk")
    )
