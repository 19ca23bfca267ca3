"""Open-data API and dataset: folkinitiativ and their counts, as the public pages show them.

The initiative (title, question, the initiators as published, dates, case number, the number
of people entitled to vote) and the count of its signatures (kommunallagen 8 kap. 2 §). Nothing
about a signature or a signer, and not the name lists (only officials see those).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any, Literal

from django.db.models import Max, Min, QuerySet
from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from pydantic import Field

from delaktig.core.api import ErrorOut, Page, PageParams, absolute_url, paginate, within
from delaktig.core.errors import NotFound
from delaktig.organisations.api import organisation_by_slug
from delaktig.organisations.models import Organisation

from .counting import Count, SignatureRow, count_signatures
from .models import Initiative, Signature

router = Router()

MAX_ID = 2**63 - 1
CHUNK = 2000


class InitiativeOut(Schema):
    """A folkinitiativ and the count of its signatures (flat: also a row of initiatives.csv)."""

    id: int
    title: str
    question: str = Field(description="The question the initiators want put to a referendum.")
    initiators: str = Field(description="The initiators as the page names them.")
    organisation: str = Field(description="The organisation's slug.")
    organisation_name: str
    submitted_on: date = Field(description="When the initiative was handed in.")
    case_number: str | None = Field(None, description="Diarienummer, if given.")
    entitled_voters: int = Field(description="People entitled to vote (the electoral roll).")
    required_signatures: int = Field(description="Valid signatures needed: ten per cent.")
    valid_signatures: int = Field(description="Signatures that count.")
    status: Literal["reached", "not_reached"] = Field(
        description="Whether the valid signatures reach the required number."
    )
    too_old: int = Field(description="Signatures older than six months before submission.")
    after_submission: int = Field(description="Signatures dated after the submission.")
    duplicates: int = Field(description="The same person signing more than once.")
    invalid: int = Field(description="Signatures without a legible name, address or signature.")
    url: str = Field(description="The initiative's public page.")

    @staticmethod
    def resolve_organisation(obj: Initiative) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_organisation_name(obj: Initiative) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_case_number(obj: Initiative) -> str | None:
        return obj.case_number or None

    @staticmethod
    def resolve_required_signatures(obj: Initiative) -> int:
        return _count(obj).required

    @staticmethod
    def resolve_valid_signatures(obj: Initiative) -> int:
        return _count(obj).valid

    @staticmethod
    def resolve_status(obj: Initiative) -> str:
        return "reached" if _count(obj).reached else "not_reached"

    @staticmethod
    def resolve_too_old(obj: Initiative) -> int:
        return _count(obj).too_old

    @staticmethod
    def resolve_after_submission(obj: Initiative) -> int:
        return _count(obj).after_submission

    @staticmethod
    def resolve_duplicates(obj: Initiative) -> int:
        return _count(obj).duplicates

    @staticmethod
    def resolve_invalid(obj: Initiative) -> int:
        return _count(obj).invalid

    @staticmethod
    def resolve_url(obj: Initiative) -> str:
        return absolute_url(obj.get_absolute_url())


def _count(initiative: Initiative) -> Count:
    count: Count | None = getattr(initiative, "api_count", None)
    if count is None:  # not counted with its page (with_counts)
        count = with_counts([initiative])[0].api_count  # type: ignore[attr-defined]
    return count


def with_counts(initiatives: list[Initiative]) -> list[Initiative]:
    """Count the signatures of all ``initiatives`` with one query (the identity hashes stay
    here: only the counts leave), as ``api_count`` on each."""
    rows: dict[int, list[SignatureRow]] = defaultdict(list)
    signatures = Signature.objects.filter(
        signature_list__initiative__in=[i.pk for i in initiatives]
    ).values_list("signature_list__initiative_id", "signed_on", "identity_hash", "valid")
    for initiative_id, signed_on, person, valid in signatures.iterator(chunk_size=CHUNK):
        rows[initiative_id].append(SignatureRow(signed_on, person, valid))
    for initiative in initiatives:
        initiative.api_count = count_signatures(  # type: ignore[attr-defined]
            rows.get(initiative.pk, []),
            submitted_on=initiative.submitted_on,
            entitled_voters=initiative.entitled_voters,
        )
    return initiatives


class InitiativeFilters(Schema):
    organisation: str | None = Field(
        None, max_length=100, description="An organisation's slug (see /organisations/)."
    )
    submitted_from: date | None = Field(None, description="Handed in on or after this day.")
    submitted_to: date | None = Field(None, description="Handed in on or before this day.")
    submitted_year: int | None = Field(
        None, ge=1900, le=2200, description="Handed in in this year."
    )


def _initiatives() -> QuerySet[Initiative]:
    return Initiative.objects.select_related("organisation")


def _filtered(filters: InitiativeFilters) -> QuerySet[Initiative]:
    initiatives = _initiatives()
    if filters.organisation:
        organisation = organisation_by_slug(filters.organisation)
        initiatives = initiatives.filter(organisation=organisation)
    initiatives = within(initiatives, "submitted_on", filters.submitted_from, filters.submitted_to)
    if filters.submitted_year:
        initiatives = initiatives.filter(submitted_on__year=filters.submitted_year)
    return initiatives


# No Last-Modified: a signature registered on a list leaves no time of its own (the ETag
# still changes with the count).


@router.get(
    "/",
    response={200: Page[InitiativeOut], 400: ErrorOut, 429: ErrorOut},
    summary="Folkinitiativ",
    description="Folkinitiativ (citizens' initiatives for a local referendum) with the count "
    "of their signatures.",
    operation_id="initiatives_list",
)
def initiatives_list(
    request: HttpRequest, page: Query[PageParams], filters: Query[InitiativeFilters]
) -> dict[str, Any]:
    result = paginate(request, _filtered(filters), page)
    result["items"] = with_counts(result["items"])
    return result


@router.get(
    "/{initiative_id}",
    response={200: InitiativeOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="One folkinitiativ",
    operation_id="initiatives_get",
)
def initiatives_get(request: HttpRequest, initiative_id: Path[int]) -> Initiative:
    if not 0 < initiative_id <= MAX_ID:
        raise NotFound()
    initiative = _initiatives().filter(pk=initiative_id).first()
    if initiative is None:
        raise NotFound()
    return with_counts([initiative])[0]


# --- The dataset (DCAT catalogue and nightly dumps) ---

COLUMNS = tuple(InitiativeOut.model_fields)


def _chunks(initiatives: QuerySet[Initiative]) -> Iterator[list[Initiative]]:
    chunk: list[Initiative] = []
    for initiative in initiatives.iterator(chunk_size=CHUNK):
        chunk.append(initiative)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def rows(organisation: Organisation) -> Iterator[Mapping[str, Any]]:
    initiatives = _initiatives().filter(organisation=organisation).order_by("pk")
    for chunk in _chunks(initiatives):
        for initiative in with_counts(chunk):
            yield InitiativeOut.from_orm(initiative).model_dump(mode="json")


def coverage(organisation: Organisation) -> tuple[date | None, date | None]:
    span = Initiative.objects.filter(organisation=organisation).aggregate(
        first=Min("submitted_on"), last=Max("submitted_on")
    )
    return span["first"], span["last"]


def modified(organisation: Organisation) -> datetime | None:
    """When an initiative was last registered (signatures leave no time of their own)."""
    latest: datetime | None = Initiative.objects.filter(organisation=organisation).aggregate(
        latest=Max("created")
    )["latest"]
    return latest
