from datetime import date
from typing import Any

from django.db.models import Q

from .models import Proposal, ProposalQuerySet
from .workflow import OPEN_CASE_STATUSES, PUBLIC_STATUSES, Status


def visible_proposals(user: Any) -> ProposalQuerySet:
    """The one place that decides which proposals a person may see."""
    from delaktig.accounts.roles import is_administrator, staff_organisation_ids

    qs = Proposal.objects.all()
    condition = Q(status__in=[s.value for s in PUBLIC_STATUSES])
    if getattr(user, "is_authenticated", False):
        condition |= Q(author=user)
        # Staff see everything submitted to them; a draft stays the author's own.
        not_draft = ~Q(status=Status.DRAFT.value)
        if is_administrator(user):
            condition |= not_draft
        else:
            own = staff_organisation_ids(user, ("official",))
            if own:
                condition |= Q(organisation_id__in=own) & not_draft
    return qs.filter(condition)


def proposal_for_page(user: Any, pk: int) -> Proposal | None:
    return (
        visible_proposals(user)
        .select_related(
            "organisation",
            "author",
            "municipality",
            "category",
            "responsible_body",
            "decided_by",
            "rejection_rule",
        )
        .prefetch_related("events", "attachments")
        .filter(pk=pk)
        .first()
    )


def open_cases(organisation_ids: Any) -> ProposalQuerySet:
    return Proposal.objects.filter(
        organisation_id__in=organisation_ids,
        status__in=[s.value for s in OPEN_CASE_STATUSES],
        registered_on__isnull=False,
    ).select_related("organisation", "responsible_body", "responsible_official")


def unfinished_for_report(organisation: Any, report_date: date) -> ProposalQuerySet:
    """Every case registered before the report date and not yet decided or written off."""
    return (
        open_cases([organisation.pk])
        .filter(registered_on__lt=report_date)
        .order_by("registered_on", "pk")
    )


def public_list(form: Any) -> ProposalQuerySet:
    qs = Proposal.objects.public().select_related(
        "organisation", "author", "municipality", "category"
    )
    sort = "newest"
    if form.is_valid():
        data = form.cleaned_data
        if data.get("q"):
            term = data["q"]
            qs = qs.filter(
                Q(title__icontains=term) | Q(body__icontains=term) | Q(case_number__icontains=term)
            )
        if data.get("status"):
            qs = qs.filter(status=data["status"])
        if data.get("municipality"):
            qs = qs.filter(municipality=data["municipality"])
        if data.get("category"):
            qs = qs.filter(category=data["category"])
        if data.get("year"):
            qs = qs.filter(published_at__year=data["year"])
        if data.get("reached"):
            qs = qs.filter(threshold_reached_at__isnull=False)
        sort = data.get("sort") or "newest"
    if sort == "supported":
        return qs.order_by("-support_count", "-published_at", "-pk")
    if sort == "closing":
        return qs.filter(status="collecting").order_by("support_ends_at", "pk")
    return qs.order_by("-published_at", "-pk")


def deadline_for(proposal: Proposal) -> Any:
    from django.utils import timezone

    from .deadlines import deadline

    if proposal.registered_on is None or proposal.status not in {
        s.value for s in OPEN_CASE_STATUSES
    }:
        return None
    return deadline(proposal.registered_on, timezone.localdate())
