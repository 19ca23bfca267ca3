"""What the notifications app contributes to the platform (see `delaktig.core.contributions`).

Every e-mail is a row in the outbox (``models.OutgoingEmail``: the recipient's address, the
subject and the text) until it is sent and some time after, so that a failed send can be
retried and a question about what was sent can be answered. Rows are removed when the person
deletes their account, and by the retention rule ``finished_tasks`` a number of days after
they were sent (or given up).

Before the outbox, the address and the e-mail's context were arguments of django-tasks' task
records; records from then are found by the address in their arguments and handled alike.

Neither belongs to an organisation. The retention job applies every rule once per
organisation, so ``finished_tasks`` removes, whichever organisation it is applied for, every
finished row older than that organisation's days: the shortest time any organisation sets
is the one that applies, and the later applications of the same run find nothing more.
"""

import re
from datetime import datetime, timedelta
from functools import reduce
from operator import or_
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from delaktig.core.contributions import (
    Contribution,
    Job,
    LegalBasis,
    PersonalData,
    Retention,
    contribute,
)

from . import errors
from .models import NotificationSetting, OutgoingEmail

FINISHED = ("SUCCESSFUL", "FAILED")
_ADDRESS = re.compile(r"[^\s<>,;:\"'()\[\]]+@[^\s<>,;:\"'()\[\]]+")


def _addresses(user: AbstractUser) -> set[str]:
    """The person's address, and any other verified address of theirs, case-folded.

    Erasure runs before the account row is blanked, so ``user.email`` is still there.
    """
    from allauth.account.models import EmailAddress

    verified = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return {a.strip().casefold() for a in [user.email, *verified] if a and a.strip()}


def _mentions(value: Any, addresses: set[str]) -> bool:
    """Whether an argument (nested in lists and dictionaries) holds one of the addresses."""
    if isinstance(value, str):
        return any(m.rstrip(".").casefold() in addresses for m in _ADDRESS.findall(value))
    if isinstance(value, dict):
        return any(_mentions(v, addresses) for v in value.values())
    if isinstance(value, list):
        return any(_mentions(v, addresses) for v in value)
    return False


def _records_for(user: AbstractUser, *, finished_only: bool) -> list[DBTaskResult[Any, Any]]:
    addresses = _addresses(user)
    if not addresses:
        return []
    records = DBTaskResult.objects.all()
    if finished_only:
        records = records.filter(status__in=FINISHED)
    if all(a.isascii() for a in addresses):
        # A first sieve in the database; the JSON text escapes other characters.
        records = records.filter(reduce(or_, (Q(args_kwargs__icontains=a) for a in addresses)))
    return [r for r in records.order_by("enqueued_at") if _mentions(r.args_kwargs, addresses)]


def _outbox_for(user: AbstractUser) -> QuerySet[OutgoingEmail]:
    addresses = _addresses(user)
    if not addresses:
        return OutgoingEmail.objects.none()
    return OutgoingEmail.objects.filter(
        reduce(or_, (Q(recipient__iexact=a) for a in addresses))
    ).order_by("created_at", "pk")


def _export(user: AbstractUser) -> list[dict[str, Any]]:
    """What was sent (or is about to be sent) to the person: which e-mail, when, how it went.

    Not the text, which may name other people."""
    rows = [
        {
            "email": email.template,
            "subject": email.subject,
            "status": email.status,
            "enqueued": email.created_at.isoformat(),
            "finished": email.sent_at.isoformat() if email.sent_at else None,
        }
        for email in _outbox_for(user)
    ]
    for record in _records_for(user, finished_only=False):
        kwargs = (record.args_kwargs or {}).get("kwargs") or {}
        rows.append(
            {
                "email": kwargs.get("template") or record.task_path.rsplit(".", 1)[-1],
                "status": record.status,
                "enqueued": record.enqueued_at.isoformat(),
                "finished": record.finished_at.isoformat() if record.finished_at else None,
            }
        )
    return rows


def _erase(user: AbstractUser) -> None:
    """The person's e-mails go from the outbox, sent or not. Finished old-style task records
    go; one still waiting is sent first and removed by the retention rule."""
    _outbox_for(user).delete()
    ids = [r.pk for r in _records_for(user, finished_only=True)]
    DBTaskResult.objects.filter(pk__in=ids).delete()


def _export_settings(user: AbstractUser) -> list[dict[str, Any]]:
    return [
        {"kind": s.kind, "channel": s.channel, "enabled": s.enabled}
        for s in NotificationSetting.objects.filter(user_id=user.pk).order_by("kind", "channel")
    ]


def _erase_settings(user: AbstractUser) -> None:
    NotificationSetting.objects.filter(user_id=user.pk).delete()


def _remove_finished(organisation: object, days: int, now: datetime) -> int:
    """Every finished task record older than ``days``, whatever the organisation (see above)."""
    cutoff = now - timedelta(days=days)
    due = DBTaskResult.objects.filter(status__in=FINISHED).filter(
        Q(finished_at__lte=cutoff) | Q(finished_at__isnull=True, enqueued_at__lte=cutoff)
    )
    removed, _by_model = due.delete()
    sent = OutgoingEmail.objects.filter(
        Q(status=OutgoingEmail.Status.SENT, sent_at__lte=cutoff)
        | Q(status=OutgoingEmail.Status.FAILED, next_attempt_at__lte=cutoff)
    )
    removed_emails, _by_model = sent.delete()
    return removed + removed_emails


def _requeue_lost_emails(now: datetime) -> int:
    from .outbox import requeue_lost

    return requeue_lost(now)


contribute(
    Contribution(
        app_label="notifications",
        personal_data=(
            PersonalData(
                key="email_tasks",
                name=_("E-post som skickats till dig"),
                purpose=_(
                    "Att e-posten skickas i bakgrunden, att ett misslyckat utskick skickas "
                    "igen och att det går att svara på vad som skickats."
                ),
                legal_basis=_(
                    "Samma rättsliga grund som det e-posten gäller, artikel 6.1 b eller e i GDPR"
                ),
                covers=("notifications.OutgoingEmail", "django_tasks_database.DBTaskResult"),
                export=_export,
                erase=_erase,
                retention=Retention(
                    key="finished_tasks",
                    name=_("Uppgifter om skickad e-post (mottagare och innehåll)"),
                    starts=_(
                        "Räknas från att e-posten skickades. Gäller hela plattformen: den kortaste "
                        "tid någon organisation anger gäller för alla."
                    ),
                    default_days=30,
                    apply=_remove_finished,
                    min_days=1,
                ),
            ),
            PersonalData(
                key="notification_settings",
                name=_("Vilka e-postmeddelanden du vill få"),
                purpose=_("Att du bara får de meddelanden du valt."),
                legal_basis=LegalBasis.CONTRACT,
                covers=("notifications.NotificationSetting.user",),
                export=_export_settings,
                erase=_erase_settings,
                kept_for=_("Så länge du har ett konto."),
            ),
        ),
        errors=errors.MESSAGES,
        jobs=(
            Job(
                key="email_outbox",
                name=_("Skicka e-post vars utskick fastnat"),
                run=_requeue_lost_emails,
            ),
        ),
    )
)
