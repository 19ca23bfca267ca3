"""Reads for the proposal pages."""

from collections.abc import Iterable
from datetime import date

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from delaktig.accounts.types import Visitor
from delaktig.core.contributions import WorkItem
from delaktig.moderation.checks import explain_record
from delaktig.moderation.models import Decision
from delaktig.moderation.services import latest_decision
from delaktig.organisations.models import Municipality, Organisation

from .deadlines import Deadline, deadline
from .models import Category, Proposal, ProposalQuerySet, Support
from .workflow import OPEN_CASE_STATUSES, PUBLIC_STATUSES, Status


def visible_proposals(*, viewer: Visitor) -> ProposalQuerySet:
    """The one place that decides which proposals a person may see."""
    from delaktig.accounts.roles import is_administrator, staff_organisation_ids

    qs = Proposal.objects.all()
    condition = Q(status__in=[s.value for s in PUBLIC_STATUSES])
    if viewer.is_authenticated:
        condition |= Q(author=viewer)
        # Staff see everything submitted to them; a draft stays the author's own.
        not_draft = ~Q(status=Status.DRAFT.value)
        if is_administrator(viewer):
            condition |= not_draft
        else:
            own = staff_organisation_ids(viewer, ("official",))
            if own:
                condition |= Q(organisation_id__in=own) & not_draft
    return qs.filter(condition)


def proposal_for_page(*, viewer: Visitor, pk: int) -> Proposal | None:
    return (
        visible_proposals(viewer=viewer)
        .select_related(
            "organisation",
            "author",
            "municipality",
            "category",
            "responsible_body",
            "decided_by",
            "rejection_rule",
        )
        .prefetch_related("events__corrections", "attachments")
        .filter(pk=pk)
        .first()
    )


def open_cases(*, organisation_ids: Iterable[int]) -> ProposalQuerySet:
    return Proposal.objects.filter(
        organisation_id__in=organisation_ids,
        status__in=[s.value for s in OPEN_CASE_STATUSES],
        registered_on__isnull=False,
    ).select_related("organisation", "responsible_body", "responsible_official")


def unfinished_for_report(*, organisation: Organisation, report_date: date) -> ProposalQuerySet:
    """Every case registered before the report date and not yet decided or written off."""
    return (
        open_cases(organisation_ids=[organisation.pk])
        .filter(registered_on__lt=report_date)
        .order_by("registered_on", "pk")
    )


def public_list(
    *,
    q: str = "",
    status: str = "",
    municipality: Municipality | None = None,
    category: Category | None = None,
    year: int | None = None,
    reached: bool = False,
    sort: str = "",
) -> ProposalQuerySet:
    """The public proposals, filtered and sorted as the list's form chose."""
    qs = Proposal.objects.public().select_related(
        "organisation", "author", "municipality", "category"
    )
    if q:
        # The published text: a redacted proposal is not found by what was taken out.
        shown = Q(redacted_at__isnull=True) & (Q(title__icontains=q) | Q(body__icontains=q))
        redacted = Q(redacted_at__isnull=False) & (
            Q(redacted_title__icontains=q) | Q(redacted_body__icontains=q)
        )
        qs = qs.filter(shown | redacted | Q(case_number__icontains=q))
    if status:
        qs = qs.filter(status=status)
    if municipality:
        qs = qs.filter(municipality=municipality)
    if category:
        qs = qs.filter(category=category)
    if year:
        qs = qs.filter(published_at__year=year)
    if reached:
        qs = qs.filter(threshold_reached_at__isnull=False)
    if sort == "supported":
        return qs.order_by("-support_count", "-published_at", "-pk")
    if sort == "closing":
        return qs.filter(status=Status.COLLECTING.value).order_by("support_ends_at", "pk")
    return qs.order_by("-published_at", "-pk")


def deadline_for(*, proposal: Proposal) -> Deadline | None:
    """The statutory year of an open case, as of today."""
    if proposal.registered_on is None or proposal.status not in OPEN_CASE_STATUSES:
        return None
    return deadline(proposal.registered_on, timezone.localdate())


# --- The staff inbox (see proposals/contributions.py) ---


def _handled_by(viewer: Visitor) -> ProposalQuerySet:
    from delaktig.accounts.roles import official_organisations

    return Proposal.objects.filter(organisation__in=official_organisations(viewer))


# The kind of text the moderation service knows proposals as (see contributions.py).
PROPOSAL = "proposals.proposal"


def held_for_moderation(*, proposal: Proposal) -> Decision | None:
    """The hold screening put on the proposal, while no person has released it."""
    latest = latest_decision(kind=PROPOSAL, object_id=proposal.pk)
    return latest if latest is not None and latest.action == Decision.Action.HELD else None


def screening_note(*, proposal: Proposal) -> tuple[Decision | None, list[str]]:
    """The proposal's latest moderation decision, and what screening found in it, explained
    for the officials at intake."""
    decisions = list(Decision.objects.filter(kind=PROPOSAL, object_id=proposal.pk).order_by("pk"))
    found = [d for d in decisions if d.automated and d.findings]
    explained = [explain_record(f) for f in found[-1].findings] if found else []
    return (decisions[-1] if decisions else None), explained


def held_ids(*, proposals: Iterable[Proposal]) -> set[int]:
    """Which of the proposals screening holds (for the intake list)."""
    ids = [p.pk for p in proposals]
    latest: dict[int, str] = {}
    for object_id, action in (
        Decision.objects.filter(kind=PROPOSAL, object_id__in=ids)
        .order_by("pk")
        .values_list("object_id", "action")
    ):
        latest[object_id] = action
    return {pk for pk, action in latest.items() if action == Decision.Action.HELD}


def intake_waiting(*, viewer: Visitor) -> ProposalQuerySet:
    """Submitted proposals to check at intake, the longest waiting first."""
    return (
        _handled_by(viewer)
        .filter(status=Status.SUBMITTED.value)
        .select_related("organisation")
        .order_by("submitted_at", "pk")
    )


def register_waiting(*, viewer: Visitor) -> ProposalQuerySet:
    """Lodged proposals (väckta) to register (diarieföra), the longest waiting first."""
    return (
        _handled_by(viewer)
        .filter(status=Status.LODGED.value)
        .select_related("organisation")
        .order_by("submitted_at", "pk")
    )


def decide_waiting(*, viewer: Visitor) -> ProposalQuerySet:
    """Registered cases not yet decided, the earliest statutory deadline first."""
    return (
        _handled_by(viewer)
        .filter(status__in=[s.value for s in OPEN_CASE_STATUSES], registered_on__isnull=False)
        .select_related("organisation")
        .order_by("registered_on", "pk")
    )


def mine_proposals(*, viewer: Visitor) -> list[WorkItem]:
    """The person's own proposals with their status, newest first: a draft links to where it
    is written further, the others to the proposal's page."""
    if not viewer.is_authenticated:
        return []
    items = []
    for proposal in Proposal.objects.filter(author=viewer).order_by("-created", "-pk"):
        draft = proposal.status == Status.DRAFT.value
        status = str(proposal.get_status_display())
        if proposal.case_number:
            status = f"{status} · {proposal.case_number}"
        items.append(
            WorkItem(
                title=proposal.title,
                url=reverse("proposals:edit", kwargs={"pk": proposal.pk})
                if draft
                else proposal.get_absolute_url(),
                detail=_("Utkast: skriv vidare och skicka in") if draft else status,
                when=proposal.submitted_at or proposal.created,
            )
        )
    return items


def mine_supported(*, viewer: Visitor) -> list[WorkItem]:
    """The proposals the person supports, newest support first."""
    if not viewer.is_authenticated:
        return []
    supports = (
        Support.objects.filter(user=viewer).select_related("proposal").order_by("-created", "-pk")
    )
    return [
        WorkItem(
            title=support.proposal.public_title,
            url=support.proposal.get_absolute_url(),
            detail=str(support.proposal.get_status_display()),
            when=support.created,
        )
        for support in supports
    ]
