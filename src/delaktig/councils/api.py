"""Open-data API: councils and the referrals (remisser) they answer.

Only what the council and referral pages show: a council's mandate and its current members
(the name as the page shows it, role, who nominated them, term; no contact details), and each
referral with the councils' answers (joint answers and members' individual views, signed with
the author's public name) and the official's feedback on how they were used. The
compensation model, attendance and payroll are never part of it.
"""

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any, Literal

from django.db.models import Max, Min, Prefetch, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from delaktig.core.api import (
    ErrorOut,
    Page,
    PageParams,
    absolute_url,
    latest,
    mark_modified,
    paginate,
    within,
)
from delaktig.core.errors import NotFound
from delaktig.organisations.api import organisation_by_slug
from delaktig.organisations.models import Organisation

from .models import Council, Membership, Referral, ReferralResponse

router = Router()
referrals_router = Router()

# The filters' choices as literals: an enum would become a component named after the class
# ("Kind"), which other apps' enums of the same name would overwrite in the OpenAPI document.
# tests/test_api_councils.py checks that they match the models' choices.
CouncilKind = Literal[
    "pensionarsrad",
    "tillganglighetsrad",
    "brukarrad",
    "ungdomsrad",
    "samiskt_samrad",
    "minoritetssamrad",
    "annat",
]
CouncilMinority = Literal["judar", "romer", "samer", "sverigefinnar", "tornedalingar"]


class CouncilMemberOut(Schema):
    name: str = Field(description="The member's name as the council's page shows it.")
    role: str = Field(description="`ordforande`, `vice`, `ledamot` or `ersattare`.")
    nominated_by: str = Field(description="The organisation that nominated the member, or empty.")
    term_start: date
    term_end: date

    @staticmethod
    def resolve_name(obj: Membership) -> str:
        return obj.public_name


class CouncilSummaryOut(Schema):
    id: int
    slug: str = Field(description="Used as `council` in the meetings' and referrals' filters.")
    url: str = Field(description="The council's public page.")
    organisation: str = Field(description="The organisation's slug.")
    name: str
    kind: str = Field(
        description="`pensionarsrad`, `tillganglighetsrad`, `brukarrad`, `ungdomsrad`, "
        "`samiskt_samrad`, `minoritetssamrad` or `annat`."
    )
    minority: str = Field(description="The national minority of a minority council, or empty.")
    mandate: str = Field(description="What the council does and may give its views on (Markdown).")

    @staticmethod
    def resolve_url(obj: Council) -> str:
        return absolute_url(obj.get_absolute_url())

    @staticmethod
    def resolve_organisation(obj: Council) -> str:
        return obj.organisation.slug


class CouncilOut(CouncilSummaryOut):
    members: list[CouncilMemberOut] = Field(description="The members whose term includes today.")

    @staticmethod
    def resolve_members(obj: Council) -> list[Membership]:
        return list(getattr(obj, "current_members", ()))


class ReferralCouncilOut(Schema):
    slug: str
    name: str


class ReferralAnswerOut(Schema):
    id: int
    council: str = Field(description="The slug of the council the answer is from.")
    kind: str = Field(
        description="`joint` (the council's joint answer) or `individual` (a member's own view)."
    )
    author_name: str = Field(description="The public name of the member who wrote it.")
    text: str
    created: datetime

    @staticmethod
    def resolve_council(obj: ReferralResponse) -> str:
        return obj.council.slug

    @staticmethod
    def resolve_author_name(obj: ReferralResponse) -> str:
        return obj.author.public_name


class ReferralSummaryOut(Schema):
    id: int
    url: str = Field(description="The referral's public page.")
    organisation: str = Field(description="The slug of the organisation that sent it.")
    title: str
    question: str = Field(description="The question to the councils.")
    body: str = Field(description="The material (Markdown).")
    deadline: date = Field(description="The last day for answers.")
    created: datetime
    how_used: str = Field(
        description="The official's feedback on how the answers were used (Markdown), or empty."
    )
    how_used_at: datetime | None = None

    @staticmethod
    def resolve_url(obj: Referral) -> str:
        return absolute_url(obj.get_absolute_url())

    @staticmethod
    def resolve_organisation(obj: Referral) -> str:
        return obj.organisation.slug


class ReferralOut(ReferralSummaryOut):
    councils: list[ReferralCouncilOut] = Field(description="The councils it was sent to.")
    answers: list[ReferralAnswerOut] = Field(description="The councils' answers, oldest first.")

    @staticmethod
    def resolve_councils(obj: Referral) -> list[Council]:
        return list(obj.councils.all())

    @staticmethod
    def resolve_answers(obj: Referral) -> list[ReferralResponse]:
        return list(obj.responses.all())


# --- Councils ---


class CouncilFilters(Schema):
    organisation: str | None = Field(None, max_length=100, description="An organisation's slug.")
    kind: CouncilKind | None = None
    minority: CouncilMinority | None = None


def current_members(today: date) -> QuerySet[Membership]:
    """The members the council's page lists: those whose term includes ``today``."""
    return (
        Membership.objects.filter(term_start__lte=today, term_end__gte=today)
        .select_related("user")
        .order_by("role", "name", "pk")
    )


def _councils() -> QuerySet[Council]:
    return Council.objects.select_related("organisation").prefetch_related(
        Prefetch(
            "memberships",
            queryset=current_members(timezone.localdate()),
            to_attr="current_members",
        )
    )


# Councils and memberships have no time of last change, so these endpoints send no
# Last-Modified; the ETag still answers conditional requests.


@router.get(
    "/",
    response={200: Page[CouncilOut], 400: ErrorOut, 429: ErrorOut},
    summary="Councils",
    description="Councils (pensionärsråd, tillgänglighetsråd, brukarråd, ungdomsråd, samiskt "
    "samråd, samråd with national minorities) with their mandate and current members. Their "
    "meetings are in `/api/v1/meetings/?council=<slug>`, their referrals in "
    "`/api/v1/referrals/?council=<slug>`.",
    operation_id="councils_list",
)
def councils_list(
    request: HttpRequest, page: Query[PageParams], filters: Query[CouncilFilters]
) -> dict[str, object]:
    councils = _councils()
    if filters.organisation:
        councils = councils.filter(organisation=organisation_by_slug(filters.organisation))
    if filters.kind:
        councils = councils.filter(kind=filters.kind)
    if filters.minority:
        councils = councils.filter(minority=filters.minority)
    return paginate(request, councils, page)


@router.get(
    "/{slug}",
    response={200: CouncilOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="One council",
    operation_id="councils_get",
)
def councils_get(request: HttpRequest, slug: str) -> Council:
    council = _councils().filter(slug=slug).first()
    if council is None:
        raise NotFound()
    return council


# --- Referrals (mounted at /api/v1/referrals/, see contributions.py) ---


class ReferralFilters(Schema):
    organisation: str | None = Field(None, max_length=100, description="An organisation's slug.")
    council: str | None = Field(None, max_length=100, description="A council's slug.")
    deadline_from: date | None = Field(None, description="Deadline on or after this day.")
    deadline_to: date | None = Field(None, description="Deadline on or before this day.")
    feedback: bool | None = Field(
        None, description="Only referrals with (or without) the official's feedback."
    )


def public_answers() -> QuerySet[ReferralResponse]:
    return ReferralResponse.objects.select_related("council", "author")


def _referrals() -> QuerySet[Referral]:
    return Referral.objects.select_related("organisation").prefetch_related(
        Prefetch("councils", queryset=Council.objects.order_by("name", "pk")),
        Prefetch("responses", queryset=public_answers().order_by("created", "pk")),
    )


def _mark(request: HttpRequest, referrals: list[Referral]) -> None:
    """A referral changes when it is sent, answered, and given feedback; nothing else of it
    can be edited."""
    answers = [answer for referral in referrals for answer in referral.responses.all()]
    mark_modified(
        request,
        latest(referrals, "created"),
        latest(referrals, "how_used_at"),
        latest(answers, "created"),
    )


@referrals_router.get(
    "/",
    response={200: Page[ReferralOut], 400: ErrorOut, 429: ErrorOut},
    summary="Referrals to councils",
    description="Referrals (remisser) sent to councils for their views, with the councils' "
    "answers and the official's feedback on how they were used.",
    operation_id="referrals_list",
)
def referrals_list(
    request: HttpRequest, page: Query[PageParams], filters: Query[ReferralFilters]
) -> dict[str, object]:
    referrals = _referrals()
    if filters.organisation:
        referrals = referrals.filter(organisation=organisation_by_slug(filters.organisation))
    if filters.council:
        referrals = referrals.filter(pk__in=Referral.objects.filter(councils__slug=filters.council))
    referrals = within(referrals, "deadline", filters.deadline_from, filters.deadline_to)
    if filters.feedback is not None:
        referrals = referrals.filter(how_used_at__isnull=not filters.feedback)
    result = paginate(request, referrals, page)
    _mark(request, result["items"])
    return result


@referrals_router.get(
    "/{referral_id}",
    response={200: ReferralOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="One referral",
    operation_id="referrals_get",
)
def referrals_get(request: HttpRequest, referral_id: int) -> Referral:
    if not 0 < referral_id < 2**63:
        raise NotFound()
    referral = _referrals().filter(pk=referral_id).first()
    if referral is None:
        raise NotFound()
    _mark(request, [referral])
    return referral


# --- The dataset (see contributions.py): the same rows, flattened, for the nightly dump ---
# The columns are declared with the dataset; each row has exactly those keys.

CHUNK = 2000


def council_rows(organisation: Organisation) -> Iterator[dict[str, Any]]:
    councils = Council.objects.filter(organisation=organisation).select_related("organisation")
    for council in councils.order_by("pk").iterator(chunk_size=CHUNK):
        yield CouncilSummaryOut.from_orm(council).model_dump(mode="json")


def member_rows(organisation: Organisation) -> Iterator[dict[str, Any]]:
    members = (
        current_members(timezone.localdate())
        .filter(council__organisation=organisation)
        .select_related("council")
        .order_by("council_id", "role", "name", "pk")
    )
    for member in members.iterator(chunk_size=CHUNK):
        yield {
            "council": member.council.slug,
            **CouncilMemberOut.from_orm(member).model_dump(mode="json"),
        }


def referral_rows(organisation: Organisation) -> Iterator[dict[str, Any]]:
    referrals = (
        Referral.objects.filter(organisation=organisation)
        .select_related("organisation")
        .prefetch_related(Prefetch("councils", queryset=Council.objects.order_by("name", "pk")))
        .order_by("pk")
    )
    for referral in referrals.iterator(chunk_size=CHUNK):
        row = ReferralSummaryOut.from_orm(referral).model_dump(mode="json")
        row["councils"] = " ".join(council.slug for council in referral.councils.all())
        yield row


def answer_rows(organisation: Organisation) -> Iterator[dict[str, Any]]:
    answers = public_answers().filter(referral__organisation=organisation)
    for answer in answers.order_by("referral_id", "created", "pk").iterator(chunk_size=CHUNK):
        yield {
            "referral_id": answer.referral_id,
            **ReferralAnswerOut.from_orm(answer).model_dump(mode="json"),
        }


def coverage(organisation: Organisation) -> tuple[date | None, date | None]:
    """From the day the first referral was sent to the last deadline."""
    span = Referral.objects.filter(organisation=organisation).aggregate(
        first=Min("created"), last=Max("deadline")
    )
    first = timezone.localtime(span["first"]).date() if span["first"] else None
    return first, span["last"]


def modified(organisation: Organisation) -> datetime | None:
    """The latest referral sent, answered or given feedback. (An edit of a council or its
    members leaves no time of its own.)"""
    referrals = Referral.objects.filter(organisation=organisation).aggregate(
        created=Max("created"), used=Max("how_used_at")
    )
    answered = ReferralResponse.objects.filter(referral__organisation=organisation).aggregate(
        last=Max("created")
    )
    known = [
        moment
        for moment in (referrals["created"], referrals["used"], answered["last"])
        if moment is not None
    ]
    return max(known) if known else None
