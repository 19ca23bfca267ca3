"""Writes: subscribing (double opt-in, or one step with a verified account), confirming and
leaving; writing a newsletter and sending it.

Subscribing answers alike whether or not the address is already on the list, so the form
tells no one who subscribes: a new or unconfirmed address gets a confirmation link, a
confirmed one an e-mail saying it is already subscribed (with the link to leave), and its
choices are not changed by someone who only knows the address.
"""

import math
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from delaktig.accounts.types import User, Visitor
from delaktig.core import ratelimit
from delaktig.core.audit import audit_log
from delaktig.core.errors import RateLimited, ValidationFailed, require_perm
from delaktig.core.languages import SOURCE
from delaktig.core.sites import absolute_url
from delaktig.councils.models import Council
from delaktig.notifications.outbox import email_queue
from delaktig.notifications.selectors import accounts_for_address
from delaktig.notifications.services import notification_settings_save
from delaktig.organisations.models import Municipality, Organisation
from delaktig.participation.models import Perspective, Process, SdgGoal

from . import selectors, tokens
from .models import Delivery, Newsletter, Subscription
from .workflow import MACHINE, Action

# An unconfirmed subscription's link works this long; then the row is removed (a Job).
CONFIRM_WITHIN = timedelta(days=7)


def batch_size() -> int:
    return int(getattr(settings, "DELAKTIG_NEWSLETTER_BATCH_SIZE", 200))


def subscription_url(subscription: Subscription, name: str) -> str:
    """A confirmation or leaving link, on the organisation's own host where it has one."""
    token = tokens.make("s", subscription.pk, subscription.email)
    return absolute_url(
        reverse(f"newsletters:{name}", kwargs={"token": token}), subscription.organisation
    )


def _mail_language(code: str) -> str:
    """The interface language of an e-mail's own words: English for English, else Swedish."""
    return "en" if code == "en" else "sv"


def _check_choices(
    organisation: Organisation, language: str, municipality: Municipality | None
) -> None:
    if language not in selectors.subscription_languages(organisation):
        raise ValidationFailed("newsletters.language_not_offered", field="language")
    if (
        municipality is not None
        and not selectors.municipalities_of(organisation).filter(pk=municipality.pk).exists()
    ):
        raise ValidationFailed("newsletters.municipality_not_offered", field="municipality")


def _set_choices(
    subscription: Subscription,
    *,
    language: str,
    municipality: Municipality | None,
    perspectives: Sequence[Perspective],
    sdg_goals: Sequence[SdgGoal],
) -> None:
    subscription.language = language
    subscription.municipality = municipality
    subscription.save()
    subscription.perspectives.set(perspectives)
    subscription.sdg_goals.set(sdg_goals)


def subscription_request(
    *,
    actor: Visitor,
    organisation: Organisation,
    email: str,
    language: str,
    municipality: Municipality | None = None,
    perspectives: Sequence[Perspective] = (),
    sdg_goals: Sequence[SdgGoal] = (),
    client: str = "",
) -> None:
    """The public form: e-mail a confirmation link (double opt-in). Answers alike for a new,
    an unconfirmed and a confirmed address (see the module's docstring)."""
    email = email.strip().lower()
    _check_choices(organisation, language, municipality)
    limits = [
        ratelimit.limit_for("newsletter_subscribe", f"client:{client}"),
        ratelimit.limit_for("newsletter_subscribe_address", f"address:{email}"),
    ]
    with (
        ratelimit.enforce(*limits, error=RateLimited("newsletters.too_many_requests")),
        transaction.atomic(),
    ):
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        subscription = Subscription.objects.filter(organisation=organisation, email=email).first()
        if subscription is not None and subscription.is_confirmed:
            _queue_mail(subscription, "newsletter_already", "unsubscribe")
            return
        if subscription is None:
            subscription = Subscription(organisation=organisation, email=email)
        # Not linked to the account of whoever is logged in: the address typed may not be
        # theirs. The account flow (``subscription_subscribe_account``) links it.
        subscription.created_at = timezone.now()
        _set_choices(
            subscription,
            language=language,
            municipality=municipality,
            perspectives=perspectives,
            sdg_goals=sdg_goals,
        )
        _queue_mail(subscription, "newsletter_confirm", "confirm")


def _queue_mail(subscription: Subscription, template: str, link: str) -> None:
    email_queue(
        recipient=subscription.email,
        template=template,
        kind="newsletters.confirmation",
        language=_mail_language(subscription.language),
        context={
            "organisation": subscription.organisation.name,
            "url": subscription_url(subscription, link),
            "days": CONFIRM_WITHIN.days,
        },
        organisation=subscription.organisation,
    )


def subscription_subscribe_account(
    *,
    actor: User,
    organisation: Organisation,
    language: str,
    municipality: Municipality | None = None,
    perspectives: Sequence[Perspective] = (),
    sdg_goals: Sequence[SdgGoal] = (),
) -> Subscription:
    """One step for a logged-in person with a verified address: subscribed (or their choices
    changed) at once, no confirmation e-mail, since the address is already confirmed."""
    address = selectors.account_address(actor)
    if not address:
        raise ValidationFailed("newsletters.no_verified_email")
    _check_choices(organisation, language, municipality)
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        subscription = selectors.own_subscription(viewer=actor, organisation=organisation)
        if subscription is None:
            subscription = Subscription.objects.filter(
                organisation=organisation, email=address
            ).first() or Subscription(organisation=organisation, email=address)
        subscription.user = actor
        if subscription.confirmed_at is None:
            subscription.confirmed_at = timezone.now()
        _set_choices(
            subscription,
            language=language,
            municipality=municipality,
            perspectives=perspectives,
            sdg_goals=sdg_goals,
        )
    return subscription


def subscription_for_token(value: str) -> Subscription | None:
    """The subscription a confirmation link names, or None when the link is not valid."""
    token = tokens.parse(value)
    if token is None or token.kind != "s":
        return None
    subscription = Subscription.objects.filter(pk=token.pk).select_related("organisation").first()
    if subscription is None or not token.matches(subscription.email):
        return None
    return subscription


def confirm_expired(subscription: Subscription, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return not subscription.is_confirmed and subscription.created_at <= now - CONFIRM_WITHIN


def subscription_confirm(*, token: str, now: datetime | None = None) -> Subscription | None:
    """Confirm the subscription the link names (idempotent). None when the link is not valid
    or has expired."""
    now = now or timezone.now()
    with transaction.atomic():
        subscription = subscription_for_token(token)
        if subscription is None:
            return None
        subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
        if confirm_expired(subscription, now):
            return None
        if subscription.confirmed_at is None:
            subscription.confirmed_at = now
            subscription.save(update_fields=["confirmed_at"])
    return subscription


def token_is_valid(value: str) -> bool:
    """Whether an unsubscribe link is genuine: its mac matches a row, or the subscription it
    named is gone (then leaving has nothing left to do, and says so just the same). A
    newsletter e-mail's link whose delivery record is gone (retention, erasure) is not valid:
    the address it was for is no longer known, so "you have left" would not be true."""
    token = tokens.parse(value)
    if token is None:
        return False
    model = Subscription if token.kind == "s" else Delivery
    row = model.objects.filter(pk=token.pk).values_list("email", flat=True).first()
    if row is None:
        return token.kind == "s"
    return token.matches(row)


def subscription_end(*, token: str) -> bool:
    """Leave with a link's token, without logging in; idempotent. A subscription's token ends
    that subscription; a newsletter e-mail's token ends the address's subscription to that
    organisation and, when it was sent to an account (a follower, a council member), turns
    newsletters off for that account. False when the token is not genuine."""
    parsed = tokens.parse(token)
    if parsed is None or not token_is_valid(token):
        return False
    with transaction.atomic():
        if parsed.kind == "s":
            Subscription.objects.filter(pk=parsed.pk).delete()
            return True
        delivery = Delivery.objects.filter(pk=parsed.pk).select_related("newsletter").first()
        if delivery is None:
            return True
        Subscription.objects.filter(
            organisation_id=delivery.newsletter.organisation_id, email=delivery.email
        ).delete()
        if delivery.via_account:
            for account in accounts_for_address(delivery.email):
                notification_settings_save(
                    actor=account, choices={(selectors.ACCOUNT_KIND, "email"): False}
                )
    return True


def subscription_cancel(*, actor: User, organisation: Organisation) -> bool:
    """A logged-in person ends their own subscription (Mina sidor, the subscribe page)."""
    subscription = selectors.own_subscription(viewer=actor, organisation=organisation)
    if subscription is None:
        return False
    subscription.delete()
    return True


def subscriptions_remove_unconfirmed(now: datetime) -> int:
    """The Job: unconfirmed subscriptions older than seven days go."""
    removed, _by_model = Subscription.objects.filter(
        confirmed_at__isnull=True, created_at__lte=now - CONFIRM_WITHIN
    ).delete()
    return removed


# --- newsletters ----------------------------------------------------------------------------


def _check_segment(
    organisation: Organisation,
    *,
    to_subscribers: bool,
    processes: Sequence[Process],
    councils: Sequence[Council],
) -> None:
    if not (to_subscribers or processes or councils):
        raise ValidationFailed("newsletters.no_segment", field="to_subscribers")
    if any(p.organisation_id != organisation.pk for p in processes) or any(
        c.organisation_id != organisation.pk for c in councils
    ):
        raise ValidationFailed("newsletters.other_organisation")


def _write(
    newsletter: Newsletter,
    *,
    subject: str,
    preamble: str,
    body: str,
    to_subscribers: bool,
    combine: str,
    municipalities: Sequence[Municipality],
    perspectives: Sequence[Perspective],
    sdg_goals: Sequence[SdgGoal],
    processes: Sequence[Process],
    councils: Sequence[Council],
) -> Newsletter:
    if not subject.strip():
        raise ValidationFailed("newsletters.subject_missing", field="subject")
    if not body.strip():
        raise ValidationFailed("newsletters.body_missing", field="body")
    _check_segment(
        newsletter.organisation,
        to_subscribers=to_subscribers,
        processes=processes,
        councils=councils,
    )
    newsletter.subject, newsletter.preamble, newsletter.body = subject.strip(), preamble, body
    newsletter.to_subscribers = to_subscribers
    newsletter.combine = Newsletter.Combine(combine)
    newsletter.updated_at = timezone.now()
    newsletter.save()
    newsletter.municipalities.set(municipalities)
    newsletter.perspectives.set(perspectives)
    newsletter.sdg_goals.set(sdg_goals)
    newsletter.processes.set(processes)
    newsletter.councils.set(councils)
    return newsletter


def newsletter_create(
    *,
    actor: User,
    organisation: Organisation,
    subject: str,
    body: str,
    preamble: str = "",
    to_subscribers: bool = True,
    combine: str = Newsletter.Combine.ALL,
    municipalities: Sequence[Municipality] = (),
    perspectives: Sequence[Perspective] = (),
    sdg_goals: Sequence[SdgGoal] = (),
    processes: Sequence[Process] = (),
    councils: Sequence[Council] = (),
) -> Newsletter:
    require_perm(actor, "newsletters.manage_newsletter", organisation)
    with transaction.atomic():
        newsletter = _write(
            Newsletter(organisation=organisation, created_by=actor),
            subject=subject,
            preamble=preamble,
            body=body,
            to_subscribers=to_subscribers,
            combine=combine,
            municipalities=municipalities,
            perspectives=perspectives,
            sdg_goals=sdg_goals,
            processes=processes,
            councils=councils,
        )
        audit_log(
            actor=actor, action="newsletter.create", target=newsletter, organisation=organisation
        )
    return newsletter


def newsletter_update(
    *,
    actor: User,
    newsletter: Newsletter,
    subject: str,
    body: str,
    preamble: str = "",
    to_subscribers: bool = True,
    combine: str = Newsletter.Combine.ALL,
    municipalities: Sequence[Municipality] = (),
    perspectives: Sequence[Perspective] = (),
    sdg_goals: Sequence[SdgGoal] = (),
    processes: Sequence[Process] = (),
    councils: Sequence[Council] = (),
) -> Newsletter:
    require_perm(actor, "newsletters.manage_newsletter", newsletter)
    with transaction.atomic():
        locked = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
        if not locked.is_draft:
            raise ValidationFailed("newsletters.not_draft")
        locked = _write(
            locked,
            subject=subject,
            preamble=preamble,
            body=body,
            to_subscribers=to_subscribers,
            combine=combine,
            municipalities=municipalities,
            perspectives=perspectives,
            sdg_goals=sdg_goals,
            processes=processes,
            councils=councils,
        )
        audit_log(
            actor=actor,
            action="newsletter.update",
            target=locked,
            organisation=locked.organisation,
        )
    return locked


def newsletter_send(*, actor: User, newsletter: Newsletter) -> int:
    """Write one ``Delivery`` per address of the segment, each in the language the person
    chose when the newsletter has a reviewed, current translation into it (else Swedish),
    and queue the batch tasks after the commit. Returns the number of recipients."""
    require_perm(actor, "newsletters.manage_newsletter", newsletter)
    with transaction.atomic():
        locked = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
        if not locked.is_draft:
            raise ValidationFailed("newsletters.not_draft")
        status = MACHINE.require(locked.status, Action.SEND)
        everyone = selectors.recipients(locked)
        if not everyone:
            raise ValidationFailed("newsletters.no_recipients")
        shown = {
            code: code if code == SOURCE or locked.has_translation(code) else SOURCE
            for code in {r.language for r in everyone}
        }
        now = timezone.now()
        Delivery.objects.bulk_create(
            [
                Delivery(
                    newsletter=locked,
                    email=r.email,
                    language=shown[r.language],
                    via_subscription=r.via_subscription,
                    via_account=r.via_account,
                    created_at=now,
                )
                for r in everyone
            ],
            batch_size=1000,
            ignore_conflicts=True,
        )
        locked.status = status.value
        locked.sent_at, locked.sent_by, locked.recipient_count = now, actor, len(everyone)
        locked.save(update_fields=["status", "sent_at", "sent_by", "recipient_count"])
        languages: dict[str, int] = {}
        for r in everyone:
            languages[shown[r.language]] = languages.get(shown[r.language], 0) + 1
        audit_log(
            actor=actor,
            action="newsletter.send",
            target=locked,
            organisation=locked.organisation,
            data={"recipients": len(everyone), "languages": languages},
        )
        batches = math.ceil(len(everyone) / batch_size())
        transaction.on_commit(partial(_enqueue_batches, locked.pk, batches))
    return len(everyone)


def _enqueue_batches(newsletter_id: int, batches: int) -> None:
    from .tasks import send_newsletter_batch

    for _ in range(batches):
        send_newsletter_batch.enqueue(newsletter_id)
