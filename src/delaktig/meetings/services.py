"""Registrations for public events: capacity, a waiting list, and promotion on cancellation."""

from datetime import timedelta
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from delaktig.core.errors import DelaktigError, ValidationFailed
from delaktig.notifications.tasks import send_templated_email

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
        transaction.on_commit(
            partial(
                send_templated_email.enqueue, recipient=email, template=template, context=context
            )
        )


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
