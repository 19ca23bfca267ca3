"""Reads for the proposal pages."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import IntegerField, Q
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from delaktig.accounts.types import Visitor
from delaktig.core.contributions import WorkItem
from delaktig.core.paging import Window, window
from delaktig.moderation.checks import explain_record
from delaktig.moderation.models import Decision
from delaktig.moderation.services import latest_decision
from delaktig.organisations.models import Municipality, Organisation

from .deadlines import Deadline, deadline
from .models import (
    Category,
    Proposal,
    ProposalEvent,
    ProposalQuerySet,
    ProposalSettings,
    Support,
)
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
        .prefetch_related("events", "attachments")
        .filter(pk=pk)
        .first()
    )


def corrected_ids(events: Iterable[ProposalEvent]) -> set[int]:
    """The entries of a timeline that a later entry corrects, found among the entries
    themselves (a correction belongs to the same proposal): no query of its own."""
    return {event.corrects_id for event in events if event.corrects_id is not None}


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
    organisation: Organisation | None = None,
) -> ProposalQuerySet:
    """The public proposals, filtered and sorted as the list's form chose; ``organisation``'s
    alone on its own host name (``core.sites.list_scope``)."""
    qs = Proposal.objects.public().select_related(
        "organisation", "author", "municipality", "category"
    )
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
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


def _up_to(proposals: ProposalQuerySet, limit: int) -> ProposalQuerySet:
    # The joins for display do not change how many there are. The order is kept: it makes
    # the database read the first ``limit`` from the list's own index, not scan the table.
    return proposals.select_related(None)[:limit]


def count_up_to(proposals: ProposalQuerySet, limit: int) -> int:
    """How many ``proposals`` there are, counted no further than ``limit``: a query that reads
    at most ``limit`` index entries."""
    return _up_to(proposals, limit).count()


# What a card in the list shows (proposals/_card.html): not the long texts of the case, nor
# the people and bodies behind it, which a page of twenty would otherwise read and build.
CARD_FIELDS = [
    "title",
    "body",
    "redacted_at",
    "redacted_title",
    "redacted_body",
    "author_name",
    "status",
    "case_number",
    "support_count",
    "support_threshold",
    "support_ends_at",
    "organisation__name",
    "author__deleted_at",
    "municipality__name",
]


def _as_cards(proposals: ProposalQuerySet) -> ProposalQuerySet:
    return (
        proposals.select_related(None)
        .select_related("organisation", "author", "municipality")
        .only(*CARD_FIELDS)
    )


def public_page(
    proposals: ProposalQuerySet, *, number: int, per_page: int, count_limit: int
) -> tuple[Window[Proposal], int]:
    """Page ``number`` of a public list and how many proposals it holds, counted up to
    ``count_limit``, in one query: the count rides along as a subquery that the database runs
    once (an empty page, past the end, asks for it on its own)."""
    # A count over a derived table, which the ORM does not write: the SQL inside is Django's
    # own for the bounded queryset, its values passed as parameters. (Counting the proposals
    # whose key is ``IN`` that queryset instead costs a lookup per row: 14 ms, not 0.2.)
    limited, params = _up_to(proposals, count_limit).values("pk").query.sql_with_params()
    matching = RawSQL(  # noqa: S611
        f"SELECT COUNT(*) FROM ({limited}) AS limited",  # noqa: S608
        params,
        output_field=IntegerField(),
    )
    page = window(_as_cards(proposals).annotate(matching=matching), number, per_page)
    if page.items:
        return page, int(page.items[0].matching)
    return page, count_up_to(proposals, count_limit)


@dataclass(frozen=True)
class ListFacets:
    """What the public list's filter offers, and whether any organisation takes proposals."""

    municipalities: list[tuple[int, str]]
    categories: list[tuple[int, str]]
    open_for_proposals: bool


FACETS_KEY = "proposals:list-facets"
FACETS_SECONDS = 300


def list_facets() -> ListFacets:
    """From the shared cache (three queries on every list page otherwise); dropped when a
    municipality, a category or an organisation's rules change, and after FACETS_SECONDS."""
    found = cache.get(FACETS_KEY)
    if not isinstance(found, ListFacets):
        found = ListFacets(
            municipalities=list(Municipality.objects.order_by("name").values_list("pk", "name")),
            categories=list(
                Category.objects.order_by("organisation", "name").values_list("pk", "name")
            ),
            open_for_proposals=ProposalSettings.objects.filter(enabled=True).exists(),
        )
        cache.set(FACETS_KEY, found, FACETS_SECONDS)
    return found


def forget_facets(**kwargs: Any) -> None:
    """Now, and again when the transaction commits (a list read in between would keep what
    was there before)."""
    cache.delete(FACETS_KEY)
    transaction.on_commit(lambda: cache.delete(FACETS_KEY), robust=True)


def connect_signals() -> None:
    """``ProposalsConfig.ready``: any save or deletion, in a service or in the admin."""
    for model in (Municipality, Category, ProposalSettings):
        uid = f"proposals-facets-{model.__name__}"
        post_save.connect(forget_facets, sender=model, dispatch_uid=uid)
        post_delete.connect(forget_facets, sender=model, dispatch_uid=uid)


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
