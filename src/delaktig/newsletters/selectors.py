"""Reads: who a newsletter goes to (the segment), how far sending got, and what the pages list.

**The segment** is the union (OR) of up to three groups, each address once:

1. confirmed subscribers of the organisation (``to_subscribers``), narrowed by the chosen
   municipalities and topics. A subscriber matches a municipality criterion when they chose
   one of those municipalities *or none* (no municipality means "all of the organisation"),
   and a topic criterion when they chose one of the perspectives or goals *or no topic*. With
   ``combine`` = all, a subscriber must match both criteria (AND); with any, one of them (OR);
   a criterion with nothing chosen is left out;
2. everyone who follows one of the chosen processes (an active account, following being
   the person's consent to hear about the process), unless they turned off the notification
   kind ``newsletters.account``;
3. the current members (term running today) of the chosen councils, with the same opt-out.

Addresses are compared in lower case. A subscriber's language is the one they chose; an
address that is only an account gets Swedish.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from delaktig.accounts.types import Visitor
from delaktig.core.contributions import WorkItem
from delaktig.core.languages import SOURCE, language
from delaktig.notifications.models import NotificationSetting, OutgoingEmail
from delaktig.organisations.models import Municipality, Organisation
from delaktig.participation.models import Follow, Perspective, SdgGoal
from delaktig.translations.selectors import languages_of

from .models import Delivery, Newsletter, Subscription
from .workflow import STATUS_LABELS, Status

ACCOUNT_KIND = "newsletters.account"
SUBSCRIPTION_KIND = "newsletters.subscription"


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str = SOURCE
    via_subscription: bool = False
    via_account: bool = False


# --- the subscribe form's choices -----------------------------------------------------------


def subscription_languages(organisation: Organisation) -> list[str]:
    """Swedish and the organisation's content languages, in the platform's order."""
    return [SOURCE, *languages_of(organisation)]


def language_choices(organisation: Organisation) -> list[tuple[str, SafeString]]:
    """Each language by its own name, marked with its ``lang`` (and ``dir``) for readers."""
    choices = []
    for code in subscription_languages(organisation):
        shown = language(code)
        direction = mark_safe(' dir="rtl"') if shown.rtl else ""  # noqa: S308 - a constant
        label = format_html('<span lang="{}"{}>{}</span>', shown.tag, direction, shown.name_local)
        choices.append((code, label))
    return choices


def municipalities_of(organisation: Organisation) -> QuerySet[Municipality]:
    return organisation.municipalities.order_by("name")


def topic_choices() -> tuple[QuerySet[Perspective], QuerySet[SdgGoal]]:
    return Perspective.objects.order_by("pk"), SdgGoal.objects.order_by("number")


# --- the segment ------------------------------------------------------------------------------


def _ids(values: Iterable[Any]) -> list[int]:
    return [int(v) for v in values]


def matching_subscriptions(
    newsletter: Newsletter, *, municipalities: list[int], perspectives: list[int], goals: list[int]
) -> QuerySet[Subscription]:
    """The organisation's confirmed subscriptions that match the newsletter's criteria."""
    subscriptions = Subscription.objects.filter(
        organisation_id=newsletter.organisation_id, confirmed_at__isnull=False
    )
    criteria: list[Q] = []
    if municipalities:
        criteria.append(Q(municipality__isnull=True) | Q(municipality_id__in=municipalities))
    if perspectives or goals:
        chosen_p = Subscription.perspectives.through.objects.filter(subscription_id=OuterRef("pk"))
        chosen_g = Subscription.sdg_goals.through.objects.filter(subscription_id=OuterRef("pk"))
        criteria.append(
            (~Exists(chosen_p) & ~Exists(chosen_g))
            | Exists(chosen_p.filter(perspective_id__in=perspectives))
            | Exists(chosen_g.filter(sdggoal_id__in=goals))
        )
    if not criteria:
        return subscriptions
    combined = criteria[0]
    for criterion in criteria[1:]:
        if newsletter.combine == Newsletter.Combine.ANY:
            combined |= criterion
        else:
            combined &= criterion
    return subscriptions.filter(combined)


def _account_addresses(users: QuerySet[Any]) -> list[str]:
    opted_out = NotificationSetting.objects.filter(
        kind=ACCOUNT_KIND, channel="email", enabled=False
    ).values("user_id")
    return list(
        users.filter(is_active=True, deleted_at__isnull=True)
        .exclude(email="")
        .exclude(pk__in=opted_out)
        .values_list("email", flat=True)
    )


def follower_addresses(process_ids: list[int]) -> list[str]:
    if not process_ids:
        return []
    users = get_user_model().objects.filter(
        pk__in=Follow.objects.filter(process_id__in=process_ids).values("user_id")
    )
    return _account_addresses(users)


def council_member_addresses(council_ids: list[int], today: date | None = None) -> list[str]:
    if not council_ids:
        return []
    from delaktig.councils.models import Membership

    today = today or timezone.localdate()
    members = Membership.objects.filter(
        council_id__in=council_ids, term_start__lte=today, term_end__gte=today
    ).values("user_id")
    return _account_addresses(get_user_model().objects.filter(pk__in=members))


def recipients(newsletter: Newsletter) -> list[Recipient]:
    """Every address the newsletter goes to, once, sorted; see the module's docstring."""
    found: dict[str, Recipient] = {}
    if newsletter.to_subscribers:
        subscriptions = matching_subscriptions(
            newsletter,
            municipalities=_ids(newsletter.municipalities.values_list("pk", flat=True)),
            perspectives=_ids(newsletter.perspectives.values_list("pk", flat=True)),
            goals=_ids(newsletter.sdg_goals.values_list("pk", flat=True)),
        )
        for email, code in subscriptions.values_list("email", "language"):
            found[email.strip().lower()] = Recipient(
                email=email.strip().lower(), language=code, via_subscription=True
            )
    accounts = follower_addresses(
        _ids(newsletter.processes.values_list("pk", flat=True))
    ) + council_member_addresses(_ids(newsletter.councils.values_list("pk", flat=True)))
    for address in accounts:
        email = address.strip().lower()
        if not email:
            continue
        known = found.get(email)
        found[email] = Recipient(
            email=email,
            language=known.language if known else SOURCE,
            via_subscription=bool(known and known.via_subscription),
            via_account=True,
        )
    return [found[email] for email in sorted(found)]


@dataclass
class SegmentPart:
    text: str
    count: int


@dataclass
class Segment:
    """What the staff preview says about who gets the newsletter."""

    parts: list[SegmentPart] = field(default_factory=list)
    total: int = 0
    languages: dict[str, int] = field(default_factory=dict)


def segment(newsletter: Newsletter) -> Segment:
    """The segment in words, group by group, with the number of distinct addresses."""
    result = Segment()
    everyone = recipients(newsletter)
    result.total = len(everyone)
    for recipient in everyone:
        result.languages[recipient.language] = result.languages.get(recipient.language, 0) + 1
    if newsletter.to_subscribers:
        result.parts.append(
            SegmentPart(
                text=_subscriber_text(newsletter),
                count=sum(1 for r in everyone if r.via_subscription),
            )
        )
    processes = list(newsletter.processes.order_by("title"))
    if processes:
        result.parts.append(
            SegmentPart(
                text=_("de som följer %(names)s")
                % {"names": ", ".join(f"”{p.title}”" for p in processes)},
                count=len(set(follower_addresses([p.pk for p in processes]))),
            )
        )
    councils = list(newsletter.councils.order_by("name"))
    if councils:
        result.parts.append(
            SegmentPart(
                text=_("ledamöterna i %(names)s") % {"names": ", ".join(c.name for c in councils)},
                count=len(set(council_member_addresses([c.pk for c in councils]))),
            )
        )
    return result


def _subscriber_text(newsletter: Newsletter) -> str:
    criteria = []
    municipalities = [m.name for m in newsletter.municipalities.order_by("name")]
    if municipalities:
        criteria.append(
            _("valt %(names)s eller ingen kommun") % {"names": " eller ".join(municipalities)}
        )
    topics = [str(p) for p in newsletter.perspectives.order_by("pk")] + [
        str(g) for g in newsletter.sdg_goals.order_by("number")
    ]
    if topics:
        criteria.append(_("valt %(names)s eller inget ämne") % {"names": " eller ".join(topics)})
    if not criteria:
        return _("alla bekräftade prenumeranter")
    joiner = _(" OCH ") if newsletter.combine == Newsletter.Combine.ALL else _(" ELLER ")
    return _("bekräftade prenumeranter som har %(criteria)s") % {
        "criteria": joiner.join(f"({c})" for c in criteria)
    }


# --- progress -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    queued: int
    sent: int
    failed: int
    skipped: int

    @property
    def total(self) -> int:
        return self.queued + self.sent + self.failed + self.skipped

    @property
    def done(self) -> bool:
        return self.queued == 0


def progress(newsletter: Newsletter) -> Progress:
    """Queued (not yet handed to the outbox, or waiting there), sent (the mail server took
    it; an outbox row removed since, by gallring or erasure, counts as sent), failed and
    skipped (the account had turned newsletters off). One query."""
    out = OutgoingEmail.Status
    state = Delivery.State
    handed = Q(state=state.HANDED)
    counts = Delivery.objects.filter(newsletter=newsletter).aggregate(
        queued=Count(
            "pk",
            filter=Q(state=state.QUEUED)
            | (handed & Q(outgoing__status__in=[out.QUEUED, out.SENDING])),
        ),
        sent=Count(
            "pk",
            filter=handed & (Q(outgoing__isnull=True) | Q(outgoing__status=out.SENT)),
        ),
        failed=Count(
            "pk", filter=Q(state=state.FAILED) | (handed & Q(outgoing__status=out.FAILED))
        ),
        skipped=Count("pk", filter=Q(state=state.SKIPPED)),
    )
    return Progress(**{k: int(v or 0) for k, v in counts.items()})


# --- pages ----------------------------------------------------------------------------------


def staff_newsletters(*, organisation: Organisation) -> list[Newsletter]:
    return list(Newsletter.objects.filter(organisation=organisation).order_by("-created_at", "-pk"))


def subscriber_counts(*, organisation: Organisation) -> dict[str, int]:
    counts = Subscription.objects.filter(organisation=organisation).aggregate(
        confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)),
        unconfirmed=Count("pk", filter=Q(confirmed_at__isnull=True)),
    )
    return {k: int(v or 0) for k, v in counts.items()}


def account_address(user: Visitor) -> str:
    """The account's address when it is verified, else ""."""
    if not user.is_authenticated or not getattr(user, "email", ""):
        return ""
    from allauth.account.models import EmailAddress

    email = str(getattr(user, "email", ""))
    verified = EmailAddress.objects.filter(user_id=user.pk, email__iexact=email, verified=True)
    return email.strip().lower() if verified.exists() else ""


def own_subscription(*, viewer: Visitor, organisation: Organisation) -> Subscription | None:
    """The logged-in person's subscription to the organisation's news: theirs by account, or
    confirmed for their verified address."""
    if not viewer.is_authenticated:
        return None
    query = Q(user_id=viewer.pk)
    address = account_address(viewer)
    if address:
        query |= Q(email=address)
    return (
        Subscription.objects.filter(query, organisation=organisation)
        .prefetch_related("perspectives", "sdg_goals")
        .select_related("municipality")
        .order_by(F("confirmed_at").desc(nulls_last=True), "pk")
        .first()
    )


def mine_subscriptions(*, viewer: Visitor) -> list[WorkItem]:
    """Mina sidor: the organisations whose news the person gets, each linking to its page
    where the subscription is changed or ended."""
    if not viewer.is_authenticated:
        return []
    from django.urls import reverse

    query = Q(user_id=viewer.pk)
    address = account_address(viewer)
    if address:
        query |= Q(email=address)
    subscriptions = (
        Subscription.objects.filter(query, confirmed_at__isnull=False)
        .select_related("organisation", "municipality")
        .order_by("organisation__name")
    )
    return [
        WorkItem(
            title=_("Nyhetsbrev från %(name)s") % {"name": s.organisation.name},
            url=reverse("newsletters:subscribe", kwargs={"slug": s.organisation.slug}),
            detail=language(s.language).name_local
            + (f" · {s.municipality.name}" if s.municipality else ""),
            when=s.confirmed_at,
        )
        for s in subscriptions
    ]


def status_label(newsletter: Newsletter) -> str:
    return str(STATUS_LABELS[Status(newsletter.status)])
