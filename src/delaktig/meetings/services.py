"""Meetings: the organiser's meeting and agenda, registrations with a waiting list, reminders,
and allmänhetens frågestund (question time)."""

from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from delaktig.accounts.predicates import require_perm_in_phase
from delaktig.accounts.types import User
from delaktig.core.audit import audit_log
from delaktig.core.errors import (
    Conflict,
    ValidationFailed,
    require_perm,
)
from delaktig.moderation import services as moderation
from delaktig.moderation.models import Decision, Rule
from delaktig.notifications.outbox import email_queue
from delaktig.organisations.models import Body, Organisation
from delaktig.participation.models import ProcessModule

from .models import AgendaItem, Meeting, Question, Registration
from .selectors import question_deadline, question_rules_for
from .workflow import QUESTION_MACHINE, REGISTRATION_MACHINE, QuestionAction, RegistrationAction

# --- The organiser's meeting ---


def meeting_save(
    *,
    actor: User,
    meeting: Meeting | None = None,
    organisation: Organisation,
    kind: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    body: Body | None = None,
    # A councils.Council; typed by its base, as councils sits above meetings in the house.
    council: models.Model | None = None,
    module: ProcessModule | None = None,
    description: str = "",
    mode: str = Meeting.Mode.PHYSICAL,
    location: str = "",
    accessibility_info: str = "",
    remote_link: str = "",
    webcast_link: str = "",
    capacity: int | None = None,
    registration_open: bool = False,
    question_time: bool = False,
    published: bool = True,
    minutes: str = "",
) -> Meeting:
    """Create a meeting (``meeting`` None) or change one; minutes are dated when first given."""
    require_perm(actor, "meetings.add_meeting", organisation)
    if ends_at <= starts_at:
        raise ValidationFailed("meetings.ends_before_start", field="ends_at")
    if mode != Meeting.Mode.PHYSICAL and not remote_link:
        raise ValidationFailed("meetings.remote_link_missing", field="remote_link")
    if body is not None and body.organisation_id != organisation.pk:
        raise ValidationFailed("meetings.body_of_other_organisation", field="body")
    fields: dict[str, Any] = {
        "organisation": organisation,
        "kind": kind,
        "title": title,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "body": body,
        "council": council,
        "module": module,
        "description": description,
        "mode": mode,
        "location": location,
        "accessibility_info": accessibility_info,
        "remote_link": remote_link,
        "webcast_link": webcast_link,
        "capacity": capacity,
        "registration_open": registration_open,
        "question_time": question_time,
        "published": published,
        "minutes": minutes,
    }
    with transaction.atomic():
        if meeting is None:
            saved = Meeting(**fields)
        else:
            saved = Meeting.objects.select_for_update().get(pk=meeting.pk)
            # Asked of the meeting as stored, not as the form may have changed it.
            require_perm(actor, "meetings.change_meeting", saved)
            for name, value in fields.items():
                setattr(saved, name, value)
        if saved.minutes and not saved.minutes_published_at:
            saved.minutes_published_at = timezone.now()
        saved.save()
        audit_log(actor=actor, action="meeting.save", target=saved, organisation=saved.organisation)
    return saved


def agenda_item_add(
    *,
    actor: User,
    meeting: Meeting,
    position: int,
    title: str,
    description: str = "",
    document_url: str = "",
) -> AgendaItem:
    """Add an item to the meeting's agenda under the number ``position``."""
    require_perm(actor, "meetings.change_meeting", meeting)
    try:
        with transaction.atomic():
            return AgendaItem.objects.create(
                meeting=meeting,
                position=position,
                title=title,
                description=description,
                document_url=document_url,
            )
    except IntegrityError:
        raise ValidationFailed(
            "meetings.agenda_position_taken", number=position, field="position"
        ) from None


# --- Registrations ---


def _tell(registration: Registration, template: str) -> None:
    kind = "meetings.reminder" if template == "registration_reminder" else "meetings.registration"
    meeting = registration.meeting
    context: dict[str, object] = {
        "title": meeting.title,
        "when": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M"),
        "where": meeting.location or str(meeting.get_mode_display()),
        "path": meeting.get_absolute_url(),
        "status": registration.status,
    }
    email = registration.user.email
    if email:
        email_queue(
            recipient=email,
            template=template,
            context=context,
            kind=kind,
            organisation=meeting.organisation,
        )


def registration_create(
    *,
    actor: User,
    meeting: Meeting,
    interpreter: str = "",
    hearing_loop: bool = False,
    diet: str = "",
    other_needs: str = "",
) -> Registration:
    """Register, or join the waiting list when the event is full. Counted under a lock.

    A meeting in a process takes registrations while a phase allowing "register" runs.
    """
    require_perm_in_phase(actor, "meetings.register_meeting", meeting, action="register")
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if not locked.registration_open or locked.starts_at <= timezone.now():
            raise Conflict("meetings.registration_closed")
        confirmed = locked.registrations.filter(status=Registration.Status.CONFIRMED).count()
        full = locked.capacity is not None and confirmed >= locked.capacity
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    meeting=locked,
                    user=actor,
                    status=Registration.Status.WAITING if full else Registration.Status.CONFIRMED,
                    interpreter=interpreter.strip(),
                    hearing_loop=hearing_loop,
                    diet=diet.strip(),
                    other_needs=other_needs.strip(),
                )
        except IntegrityError:
            raise ValidationFailed("meetings.already_registered") from None
        _tell(registration, "registration_confirmed" if not full else "registration_waiting")
        return registration


def registration_cancel(*, actor: User, meeting: Meeting) -> Registration | None:
    """Cancel one's own registration; if a seat is freed, the first on the waiting list gets it
    and is told. Nothing to cancel is not an error."""
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        registration = (
            locked.registrations.exclude(status=Registration.Status.CANCELLED)
            .filter(user=actor)
            .first()
        )
        if registration is None:
            return None
        freed = registration.status == Registration.Status.CONFIRMED
        registration.status = REGISTRATION_MACHINE.require(
            registration.status, RegistrationAction.CANCEL
        )
        registration.save(update_fields=["status"])
        if freed:
            _promote_first_waiting(locked)
        return registration


def _promote_first_waiting(meeting: Meeting) -> None:
    """Give a freed seat to the first on the waiting list, and tell them. Under the lock."""
    waiting = (
        meeting.registrations.filter(status=Registration.Status.WAITING)
        .order_by("created", "id")
        .first()
    )
    if waiting is None:
        return
    waiting.status = REGISTRATION_MACHINE.require(waiting.status, RegistrationAction.PROMOTE)
    waiting.promoted_at = timezone.now()
    waiting.save(update_fields=["status", "promoted_at"])
    _tell(waiting, "registration_promoted")


def meeting_reminders_send(
    *, now: datetime | None = None, ahead: timedelta = timedelta(hours=24)
) -> int:
    """Remind everyone registered for a meeting starting within ``ahead``, once each."""
    now = now or timezone.now()
    due = Registration.objects.filter(
        status=Registration.Status.CONFIRMED,
        reminded_at__isnull=True,
        meeting__starts_at__gt=now,
        meeting__starts_at__lte=now + ahead,
    ).select_related("meeting", "user")
    sent = 0
    for registration in due:
        with transaction.atomic():
            if Registration.objects.filter(pk=registration.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                _tell(registration, "registration_reminder")
                sent += 1
    return sent


# --- Allmänhetens frågestund ---

# A decline is e-mailed by the moderation service (the rule, the reason and the way to ask for
# a review), not here.
QUESTION_EMAILS = {
    Question.Status.SUBMITTED: "question_submitted",
    Question.Status.ACCEPTED: "question_accepted",
    Question.Status.ANSWERED: "question_answered",
}
# The kind of text the moderation service knows questions as (see contributions.py).
QUESTION = "meetings.question"


def _tell_asker(question: Question) -> None:
    email = question.asker.email
    if not email:
        return
    context: dict[str, object] = {
        "title": question.meeting.title,
        "path": question.meeting.get_absolute_url(),
        "question": question.text,
        "reason": question.decline_reason,
        "answered_by": question.answered_by,
    }
    template = QUESTION_EMAILS[Question.Status(question.status)]
    email_queue(
        recipient=email,
        template=template,
        context=context,
        kind="meetings.question",
        organisation=question.meeting.organisation,
    )


def question_submit(
    *,
    actor: User,
    meeting: Meeting,
    text: str,
    asker_name: str,
    personal_data_ok: bool = False,
    accept_rules: bool = False,
) -> Question:
    """A question for the meeting's question time, within the organisation's rules.

    Screened first (:mod:`delaktig.moderation.services`): personal data is pointed out to the
    asker (``personal_data_ok`` sends it anyway). Every question is reviewed before it is
    accepted, so what screening finds is only recorded, as a held decision the official sees.
    """
    require_perm(actor, "meetings.ask_question", meeting)
    if not meeting.question_time:
        raise Conflict("meetings.no_question_time")
    if timezone.now() > question_deadline(meeting=meeting):
        raise Conflict("meetings.question_deadline_passed")
    text, asker_name = text.strip(), asker_name.strip()
    if not text or not asker_name:
        raise ValidationFailed("meetings.question_incomplete")
    screened = moderation.submission_check(
        actor=actor,
        organisation_id=meeting.organisation_id,
        text=text,
        field="text",
        personal_data_ok=personal_data_ok,
        accept_rules=accept_rules,
    )
    rules = question_rules_for(meeting=meeting)
    with transaction.atomic():
        Meeting.objects.select_for_update().get(pk=meeting.pk)
        asked = (
            Question.objects.filter(meeting=meeting, asker=actor)
            .exclude(status=Question.Status.DECLINED)
            .count()
        )
        if asked >= rules.max_per_person:
            raise ValidationFailed("meetings.question_limit_reached")
        question = Question.objects.create(
            meeting=meeting, asker=actor, text=text, asker_name=asker_name
        )
        moderation.screening_apply(kind=QUESTION, item=question, result=screened)
        _tell_asker(question)
        return question


def question_withhold(item: Question, decision: Decision) -> None:
    """The moderation service's way to keep a question off the agenda. A hold by screening
    leaves a new question submitted (it is reviewed before acceptance anyway); a rejection
    declines it with the decision's reason. The question's workflow decides what may move."""
    if decision.action == Decision.Action.HELD:
        QUESTION_MACHINE.require(item.status, QuestionAction.DECLINE)  # only a submitted one
        return
    item.status = QUESTION_MACHINE.require(item.status, QuestionAction.DECLINE)
    item.decline_reason = decision.reason
    item.save(update_fields=["status", "decline_reason"])


def question_release(item: Question) -> None:
    """A hold lifted leaves the question submitted for review; a decline reversed on review
    puts it back among the submitted ones."""
    if item.status == Question.Status.DECLINED:
        item.status = QUESTION_MACHINE.require(item.status, QuestionAction.REOPEN)
        item.decline_reason = ""
        item.save(update_fields=["status", "decline_reason"])


def _locked_question(actor: User, question: Question) -> Question:
    """The question, locked for a member of staff who may handle it."""
    require_perm(actor, "meetings.handle_question", question.meeting)
    return (
        Question.objects.select_for_update().select_related("meeting", "asker").get(pk=question.pk)
    )


def _question_moved(actor: User, question: Question, action: QuestionAction) -> Question:
    """After ``action``: the audit log, and an e-mail to the asker."""
    audit_log(
        actor=actor,
        action=f"question.{action.value}",
        target=question,
        organisation=question.meeting.organisation,
    )
    _tell_asker(question)
    return question


def question_accept(*, actor: User, question: Question) -> Question:
    """Put a submitted question on the agenda. A question screening held is released by the
    same act: the official has read it and what screening found."""
    with transaction.atomic():
        locked = _locked_question(actor, question)
        locked.status = QUESTION_MACHINE.require(locked.status, QuestionAction.ACCEPT)
        held = moderation.latest_decision(kind=QUESTION, object_id=locked.pk)
        if held is not None and held.action == Decision.Action.HELD:
            moderation.decision_release(actor=actor, kind=QUESTION, item=locked)
        locked.save(update_fields=["status"])
        return _question_moved(actor, locked, QuestionAction.ACCEPT)


def question_decline(
    *, actor: User, question: Question, reason: str, rule: str = Rule.OFF_TOPIC
) -> Question:
    """Decline a submitted question through the moderation service: the asker gets the rule,
    the reason and the way to ask another moderator to review it (see
    :func:`question_withhold`, which moves the question)."""
    require_perm(actor, "meetings.handle_question", question.meeting)
    if not reason.strip():
        raise ValidationFailed("meetings.decline_without_reason", field="reason")
    with transaction.atomic():
        locked = _locked_question(actor, question)
        QUESTION_MACHINE.require(locked.status, QuestionAction.DECLINE)
        moderation.decision_withhold(
            actor=actor,
            kind=QUESTION,
            item=locked,
            action=Decision.Action.REJECTED,
            rule=rule,
            reason=reason,
        )
        locked.refresh_from_db()
        return locked


def question_answer(*, actor: User, question: Question, answered_by: str, answer: str) -> Question:
    """Record the answer given at the meeting to an accepted question."""
    require_perm(actor, "meetings.handle_question", question.meeting)
    if not answered_by.strip() or not answer.strip():
        raise ValidationFailed("meetings.answer_incomplete")
    with transaction.atomic():
        locked = _locked_question(actor, question)
        locked.status = QUESTION_MACHINE.require(locked.status, QuestionAction.ANSWER)
        locked.answered_by = answered_by.strip()
        locked.answer = answer.strip()
        locked.answered_at = timezone.now()
        locked.save(update_fields=["status", "answered_by", "answer", "answered_at"])
        return _question_moved(actor, locked, QuestionAction.ANSWER)
