"""Open-data API and dataset: the public proposals (medborgarförslag and e-förslag).

Exactly what the public list and proposal pages show (``selectors.public_list``): the published
text (redacted where personal data was removed at intake), the name the author chose to
publish, the support count, the case, the decision and the case's public timeline. Nothing of
drafts, proposals waiting for intake, rejected or withdrawn ones; no account, e-mail, identity
or staff-only field (the responsible official, the decision proposal, the reason a case is
unfinished, who made each step).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import Any, Literal

from django.db.models import Exists, Max, Min, OuterRef, Prefetch, Q
from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from pydantic import Field

from delaktig.core.api import (
    ErrorOut,
    Page,
    PageParams,
    absolute_url,
    mark_modified,
    paginate,
    within,
)
from delaktig.core.errors import NotFound
from delaktig.organisations.api import organisation_by_slug
from delaktig.organisations.models import Organisation

from . import selectors
from .deadlines import add_one_year
from .models import Proposal, ProposalEvent, ProposalQuerySet
from .workflow import OPEN_CASE_STATUSES, PUBLIC_STATUSES, Status

router = Router()

# The statuses a public proposal can have (workflow.PUBLIC_STATUSES, checked by the tests).
PublicStatus = Literal[
    "collecting",
    "expired",
    "lodged",
    "registered",
    "referred",
    "decision_proposed",
    "decided",
    "written_off",
]
Kind = Literal["proposal", "e_proposal"]
# A case's decision is shown on the page once it is decided or written off.
CLOSED = {Status.DECIDED.value, Status.WRITTEN_OFF.value}
MAX_ID = 2**63 - 1


def _date(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


class ProposalRow(Schema):
    """One public proposal, flat (also a row of the dump's proposals.csv)."""

    id: int
    kind: Kind = Field(
        description="`e_proposal` (e-förslag: collected supports before going on to the "
        "assembly) or `proposal` (medborgarförslag: went on directly after intake)."
    )
    title: str = Field(description="The title as published (personal data removed at intake).")
    body: str = Field(description="The proposal as published.")
    background: str = Field(description="The background as published; may be empty.")
    author_name: str = Field(
        description="The name the author chose to publish with the proposal ('Borttagen "
        "användare' once the account is deleted)."
    )
    organisation: str = Field(description="The organisation's slug.")
    organisation_name: str
    municipality_code: str | None = Field(
        None, description="SCB kommunkod of the municipality the proposal concerns, if any."
    )
    municipality: str | None = Field(None, description="That municipality's name.")
    category: str | None = Field(None, description="The organisation's category, if any.")
    status: PublicStatus
    status_label: str = Field(description="The status as the page words it.")
    published_at: datetime | None = Field(None, description="When the proposal was published.")
    support_count: int = Field(description="Supports from verified residents.")
    support_threshold: int | None = Field(
        None, description="Supports needed to go on to the assembly (e-förslag only)."
    )
    support_ends_at: datetime | None = Field(
        None, description="When the support period ends or ended (e-förslag only)."
    )
    case_number: str | None = Field(None, description="Diarienummer, once registered.")
    registered_on: date | None = Field(None, description="When the case was registered.")
    decide_by: date | None = Field(
        None,
        description="The statutory deadline (a year after registration) while the case is open.",
    )
    prepared_by: str | None = Field(None, description="The committee preparing the case.")
    outcome: Literal["bifall", "avslag", "besvarad"] | None = Field(
        None, description="The decision: bifall (approved), avslag (rejected) or besvarad."
    )
    outcome_label: str | None = None
    decided_on: date | None = Field(None, description="When it was decided or written off.")
    decided_by: str | None = Field(None, description="The body that decided.")
    minutes_reference: str | None = Field(None, description="Where the minutes record it.")
    answer: str | None = Field(None, description="The answer to the author (Markdown).")
    url: str = Field(description="The proposal's public page.")

    @staticmethod
    def resolve_kind(obj: Proposal) -> str:
        return "e_proposal" if obj.support_threshold is not None else "proposal"

    @staticmethod
    def resolve_title(obj: Proposal) -> str:
        return obj.public_title

    @staticmethod
    def resolve_body(obj: Proposal) -> str:
        return obj.public_body

    @staticmethod
    def resolve_background(obj: Proposal) -> str:
        return obj.public_background

    @staticmethod
    def resolve_author_name(obj: Proposal) -> str:
        return obj.public_author_name

    @staticmethod
    def resolve_organisation(obj: Proposal) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_organisation_name(obj: Proposal) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_municipality_code(obj: Proposal) -> str | None:
        return obj.municipality.code if obj.municipality else None

    @staticmethod
    def resolve_municipality(obj: Proposal) -> str | None:
        return obj.municipality.name if obj.municipality else None

    @staticmethod
    def resolve_category(obj: Proposal) -> str | None:
        return obj.category.name if obj.category else None

    @staticmethod
    def resolve_status_label(obj: Proposal) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_decide_by(obj: Proposal) -> date | None:
        if obj.registered_on is None or obj.status not in OPEN_CASE_STATUSES:
            return None
        return add_one_year(obj.registered_on)

    @staticmethod
    def resolve_prepared_by(obj: Proposal) -> str | None:
        return obj.responsible_body.name if obj.responsible_body else None

    @staticmethod
    def resolve_outcome(obj: Proposal) -> str | None:
        return (obj.outcome or None) if obj.status in CLOSED else None

    @staticmethod
    def resolve_outcome_label(obj: Proposal) -> str | None:
        if obj.status not in CLOSED or not obj.outcome:
            return None
        return str(obj.get_outcome_display())

    @staticmethod
    def resolve_decided_on(obj: Proposal) -> date | None:
        return obj.decided_on if obj.status in CLOSED else None

    @staticmethod
    def resolve_decided_by(obj: Proposal) -> str | None:
        if obj.status not in CLOSED or obj.decided_by is None:
            return None
        return obj.decided_by.name

    @staticmethod
    def resolve_minutes_reference(obj: Proposal) -> str | None:
        return (obj.minutes_reference or None) if obj.status in CLOSED else None

    @staticmethod
    def resolve_answer(obj: Proposal) -> str | None:
        return (obj.answer or None) if obj.status in CLOSED else None

    @staticmethod
    def resolve_url(obj: Proposal) -> str:
        return absolute_url(obj.get_absolute_url())


class ChangeOut(Schema):
    field: str = Field(description="The case field a correction changed.")
    old: str | None = Field(None, description="The value before (empty for the answer).")
    new: str | None = Field(None, description="The value after (empty for the answer).")


class ProposalEventOut(Schema):
    """One entry of the case's public timeline (who made it is not published)."""

    id: int
    created: datetime = Field(description="When it happened.")
    action: str = Field(
        description="What happened: submit, publish, lodge, expire, register, refer, "
        "propose_decision, decide, write_off, withdraw, reopen, correct (a correction of "
        "registration or decision data) or redact (personal data removed before publishing)."
    )
    from_status: str
    to_status: str
    status_label: str = Field(description="The status after it, as the page words it.")
    note: str = Field(description="The note the page shows with the entry; may be empty.")
    changes: list[ChangeOut] = Field(description="What a correction changed.")
    corrects: int | None = Field(None, description="The entry a correction corrects.")
    corrected: bool = Field(description="Whether a later correction corrects this entry.")

    @staticmethod
    def resolve_status_label(obj: ProposalEvent) -> str:
        return str(obj.get_to_status_display())

    @staticmethod
    def resolve_changes(obj: ProposalEvent) -> list[dict[str, str | None]]:
        def shown(value: Any) -> str | None:
            return None if value in (None, "") else str(value)

        return [
            {
                "field": str(change.get("field", "")),
                "old": shown(change.get("old")),
                "new": shown(change.get("new")),
            }
            for change in obj.changes or []
            if isinstance(change, dict)
        ]

    @staticmethod
    def resolve_corrects(obj: ProposalEvent) -> int | None:
        return obj.corrects_id

    @staticmethod
    def resolve_corrected(obj: ProposalEvent) -> bool:
        return bool(getattr(obj, "is_corrected", False))


class ProposalOut(ProposalRow):
    """A public proposal with its case's timeline, oldest entry first."""

    timeline: list[ProposalEventOut]

    @staticmethod
    def resolve_timeline(obj: Proposal) -> list[ProposalEvent]:
        return list(obj.events.all())


class ProposalFilters(Schema):
    organisation: str | None = Field(
        None, max_length=100, description="An organisation's slug (see /organisations/)."
    )
    status: PublicStatus | None = None
    kind: Kind | None = None
    municipality: str | None = Field(
        None, max_length=10, description="SCB kommunkod of the municipality concerned."
    )
    category: str | None = Field(None, max_length=100, description="A category's exact name.")
    q: str | None = Field(
        None, max_length=100, description="Words in the published title or text, or a case number."
    )
    reached: bool = Field(False, description="Only proposals that reached their threshold.")
    published_from: date | None = Field(None, description="Published on or after this day.")
    published_to: date | None = Field(None, description="Published on or before this day.")
    decided_from: date | None = Field(None, description="Decided on or after this day.")
    decided_to: date | None = Field(None, description="Decided on or before this day.")
    decided_year: int | None = Field(
        None, ge=1900, le=2200, description="Decided (or written off) in this year, e.g. 2026."
    )


def _timeline() -> Prefetch[Any]:
    corrected = ProposalEvent.objects.filter(corrects=OuterRef("pk"))
    return Prefetch(
        "events",
        queryset=ProposalEvent.objects.annotate(is_corrected=Exists(corrected)).order_by(
            "created", "pk"
        ),
    )


def public_proposals(**selected: Any) -> ProposalQuerySet:
    """The public proposals as the list page selects them, with what a row shows."""
    return selectors.public_list(**selected).select_related("responsible_body", "decided_by")


def _filtered(filters: ProposalFilters) -> ProposalQuerySet:
    proposals = public_proposals(
        q=filters.q or "",
        status=filters.status or "",
        reached=filters.reached,
    )
    if filters.organisation:
        proposals = proposals.filter(organisation=organisation_by_slug(filters.organisation))
    if filters.kind:
        proposals = proposals.filter(support_threshold__isnull=filters.kind == "proposal")
    if filters.municipality:
        proposals = proposals.filter(municipality__code=filters.municipality)
    if filters.category:
        proposals = proposals.filter(category__name=filters.category)
    proposals = within(
        proposals, "published_at__date", filters.published_from, filters.published_to
    )
    closed = Q(status__in=CLOSED)
    if filters.decided_from:
        proposals = proposals.filter(closed, decided_on__gte=filters.decided_from)
    if filters.decided_to:
        proposals = proposals.filter(closed, decided_on__lte=filters.decided_to)
    if filters.decided_year:
        proposals = proposals.filter(closed, decided_on__year=filters.decided_year)
    return proposals


def last_changed(proposals: Iterable[Proposal]) -> datetime | None:
    """When what the API shows of ``proposals`` last changed, or None when that is not known:
    a support added or taken back while a proposal collects leaves no time (the ETag still
    changes). Wants ``events`` prefetched and ``author`` selected."""
    moments: list[datetime] = []
    for proposal in proposals:
        if proposal.status == Status.COLLECTING.value:
            return None
        candidates = [proposal.published_at, proposal.redacted_at, proposal.author.deleted_at]
        candidates += [event.created for event in proposal.events.all()]
        moments += [moment for moment in candidates if moment is not None]
    return max(moments) if moments else None


@router.get(
    "/",
    response={200: Page[ProposalOut], 400: ErrorOut, 429: ErrorOut},
    summary="Proposals",
    description="The public medborgarförslag and e-förslag with their timelines. All decided "
    "in 2026: `?status=decided&decided_year=2026`.",
    operation_id="proposals_list",
)
def proposals_list(
    request: HttpRequest, page: Query[PageParams], filters: Query[ProposalFilters]
) -> dict[str, Any]:
    result = paginate(request, _filtered(filters).prefetch_related(_timeline()), page)
    mark_modified(request, last_changed(result["items"]))
    return result


@router.get(
    "/{proposal_id}",
    response={200: ProposalOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="One proposal",
    operation_id="proposals_get",
)
def proposals_get(request: HttpRequest, proposal_id: Path[int]) -> Proposal:
    if not 0 < proposal_id <= MAX_ID:
        raise NotFound()
    proposal = public_proposals().prefetch_related(_timeline()).filter(pk=proposal_id).first()
    if proposal is None:
        raise NotFound()
    mark_modified(request, last_changed([proposal]))
    return proposal


# --- The dataset (DCAT catalogue and nightly dumps) ---

PROPOSAL_COLUMNS = tuple(ProposalRow.model_fields)
EVENT_COLUMNS = ("proposal_id", *(name for name in ProposalEventOut.model_fields))
CHUNK = 2000


def _of(organisation: Organisation) -> ProposalQuerySet:
    return public_proposals().filter(organisation=organisation).order_by("pk")


def proposal_rows(organisation: Organisation) -> Iterator[Mapping[str, Any]]:
    for proposal in _of(organisation).iterator(chunk_size=CHUNK):
        yield ProposalRow.from_orm(proposal).model_dump(mode="json")


def event_rows(organisation: Organisation) -> Iterator[Mapping[str, Any]]:
    corrected = ProposalEvent.objects.filter(corrects=OuterRef("pk"))
    events = (
        ProposalEvent.objects.filter(
            proposal__organisation=organisation,
            proposal__status__in=[s.value for s in PUBLIC_STATUSES],
        )
        .annotate(is_corrected=Exists(corrected))
        .order_by("proposal_id", "created", "pk")
    )
    for event in events.iterator(chunk_size=CHUNK):
        row = ProposalEventOut.from_orm(event).model_dump(mode="json")
        row["changes"] = json.dumps(row["changes"], ensure_ascii=False) if row["changes"] else ""
        yield {"proposal_id": event.proposal_id, **row}


def coverage(organisation: Organisation) -> tuple[date | None, date | None]:
    span = _of(organisation).aggregate(
        first=Min("published_at"), last=Max("published_at"), decided=Max("decided_on")
    )
    last = _date(span["last"])
    if span["decided"] is not None and (last is None or span["decided"] > last):
        last = span["decided"]
    return _date(span["first"]), last


def modified(organisation: Organisation) -> datetime | None:
    public = _of(organisation)
    published = public.aggregate(latest=Max("published_at"))["latest"]
    event = ProposalEvent.objects.filter(proposal__in=public.values("pk")).aggregate(
        latest=Max("created")
    )["latest"]
    known = [moment for moment in (published, event) if moment is not None]
    return max(known) if known else None
