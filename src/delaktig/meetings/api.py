"""Open-data API: published meetings with their agenda, minutes and question time.

Only what the meeting pages show (``Meeting.objects.public()``): no registrations, no stated
needs, no attendees; of allmänhetens frågestund only the questions accepted for the agenda or
answered, with the name the asker chose to have shown (none once the account is deleted).
"""

from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from django.db.models import Max, Min, Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from delaktig.core.api import ErrorOut, Page, PageParams, absolute_url, paginate, within
from delaktig.core.errors import NotFound
from delaktig.organisations.api import organisation_by_slug
from delaktig.organisations.models import Organisation

from .models import AgendaItem, Meeting, Question, QuestionTimeRules

router = Router()

# The filters' choices as literals: an enum would become a component named after the class
# ("Kind"), which other apps' enums of the same name would overwrite in the OpenAPI document.
# tests/test_api_meetings.py checks that they match the models' choices.
MeetingKind = Literal["assembly", "committee", "council", "event", "webinar"]
MeetingMode = Literal["physical", "digital", "hybrid"]

# The questions everyone may read on the meeting's page (selectors.public_questions).
PUBLIC_QUESTION_STATUSES = (Question.Status.ACCEPTED, Question.Status.ANSWERED)


class MeetingAgendaItemOut(Schema):
    position: int = Field(description="The item's number on the agenda.")
    title: str
    description: str
    document_url: str = Field(description="A link to the item's document, or empty.")


class MeetingQuestionOut(Schema):
    id: int
    asker_name: str = Field(
        description="The name the asker chose to have shown with the question (a placeholder "
        "once the asker's account is deleted)."
    )
    text: str = Field(description="The question as the resident wrote it.")
    status: str = Field(description="`accepted` (on the agenda) or `answered`.")
    answered_by: str = Field(description="Who answered, with their office; empty until answered.")
    answer: str = Field(description="The published answer (Markdown); empty until answered.")
    answered_at: datetime | None = None

    @staticmethod
    def resolve_asker_name(obj: Question) -> str:
        return obj.public_asker_name


class MeetingQuestionTimeOut(Schema):
    deadline: datetime = Field(description="Questions must be sent in by this moment.")
    max_per_person: int = Field(description="The most questions one person may ask the meeting.")
    rules: str = Field(description="The organisation's rules for question time (Markdown).")


class MeetingSummaryOut(Schema):
    id: int
    url: str = Field(description="The meeting's public page.")
    organisation: str = Field(description="The organisation's slug.")
    title: str
    description: str = Field(description="Markdown.")
    kind: str = Field(description="`assembly`, `committee`, `council`, `event` or `webinar`.")
    mode: str = Field(description="`physical`, `digital` or `hybrid`.")
    starts_at: datetime
    ends_at: datetime
    body_id: int | None = Field(None, description="The political body that meets, if any.")
    body: str | None = Field(None, description="The body's name, if any.")
    council: str | None = Field(None, description="The council's slug, for a council meeting.")
    location: str = Field(description="The place, or empty for a digital meeting.")
    accessibility_info: str = Field(description="Accessibility of the place.")
    remote_link: str = Field(description="The link for taking part remotely, or empty.")
    webcast_link: str = Field(description="The link to the webcast, or empty.")
    capacity: int | None = Field(None, description="Seats, or null when there is no limit.")
    registration_open: bool
    question_time: MeetingQuestionTimeOut | None = Field(
        None, description="Allmänhetens frågestund, when the meeting holds one."
    )
    minutes: str | None = Field(None, description="The published minutes (Markdown), or null.")
    minutes_published_at: datetime | None = None

    @staticmethod
    def resolve_url(obj: Meeting) -> str:
        return absolute_url(obj.get_absolute_url())

    @staticmethod
    def resolve_organisation(obj: Meeting) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_body(obj: Meeting) -> str | None:
        return obj.body.name if obj.body else None

    @staticmethod
    def resolve_council(obj: Meeting) -> str | None:
        return obj.council.slug if obj.council else None

    @staticmethod
    def resolve_question_time(obj: Meeting) -> dict[str, Any] | None:
        if not obj.question_time:
            return None
        rules = _rules(obj)
        return {
            "deadline": _deadline(obj, rules),
            "max_per_person": rules.max_per_person,
            "rules": rules.rules_text,
        }

    @staticmethod
    def resolve_minutes(obj: Meeting) -> str | None:
        return obj.minutes if obj.minutes_published_at else None

    @staticmethod
    def resolve_minutes_published_at(obj: Meeting) -> datetime | None:
        return obj.minutes_published_at


class MeetingOut(MeetingSummaryOut):
    agenda: list[MeetingAgendaItemOut] = Field(description="The agenda, in order.")
    questions: list[MeetingQuestionOut] = Field(
        description="Question time's questions on the agenda or answered, oldest first."
    )

    @staticmethod
    def resolve_agenda(obj: Meeting) -> list[AgendaItem]:
        return list(obj.agenda.all())

    @staticmethod
    def resolve_questions(obj: Meeting) -> list[Question]:
        if not obj.question_time:
            return []
        return list(obj.questions.all())


def _rules(meeting: Meeting) -> QuestionTimeRules:
    """The organisation's rules for question time (selected with the meeting); the defaults
    if it has set none (selectors.question_rules_for, without a query)."""
    try:
        return meeting.organisation.question_rules
    except QuestionTimeRules.DoesNotExist:
        return QuestionTimeRules(organisation_id=meeting.organisation_id)


def _deadline(meeting: Meeting, rules: QuestionTimeRules) -> datetime:
    """As selectors.question_deadline: the end of the day N whole days before the meeting
    (to the second, as JSON carries it)."""
    last_day = timezone.localtime(meeting.starts_at).date() - timedelta(days=rules.deadline_days)
    return timezone.make_aware(datetime.combine(last_day, time(23, 59, 59)))


class MeetingFilters(Schema):
    organisation: str | None = Field(None, max_length=100, description="An organisation's slug.")
    kind: MeetingKind | None = None
    mode: MeetingMode | None = None
    council: str | None = Field(None, max_length=100, description="A council's slug.")
    body: int | None = Field(None, ge=1, le=2**31 - 1, description="A body's id.")
    starts_from: date | None = Field(
        None, alias="from", description="Meetings starting on or after this day."
    )
    starts_to: date | None = Field(
        None, alias="to", description="Meetings starting on or before this day."
    )
    question_time: bool | None = Field(None, description="Only meetings with(out) question time.")


def public_meetings() -> QuerySet[Meeting]:
    """The published meetings, with what their output needs but the agenda and questions."""
    return Meeting.objects.public().select_related(
        "organisation__question_rules", "body", "council"
    )


def _with_agenda_and_questions(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return meetings.prefetch_related(
        Prefetch("agenda", queryset=AgendaItem.objects.order_by("position", "pk")),
        Prefetch("questions", queryset=public_questions().order_by("created", "pk")),
    )


def public_questions() -> QuerySet[Question]:
    return Question.objects.filter(status__in=PUBLIC_QUESTION_STATUSES).select_related("asker")


def _filtered(filters: MeetingFilters) -> QuerySet[Meeting]:
    meetings = public_meetings()
    if filters.organisation:
        meetings = meetings.filter(organisation=organisation_by_slug(filters.organisation))
    if filters.kind:
        meetings = meetings.filter(kind=filters.kind)
    if filters.mode:
        meetings = meetings.filter(mode=filters.mode)
    if filters.council:
        meetings = meetings.filter(council__slug=filters.council)
    if filters.body:
        meetings = meetings.filter(body_id=filters.body)
    meetings = within(meetings, "starts_at__date", filters.starts_from, filters.starts_to)
    if filters.question_time is not None:
        meetings = meetings.filter(question_time=filters.question_time)
    return meetings


# Meetings have no time of last change (an edit leaves no trace), so these endpoints send no
# Last-Modified; the ETag still answers conditional requests.


@router.get(
    "/",
    response={200: Page[MeetingOut], 400: ErrorOut, 429: ErrorOut},
    summary="Meetings",
    description="Published meetings of fullmäktige, committees and councils, open meetings "
    "and webinars, with their agenda, published minutes and question time.",
    operation_id="meetings_list",
)
def meetings_list(
    request: HttpRequest, page: Query[PageParams], filters: Query[MeetingFilters]
) -> dict[str, object]:
    return paginate(request, _with_agenda_and_questions(_filtered(filters)), page)


@router.get(
    "/{meeting_id}",
    response={200: MeetingOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="One meeting",
    operation_id="meetings_get",
)
def meetings_get(request: HttpRequest, meeting_id: int) -> Meeting:
    if not 0 < meeting_id < 2**63:
        raise NotFound()
    meeting = _with_agenda_and_questions(public_meetings()).filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound()
    return meeting


# --- The dataset (see contributions.py): the same rows, flattened, for the nightly dump ---
# The columns are declared with the dataset; each row has exactly those keys.

CHUNK = 2000


def _of(organisation: Organisation) -> QuerySet[Meeting]:
    return Meeting.objects.public().filter(organisation=organisation)


def meeting_rows(organisation: Organisation) -> Iterator[dict[str, Any]]:
    meetings = public_meetings().filter(organisation=organisation).order_by("pk")
    for meeting in meetings.iterator(chunk_size=CHUNK):
        row = MeetingSummaryOut.from_orm(meeting).model_dump(mode="json")
        question_time = row.pop("question_time") or {}
        row["question_time"] = meeting.question_time
        row["question_deadline"] = question_time.get("deadline")
        row["question_max_per_person"] = question_time.get("max_per_person")
        row["question_rules"] = question_time.get("rules")
        yield row


def agenda_rows(organisation: Organisation) -> Iterator[dict[str, Any]]:
    items = AgendaItem.objects.filter(meeting__in=_of(organisation)).order_by(
        "meeting_id", "position", "pk"
    )
    for item in items.iterator(chunk_size=CHUNK):
        yield {
            "meeting_id": item.meeting_id,
            **MeetingAgendaItemOut.from_orm(item).model_dump(mode="json"),
        }


def question_rows(organisation: Organisation) -> Iterator[dict[str, Any]]:
    questions = (
        public_questions()
        .filter(meeting__in=_of(organisation).filter(question_time=True))
        .order_by("meeting_id", "created", "pk")
    )
    for question in questions.iterator(chunk_size=CHUNK):
        yield {
            "meeting_id": question.meeting_id,
            **MeetingQuestionOut.from_orm(question).model_dump(mode="json"),
        }


def _local_day(moment: datetime | None) -> date | None:
    return timezone.localtime(moment).date() if moment else None


def coverage(organisation: Organisation) -> tuple[date | None, date | None]:
    """The days of the first and the last published meeting."""
    span = _of(organisation).aggregate(first=Min("starts_at"), last=Max("starts_at"))
    return _local_day(span["first"]), _local_day(span["last"])


def modified(organisation: Organisation) -> datetime | None:
    """The latest moment known to have changed the data: a meeting added, minutes published,
    a question answered. (An edit of a meeting leaves no time of its own.)"""
    meetings = _of(organisation).aggregate(
        created=Max("created"), minutes=Max("minutes_published_at")
    )
    answered = Question.objects.filter(
        Q(meeting__in=_of(organisation)), status=Question.Status.ANSWERED
    ).aggregate(last=Max("answered_at"))
    moments: Iterable[datetime | None] = (
        meetings["created"],
        meetings["minutes"],
        answered["last"],
    )
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None
