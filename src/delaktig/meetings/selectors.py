"""What the meeting pages read: the calendar, a meeting's seats, and its question time."""

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from itertools import groupby

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import Truncator

from delaktig.accounts.roles import official_organisations
from delaktig.accounts.types import Visitor
from delaktig.core.contributions import WorkItem
from delaktig.core.paging import Window, window
from delaktig.moderation.checks import explain_record
from delaktig.moderation.models import Decision
from delaktig.organisations.models import Organisation
from delaktig.translations.access import prefetch

from .models import Meeting, Question, QuestionTimeRules, Registration

CALENDAR_PAGE_SIZE = 25


def upcoming_by_month(
    *, now: datetime, organisation: Organisation | None = None, number: int = 1
) -> tuple[list[tuple[str, list[Meeting]]], Window[Meeting]]:
    """A page of the published meetings that have not ended, in order, grouped by month
    (``2026-04``), and the page; only ``organisation``'s when given (its own host name,
    ``core.sites.list_scope``). A month that goes on over the next page is named there too."""
    meetings = Meeting.objects.public().filter(ends_at__gte=now)
    if organisation is not None:
        meetings = meetings.filter(organisation=organisation)
    page = window(
        meetings.select_related("organisation", "body").order_by("starts_at", "id"),
        number,
        CALENDAR_PAGE_SIZE,
    )
    upcoming = list(page.items)
    prefetch(upcoming)
    months = [
        (month, list(items))
        for month, items in groupby(
            upcoming, key=lambda m: timezone.localtime(m.starts_at).strftime("%Y-%m")
        )
    ]
    return months, page


def recent_minutes(*, count: int = 5, organisation: Organisation | None = None) -> list[Meeting]:
    """The published meetings whose minutes came out most recently (``organisation``'s)."""
    published = Meeting.objects.public().filter(minutes_published_at__isnull=False)
    if organisation is not None:
        published = published.filter(organisation=organisation)
    meetings = list(published.order_by("-minutes_published_at")[:count])
    prefetch(meetings)
    return meetings


def registration_is_open(*, meeting: Meeting, now: datetime | None = None) -> bool:
    """Registration is open, the meeting has not started and, for a meeting in a process, a
    running phase of its module allows registering."""
    if not meeting.registration_open or meeting.starts_at <= (now or timezone.now()):
        return False
    return meeting.module is None or meeting.module.allows("register")


def registration_of(*, meeting: Meeting, viewer: Visitor) -> Registration | None:
    """The viewer's registration for the meeting (confirmed or waiting), if any."""
    if not viewer.is_authenticated:
        return None
    return (
        meeting.registrations.exclude(status=Registration.Status.CANCELLED)
        .filter(user=viewer)
        .first()
    )


def seats_left(*, meeting: Meeting) -> int | None:
    """Seats not yet taken; None for a meeting without a limit."""
    if meeting.capacity is None:
        return None
    confirmed = meeting.registrations.filter(status=Registration.Status.CONFIRMED).count()
    return max(0, meeting.capacity - confirmed)


def registrations_for_staff(*, meeting: Meeting) -> "QuerySet[Registration]":
    """Everyone registered or waiting, with their stated needs, for the organiser."""
    return meeting.registrations.exclude(status=Registration.Status.CANCELLED).select_related(
        "user"
    )


def question_rules_for(*, meeting: Meeting) -> QuestionTimeRules:
    """The organisation's rules for question time; the defaults if it has set none."""
    rules = QuestionTimeRules.objects.filter(organisation_id=meeting.organisation_id).first()
    return rules or QuestionTimeRules(organisation_id=meeting.organisation_id)


def question_deadline(*, meeting: Meeting) -> datetime:
    """Questions must be in N whole days before the meeting day (the end of that day)."""
    rules = question_rules_for(meeting=meeting)
    meeting_day = timezone.localtime(meeting.starts_at).date()
    last_day = meeting_day - timedelta(days=rules.deadline_days)
    return timezone.make_aware(datetime.combine(last_day, time.max))


def public_questions(*, meeting: Meeting) -> "QuerySet[Question]":
    """The questions on the agenda or answered, which everyone may read."""
    return meeting.questions.filter(
        status__in=[Question.Status.ACCEPTED, Question.Status.ANSWERED]
    ).select_related("asker")


def with_decisions(questions: Iterable[Question]) -> list[Question]:
    """The questions, each with its latest moderation ``decision`` (or None) and the
    ``findings`` screening recorded about it, explained for staff (see
    :func:`delaktig.moderation.checks.explain`)."""
    questions = list(questions)
    decisions = Decision.objects.filter(
        kind="meetings.question", object_id__in=[q.pk for q in questions]
    ).order_by("pk")
    latest: dict[int, Decision] = {}
    findings: dict[int, list[str]] = {}
    for decision in decisions:
        latest[decision.object_id] = decision
        if decision.automated and decision.findings:
            findings[decision.object_id] = [explain_record(f) for f in decision.findings]
    for question in questions:
        question.decision = latest.get(question.pk)  # type: ignore[attr-defined]
        question.findings = findings.get(question.pk, [])  # type: ignore[attr-defined]
    return questions


def questions_of(*, meeting: Meeting, viewer: Visitor) -> "QuerySet[Question]":
    """The viewer's own questions to the meeting, whatever became of them."""
    if not viewer.is_authenticated:
        return Question.objects.none()
    return meeting.questions.filter(asker=viewer)


# --- The staff inbox (see meetings/contributions.py) ---


def questions_waiting(*, viewer: Visitor) -> "QuerySet[Question]":
    """Questions for question time an official must handle: submitted ones to accept or
    decline, and accepted ones whose meeting has begun and that still lack a published
    answer. The earliest meeting first."""
    waiting = Q(status=Question.Status.SUBMITTED) | Q(
        status=Question.Status.ACCEPTED, meeting__starts_at__lte=timezone.now()
    )
    return (
        Question.objects.filter(waiting, meeting__organisation__in=official_organisations(viewer))
        .select_related("meeting")
        .order_by("meeting__starts_at", "created", "pk")
    )


def mine_registrations(*, viewer: Visitor, now: datetime | None = None) -> list[WorkItem]:
    """The person's registrations for meetings not yet over, soonest first; each links to the
    meeting's page, where the registration can be cancelled."""
    if not viewer.is_authenticated:
        return []
    now = now or timezone.now()
    registrations = (
        Registration.objects.filter(
            user=viewer,
            status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITING],
            meeting__ends_at__gte=now,
            meeting__in=Meeting.objects.public(),
        )
        .select_related("meeting")
        .order_by("meeting__starts_at", "pk")
    )
    return [
        WorkItem(
            title=registration.meeting.title,
            url=registration.meeting.get_absolute_url(),
            detail=str(registration.get_status_display()),
            when=registration.meeting.starts_at,
        )
        for registration in registrations
    ]


def mine_questions(*, viewer: Visitor) -> list[WorkItem]:
    """The person's questions for question time with where each stands, newest first."""
    if not viewer.is_authenticated:
        return []
    questions = (
        Question.objects.filter(asker=viewer).select_related("meeting").order_by("-created", "-pk")
    )
    return [
        WorkItem(
            title=Truncator(question.text).chars(90),
            url=question.meeting.get_absolute_url(),
            detail=f"{question.meeting.title} · {question.get_status_display()}",
            when=question.created,
        )
        for question in questions
    ]
