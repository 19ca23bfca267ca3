"""Registrations for public events: capacity, a waiting list, and promotion on cancellation."""

from datetime import datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from delaktig.core.audit import audit_log
from delaktig.core.errors import (
    DelaktigError,
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
)
from delaktig.notifications.outbox import email_queue

from .models import Meeting, Registration


class RegistrationClosed(DelaktigError):
    code = "registration_closed"
    status = 409
    default_message = _("Det går inte att anmäla sig till det här mötet.")


def _tell(registration: Registration, template: str) -> None:
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
        email_queue(recipient=email, template=template, context=context)


def registration_create(
    *,
    user: Any,
    meeting: Meeting,
    interpreter: str = "",
    hearing_loop: bool = False,
    diet: str = "",
    other_needs: str = "",
) -> Registration:
    """Register, or join the waiting list when the event is full. Counted under a lock."""
    if not user.is_authenticated:
        raise ValidationFailed(_("Logga in för att anmäla dig."))
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if not locked.registration_open or locked.starts_at <= timezone.now():
            raise RegistrationClosed()
        confirmed = locked.registrations.filter(status=Registration.Status.CONFIRMED).count()
        full = locked.capacity is not None and confirmed >= locked.capacity
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    meeting=locked,
                    user=user,
                    status=Registration.Status.WAITING if full else Registration.Status.CONFIRMED,
                    interpreter=interpreter.strip(),
                    hearing_loop=hearing_loop,
                    diet=diet.strip(),
                    other_needs=other_needs.strip(),
                )
        except IntegrityError:
            raise ValidationFailed(_("Du är redan anmäld till mötet.")) from None
        _tell(registration, "registration_confirmed" if not full else "registration_waiting")
        return registration


def registration_cancel(*, user: Any, meeting: Meeting) -> Registration | None:
    """Cancel; if a seat is freed, the first on the waiting list gets it and is told."""
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        registration = (
            locked.registrations.exclude(status=Registration.Status.CANCELLED)
            .filter(user=user)
            .first()
        )
        if registration is None:
            return None
        freed = registration.status == Registration.Status.CONFIRMED
        registration.status = Registration.Status.CANCELLED
        registration.save(update_fields=["status"])
        if freed:
            waiting = (
                locked.registrations.filter(status=Registration.Status.WAITING)
                .order_by("created", "id")
                .first()
            )
            if waiting is not None:
                waiting.status = Registration.Status.CONFIRMED
                waiting.promoted_at = timezone.now()
                waiting.save(update_fields=["status", "promoted_at"])
                _tell(waiting, "registration_promoted")
        return registration


def meeting_reminders_send(*, now: Any = None, ahead: timedelta = timedelta(hours=24)) -> int:
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

QUESTION_EMAILS = {
    "submitted": "question_submitted",
    "accepted": "question_accepted",
    "declined": "question_declined",
    "answered": "question_answered",
}


def question_rules_for(meeting: Meeting) -> Any:
    from .models import QuestionTimeRules

    rules, _created = QuestionTimeRules.objects.get_or_create(organisation=meeting.organisation)
    return rules


def question_deadline(meeting: Meeting) -> Any:
    """Questions must be in N whole days before the meeting day (the end of that day)."""
    rules = question_rules_for(meeting)
    meeting_day = timezone.localtime(meeting.starts_at).date()
    last_day = meeting_day - timedelta(days=rules.deadline_days)
    return timezone.make_aware(datetime.combine(last_day, time.max))


def _tell_asker(question: Any) -> None:
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
    email_queue(recipient=email, template=QUESTION_EMAILS[question.status], context=context)


def question_submit(*, asker: Any, meeting: Meeting, text: str, asker_name: str) -> Any:
    from .models import Question

    if not asker.is_authenticated:
        raise ValidationFailed(_("Logga in för att ställa en fråga."))
    if not meeting.question_time:
        raise RegistrationClosed(_("Mötet har ingen frågestund."))
    if timezone.now() > question_deadline(meeting):
        raise RegistrationClosed(_("Sista dag för frågor till det här mötet har passerat."))
    text, asker_name = text.strip(), asker_name.strip()
    if not text or not asker_name:
        raise ValidationFailed(_("Skriv din fråga och namnet som ska visas."))
    rules = question_rules_for(meeting)
    with transaction.atomic():
        Meeting.objects.select_for_update().get(pk=meeting.pk)
        asked = (
            Question.objects.filter(meeting=meeting, asker=asker)
            .exclude(status=Question.Status.DECLINED)
            .count()
        )
        if asked >= rules.max_per_person:
            raise ValidationFailed(
                _("Du har redan ställt så många frågor som reglerna tillåter till mötet.")
            )
        question = Question.objects.create(
            meeting=meeting, asker=asker, text=text, asker_name=asker_name
        )
        _tell_asker(question)
        return question


def _staff_question(actor: Any, question: Any) -> Any:
    from .models import Question

    if not actor.has_perm("participation.change_process", question.meeting.organisation):
        raise PermissionDenied()
    return (
        Question.objects.select_for_update().select_related("meeting", "asker").get(pk=question.pk)
    )


def question_accept(*, actor: Any, question: Any) -> Any:
    with transaction.atomic():
        locked = _staff_question(actor, question)
        if locked.status != "submitted":
            raise InvalidTransition()
        locked.status = "accepted"
        locked.save(update_fields=["status"])
        audit_log(
            actor=actor,
            action="question.accept",
            target=locked,
            organisation=locked.meeting.organisation,
        )
        _tell_asker(locked)
        return locked


def question_decline(*, actor: Any, question: Any, reason: str) -> Any:
    if not reason.strip():
        raise ValidationFailed(_("Förklara varför frågan inte tas upp."))
    with transaction.atomic():
        locked = _staff_question(actor, question)
        if locked.status != "submitted":
            raise InvalidTransition()
        locked.status = "declined"
        locked.decline_reason = reason.strip()
        locked.save(update_fields=["status", "decline_reason"])
        audit_log(
            actor=actor,
            action="question.decline",
            target=locked,
            organisation=locked.meeting.organisation,
        )
        _tell_asker(locked)
        return locked


def question_answer(*, actor: Any, question: Any, answered_by: str, answer: str) -> Any:
    if not answered_by.strip() or not answer.strip():
        raise ValidationFailed(_("Skriv vem som svarade och vad svaret var."))
    with transaction.atomic():
        locked = _staff_question(actor, question)
        if locked.status != "accepted":
            raise InvalidTransition()
        locked.status = "answered"
        locked.answered_by = answered_by.strip()
        locked.answer = answer.strip()
        locked.answered_at = timezone.now()
        locked.save(update_fields=["status", "answered_by", "answer", "answered_at"])
        audit_log(
            actor=actor,
            action="question.answer",
            target=locked,
            organisation=locked.meeting.organisation,
        )
        _tell_asker(locked)
        return locked
