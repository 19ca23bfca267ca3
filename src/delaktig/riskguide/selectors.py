"""Reading risk analyses: what a page, the inbox and the reminder need."""

from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from delaktig.accounts.roles import is_administrator, official_organisations, staff_organisation_ids
from delaktig.accounts.types import Visitor
from delaktig.core.models import AuditEntry
from delaktig.meetings.models import Meeting
from delaktig.organisations.models import Organisation
from delaktig.participation.models import Process

from .models import ContentiousMark, RiskAnalysis, SubjectKind
from .workflow import Status

READER_KINDS = ("official", "moderator", "security")
# A contentious process needs its analysis once residents can see it.
WATCHED_PROCESS_STATUSES = ("published", "open")


def reader_organisations(*, viewer: Visitor) -> QuerySet[Organisation]:
    """The organisations whose analyses ``viewer`` may read: all, for an administrator."""
    if is_administrator(viewer):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=staff_organisation_ids(viewer, READER_KINDS))


def staff_analyses(
    *,
    viewer: Visitor,
    status: str = "",
    subject: str = "",
    organisation: Organisation | None = None,
) -> QuerySet[RiskAnalysis]:
    """The analyses ``viewer`` may read, filtered, most recently changed first."""
    analyses = RiskAnalysis.objects.for_reader(viewer).select_related(
        "organisation", "process", "meeting", "council"
    )
    if status:
        analyses = analyses.filter(status=status)
    if subject == SubjectKind.PROCESS:
        analyses = analyses.filter(process__isnull=False)
    elif subject == SubjectKind.MEETING:
        analyses = analyses.filter(meeting__isnull=False)
    elif subject == SubjectKind.COUNCIL:
        analyses = analyses.filter(council__isnull=False)
    if organisation is not None:
        analyses = analyses.filter(organisation=organisation)
    return analyses.order_by("-updated", "-id")


def history(*, analysis: RiskAnalysis) -> QuerySet[AuditEntry]:
    """The audit entries about ``analysis``, oldest first (they name people: staff only)."""
    return (
        AuditEntry.objects.filter(
            target_type=RiskAnalysis._meta.label_lower, target_id=str(analysis.pk)
        )
        .select_related("actor")
        .order_by("created", "id")
    )


def matrix(*, analysis: RiskAnalysis) -> list[list[list[int]]]:
    """The rated risks' numbers (1-based, in the order of the analysis) in a 4×4 grid:
    ``grid[likelihood - 1][consequence - 1]``."""
    grid: list[list[list[int]]] = [[[] for _c in range(4)] for _l in range(4)]
    for number, risk in enumerate(analysis.risks.all(), start=1):
        if risk.likelihood is not None and risk.consequence is not None:
            grid[risk.likelihood - 1][risk.consequence - 1].append(number)
    return grid


# --- Choosing a subject ---


def subject_choices(*, viewer: Visitor) -> dict[str, QuerySet[Any]]:
    """The processes, meetings and councils of the organisations ``viewer`` is an official of."""
    from delaktig.councils.models import Council

    organisations = official_organisations(viewer)
    return {
        "process": Process.objects.filter(organisation__in=organisations)
        .select_related("organisation")
        .order_by("organisation__name", "title"),
        "meeting": Meeting.objects.filter(organisation__in=organisations)
        .select_related("organisation")
        .order_by("-starts_at"),
        "council": Council.objects.filter(organisation__in=organisations)
        .select_related("organisation")
        .order_by("organisation__name", "name"),
    }


# --- Contentious marks, the reminder and the inbox ---


def _signed_off(field: str) -> Exists:
    return Exists(
        RiskAnalysis.objects.filter(**{field: OuterRef(field)}, status=Status.SIGNED_OFF.value)
    )


def marks_missing_analysis(*, now: datetime | None = None) -> QuerySet[ContentiousMark]:
    """Marks on open or published processes and upcoming meetings with no signed-off
    analysis, oldest mark first."""
    now = now or timezone.now()
    watched = Q(process__status__in=WATCHED_PROCESS_STATUSES) | Q(meeting__ends_at__gte=now)
    return (
        ContentiousMark.objects.filter(watched)
        .exclude(Q(process__isnull=False) & _signed_off("process"))
        .exclude(Q(meeting__isnull=False) & _signed_off("meeting"))
        .select_related("organisation", "process", "meeting")
        .order_by("marked_at", "pk")
    )


def missing_for(*, viewer: Visitor) -> QuerySet[ContentiousMark]:
    """:func:`marks_missing_analysis` in the organisations ``viewer`` is an official of."""
    return marks_missing_analysis().filter(organisation__in=official_organisations(viewer))


def marks(*, viewer: Visitor) -> QuerySet[ContentiousMark]:
    """Every mark ``viewer`` may read, newest first."""
    return (
        ContentiousMark.objects.filter(organisation__in=reader_organisations(viewer=viewer))
        .select_related("organisation", "process", "meeting", "marked_by")
        .order_by("-marked_at", "-pk")
    )


def signoff_waiting(*, viewer: Visitor) -> QuerySet[RiskAnalysis]:
    """Submitted analyses in the organisations ``viewer`` is an official of that the viewer
    may sign off (not their own), oldest first."""
    return (
        RiskAnalysis.objects.filter(
            status=Status.SUBMITTED.value, organisation__in=official_organisations(viewer)
        )
        .exclude(Q(prepared_by=viewer.pk) | Q(last_edited_by=viewer.pk))
        .select_related("organisation")
        .order_by("updated", "pk")
    )


def mark_for(subject: Any) -> ContentiousMark | None:
    """The contentious mark of a process or meeting, if any."""
    if isinstance(subject, Process):
        return ContentiousMark.objects.filter(process=subject).first()
    if isinstance(subject, Meeting):
        return ContentiousMark.objects.filter(meeting=subject).first()
    return None
