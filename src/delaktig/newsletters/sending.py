"""Sending a newsletter in batches: what the task worker runs (``tasks.send_newsletter_batch``).

Each run claims up to ``batch_size()`` queued deliveries under row locks that other workers
skip (``select_for_update(skip_locked=True)`` on PostgreSQL; SQLite serialises writers), writes
one outbox row each, keyed by newsletter and address, and marks them handed, all in one
transaction: a run that dies leaves its batch queued for the next, two runs never take the
same rows, and even if they did the outbox key and the ``(newsletter, email)`` constraint
would send nothing twice. The run that finds nothing left finishes the newsletter.

Each e-mail carries ``List-Unsubscribe`` (the delivery's own link) and
``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058), and the same link in its text.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from delaktig.core.languages import content_language_override, language
from delaktig.core.markdown import render_markdown
from delaktig.core.sites import absolute_url
from delaktig.notifications.outbox import email_queue_message
from delaktig.organisations.models import Organisation

from . import selectors, services, tokens
from .models import Delivery, Newsletter
from .workflow import MACHINE, Action, Status

LINK = "{{unsubscribe}}"
OVERDUE = timedelta(minutes=15)


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    html: str


def unsubscribe_url(delivery: Delivery, organisation: Organisation | None = None) -> str:
    """The one-click link, on the newsletter's organisation's own host where it has one."""
    token = tokens.make("d", delivery.pk, delivery.email)
    return absolute_url(reverse("newsletters:unsubscribe", kwargs={"token": token}), organisation)


def render(newsletter: Newsletter, code: str) -> Rendered:
    """The newsletter in ``code`` (its texts as ``tr`` gives them in that content language;
    the e-mail's own words in English for English, else Swedish), with ``LINK`` where the
    recipient's unsubscribe link goes."""
    interface = "en" if code == "en" else "sv"
    with content_language_override(code), translation.override(interface):
        context = {
            "organisation": newsletter.organisation.name,
            "subject": newsletter.tr("subject"),
            "preamble": newsletter.tr("preamble"),
            "body": newsletter.tr("body"),
            "body_html": render_markdown(newsletter.tr("body")),
            "lang": language(code).tag,
            "rtl": language(code).rtl,
            "unsubscribe": LINK,
        }
        text = render_to_string("newsletters/email/newsletter.txt", context)
        html = render_to_string("newsletters/email/newsletter.html", context)
    return Rendered(subject=str(context["subject"]), body=text, html=html)


def batch_send(newsletter_id: int, *, size: int | None = None, now: datetime | None = None) -> int:
    """Hand one batch of the newsletter's queued deliveries to the outbox. Returns how many."""
    size = size or services.batch_size()
    newsletter = Newsletter.objects.select_related("organisation").filter(pk=newsletter_id).first()
    if newsletter is None or newsletter.status != Status.SENDING:
        return 0
    rendered: dict[str, Rendered] = {}
    with transaction.atomic():
        batch = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(newsletter=newsletter, state=Delivery.State.QUEUED)
            .order_by("pk")[:size]
        )
        now = now or timezone.now()
        for delivery in batch:
            if delivery.language not in rendered:
                rendered[delivery.language] = render(newsletter, delivery.language)
            mail = rendered[delivery.language]
            url = unsubscribe_url(delivery, newsletter.organisation)
            email = email_queue_message(
                recipient=delivery.email,
                template="newsletter",
                subject=mail.subject,
                body=mail.body.replace(LINK, url),
                html_body=mail.html.replace(LINK, url),
                key=f"newsletter:{newsletter.pk}:{delivery.email}",
                kind=(
                    selectors.SUBSCRIPTION_KIND
                    if delivery.via_subscription
                    else selectors.ACCOUNT_KIND
                ),
                headers={
                    "List-Unsubscribe": f"<{url}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
            )
            delivery.outgoing = email
            delivery.state = Delivery.State.HANDED if email else Delivery.State.SKIPPED
            delivery.handed_at = now
        Delivery.objects.bulk_update(batch, ["outgoing", "state", "handed_at"])
    # Every run asks, so the last one to commit finishes it, whichever that is.
    newsletter_finish(newsletter.pk, now=now)
    return len(batch)


def newsletter_finish(newsletter_id: int, *, now: datetime | None = None) -> bool:
    """Mark the newsletter sent once no delivery waits. Idempotent."""
    with transaction.atomic():
        newsletter = Newsletter.objects.select_for_update().filter(pk=newsletter_id).first()
        if newsletter is None or newsletter.status != Status.SENDING:
            return False
        if newsletter.deliveries.filter(state=Delivery.State.QUEUED).exists():
            return False
        newsletter.status = MACHINE.require(newsletter.status, Action.FINISH).value
        newsletter.finished_at = now or timezone.now()
        newsletter.save(update_fields=["status", "finished_at"])
    return True


def resume(now: datetime) -> int:
    """The hourly Job: queue batch tasks again for newsletters still sending (a lost task),
    and finish those with nothing left. Returns how many tasks it queued."""
    from .tasks import send_newsletter_batch

    queued = 0
    # Newer ones still have their own tasks waiting.
    lost = Newsletter.objects.filter(status=Status.SENDING, sent_at__lte=now - OVERDUE)
    for newsletter in lost:
        waiting = newsletter.deliveries.filter(state=Delivery.State.QUEUED).count()
        if not waiting:
            newsletter_finish(newsletter.pk, now=now)
            continue
        for _ in range(-(-waiting // services.batch_size())):
            send_newsletter_batch.enqueue(newsletter.pk)
            queued += 1
    return queued
