"""Queue e-mail in the outbox and send it, each e-mail once, whatever fails on the way.

``email_queue`` renders a templated e-mail and writes it to the outbox; ``email_queue_message``
does the same for an e-mail rendered elsewhere (allauth's). Either may be called inside a
transaction: the row commits with it, and the send task is queued after the commit.

``kind`` names the e-mail's :class:`~delaktig.core.contributions.NotificationKind`: an e-mail of a
kind the recipient's account turned off is not queued, and one that may be turned off ends
with where to change that. An undeclared kind is a programming error and raises ``KeyError``.

``email_deliver`` sends one row. It claims the row first (status SENDING, under a row lock), so
two runs never send it together; a row already SENT is left alone. A failed send puts the row
back to QUEUED and raises, so the task is retried with backoff (``delaktig.core.tasks``); after
``MAX_ATTEMPTS`` the row ends FAILED. If a worker dies between the mail server accepting the
e-mail and the row being marked SENT, the e-mail is sent again when the stale claim is
recovered: SMTP offers no exactly-once, so each e-mail carries a Message-ID that stays the same
on every attempt, by which mail systems recognise the repeat. The window is kept short: the row
is marked SENT as soon as the server has accepted the e-mail (its answer to DATA), before the
connection is closed, so a worker that dies while saying goodbye sends nothing twice.
"""

import hashlib
import html
import logging
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from delaktig.core.contributions import notification_kind
from delaktig.core.sites import absolute_url, site_root
from delaktig.core.tasks import RetryPolicy, stale_after

from .models import OutgoingEmail
from .selectors import address_wants

logger = logging.getLogger(__name__)

# Tried for about seven hours: after 1, 2, 4, 8, 16 and 32 minutes, then hourly. The settings
# DELAKTIG_EMAIL_RETRY_FIRST_DELAY and …_MAX_DELAY (seconds) change it (bench/faults.py does).
MAX_ATTEMPTS = 12


def retry_policy() -> RetryPolicy:
    return RetryPolicy(
        max_attempts=MAX_ATTEMPTS,
        first_delay=timedelta(seconds=getattr(settings, "DELAKTIG_EMAIL_RETRY_FIRST_DELAY", 60)),
        max_delay=timedelta(seconds=getattr(settings, "DELAKTIG_EMAIL_RETRY_MAX_DELAY", 3600)),
    )


# A queued row this long past its time has lost its task; the hourly job queues it again.
OVERDUE = timedelta(minutes=15)

Status = OutgoingEmail.Status


def _hashed(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def email_queue_message(
    *,
    recipient: str,
    template: str,
    subject: str,
    body: str,
    html_body: str = "",
    key: str = "",
    kind: str = "",
    headers: Mapping[str, str] | None = None,
) -> OutgoingEmail | None:
    """Write one e-mail to the outbox and send it after the commit. ``key`` names the e-mail
    for its sender; a second call with the same key queues nothing (and returns the first).
    Nothing is queued (None) when the recipient turned ``kind`` off. ``headers`` are sent with
    it (a newsletter's ``List-Unsubscribe``); the Message-ID is always the outbox's own."""
    if not recipient:
        return None
    if kind and not address_wants(recipient, kind):
        return None
    email, created = OutgoingEmail.objects.get_or_create(
        key=_hashed(key or secrets.token_hex(16)),
        defaults={
            "recipient": recipient,
            "template": template[:100],
            "subject": " ".join(subject.split())[:300],
            "body": body,
            "html_body": html_body,
            "headers": {str(k): str(v) for k, v in (headers or {}).items()},
        },
    )
    if created:
        _send_after_commit(email.pk)
    return email


def email_queue(
    *,
    recipient: str,
    template: str,
    context: dict[str, object],
    language: str = "sv",
    key: str = "",
    kind: str = "",
    organisation: Any = None,
) -> OutgoingEmail | None:
    """Render ``notifications/email/<template>_subject.txt`` and ``…_body.txt`` and queue it,
    unless the recipient turned ``kind`` off (then None). The templates' ``site_url`` is
    ``organisation``'s own host where it has one (``core.sites.site_root``), so that the links
    lead to the site the e-mail is about; ``SITE_URL`` otherwise."""
    if not recipient:
        return None
    if kind and not address_wants(recipient, kind):
        return None
    with translation.override(language):
        context = {**context, "site_url": site_root(organisation)}
        # Plain text: what Django's autoescaping wrote as entities (&amp; &#x27;) is read back,
        # so that "Bäck & Å's förslag" arrives as typed, whether or not a template turned
        # autoescaping off.
        subject = html.unescape(
            render_to_string(f"notifications/email/{template}_subject.txt", context)
        )
        body: str = html.unescape(
            render_to_string(f"notifications/email/{template}_body.txt", context)
        )
        if kind and not notification_kind(kind).required:
            body = body.rstrip() + "\n\n-- \n" + settings_footer(organisation)
    return email_queue_message(
        recipient=recipient, template=template, subject=subject, body=body, key=key
    )


def settings_footer(organisation: Any = None) -> str:
    """The last line of every e-mail the recipient may turn off, in the active language."""
    url = absolute_url(reverse("accounts:notifications"), organisation)
    return gettext("Ändra vilka e-postmeddelanden du får: %(url)s") % {"url": url}


def _send_after_commit(email_id: int) -> None:
    from .tasks import deliver_email

    transaction.on_commit(partial(deliver_email.enqueue, email_id))


def message_id(email: OutgoingEmail) -> str:
    """The same on every attempt, so a repeat is recognisable as the same e-mail."""
    domain = urlsplit(settings.SITE_URL).hostname or "delaktig.invalid"
    return f"<{email.key[:40]}.{email.pk}@{domain}>"


def email_deliver(email_id: int, *, now: datetime | None = None) -> str:
    """Send one queued e-mail. Returns the row's status; raises when the send failed."""
    now = now or timezone.now()
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None:
            return "gone"  # erased with the account while it waited
        if email.status in (Status.SENT, Status.FAILED):
            return email.status
        if (
            email.status == Status.SENDING
            and email.claimed_at
            and email.claimed_at > now - stale_after()
        ):
            return email.status  # another worker is sending it now
        email.status = Status.SENDING
        email.claimed_at = now
        email.attempts += 1
        email.save(update_fields=["status", "claimed_at", "attempts"])
    connection = get_connection()
    message = EmailMultiAlternatives(
        email.subject,
        email.body,
        None,
        [email.recipient],
        headers={**(email.headers or {}), "Message-ID": message_id(email)},
        connection=connection,
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    try:
        # Opened here, so that sending leaves it open: the row is marked sent as soon as the
        # server has accepted the e-mail, before the goodbye (QUIT), which may hang.
        connection.open()
        message.send()
    except Exception as error:
        _close(connection)
        retry = retry_policy()
        final = email.attempts >= retry.max_attempts
        OutgoingEmail.objects.filter(pk=email.pk).update(
            status=Status.FAILED if final else Status.QUEUED,
            claimed_at=None,
            next_attempt_at=now + retry.delay(email.attempts),
            last_error=f"{type(error).__name__}: {error}"[:500],
        )
        (logger.error if final else logger.warning)(
            "e-mail %s (%s) not sent, attempt %d of %d: %s",
            email.pk,
            email.template,
            email.attempts,
            retry.max_attempts,
            type(error).__name__,
        )
        raise
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=Status.SENT, claimed_at=None, sent_at=timezone.now(), last_error=""
    )
    _close(connection)
    return Status.SENT


def _close(connection: BaseEmailBackend) -> None:
    """Say goodbye to the mail server; a failure there changes nothing about the e-mail."""
    try:
        connection.close()
    except Exception as error:
        logger.warning("closing the mail connection failed: %s", type(error).__name__)


def requeue_lost(now: datetime) -> int:
    """Queue a send again for every row whose task was lost: queued and long overdue, or
    claimed by a worker that stopped answering. Returns how many."""
    from .tasks import deliver_email

    stale = OutgoingEmail.objects.filter(status=Status.SENDING, claimed_at__lt=now - stale_after())
    stale.update(status=Status.QUEUED, claimed_at=None)
    due = OutgoingEmail.objects.filter(status=Status.QUEUED, next_attempt_at__lte=now - OVERDUE)
    ids = list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:5000])
    for email_id in ids:
        deliver_email.enqueue(email_id)
    return len(ids)
