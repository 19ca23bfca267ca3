"""What the newsletters app contributes to the platform (see `delaktig.core.contributions`).

Personal data: a subscription (an address, perhaps an account, the language, municipality
and topics chosen), kept until the person leaves; an unconfirmed one is removed after seven
days. A delivery (which newsletter went to which address, in which language, how it went),
kept a year by default so that a question about what was sent can be answered. Who wrote
and sent a newsletter is the authority's own record.
"""

from datetime import datetime, timedelta
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _

from delaktig.core.contributions import (
    Contribution,
    DemoData,
    Job,
    LegalBasis,
    MineSection,
    NotificationKind,
    PersonalData,
    Retention,
    SiteLink,
    TranslatableKind,
    contribute,
    staff_records,
)

from . import demo, errors, selectors, sending, services
from .models import Delivery, Newsletter, Subscription
from .workflow import Status

DELIVERIES_DEFAULT_DAYS = 365


def _addresses(user: Any) -> set[str]:
    """The person's verified addresses only: an account whose address nobody has checked (a
    social log-in) must not reach another person's subscriptions."""
    from allauth.account.models import EmailAddress

    verified = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return {a.strip().lower() for a in verified if a and a.strip()}


def _by_address(model: Any, user: Any, *, field: str = "email") -> QuerySet[Any]:
    addresses = _addresses(user)
    query = Q(user=user) if model is Subscription else Q(pk__in=[])
    if addresses:
        query |= reduce(or_, (Q(**{f"{field}__iexact": a}) for a in addresses))
    return model.objects.filter(query)


def _export_subscriptions(user: Any) -> list[dict[str, Any]]:
    rows = (
        _by_address(Subscription, user)
        .select_related("organisation", "municipality")
        .prefetch_related("perspectives", "sdg_goals")
        .order_by("created_at", "pk")
    )
    return [
        {
            "organisation": s.organisation.name,
            "email": s.email,
            "language": s.language,
            "municipality": s.municipality.name if s.municipality else None,
            "perspectives": [p.code for p in s.perspectives.all()],
            "sdg_goals": [g.number for g in s.sdg_goals.all()],
            "created": s.created_at.isoformat(),
            "confirmed": s.confirmed_at.isoformat() if s.confirmed_at else None,
        }
        for s in rows
    ]


def _erase_subscriptions(user: Any) -> None:
    _by_address(Subscription, user).delete()


def _export_deliveries(user: Any) -> list[dict[str, Any]]:
    rows = (
        _by_address(Delivery, user)
        .select_related("newsletter__organisation")
        .order_by("created_at", "pk")
    )
    return [
        {
            "organisation": d.newsletter.organisation.name,
            "newsletter": d.newsletter.subject,
            "email": d.email,
            "language": d.language,
            "state": d.state,
            "sent": d.handed_at.isoformat() if d.handed_at else None,
        }
        for d in rows
    ]


def _erase_deliveries(user: Any) -> None:
    _by_address(Delivery, user).delete()


def _deliveries_apply(organisation: Any, days: int, now: datetime) -> int:
    """Delete the records of newsletters the organisation sent ``days`` ago or earlier."""
    deleted, _by_model = Delivery.objects.filter(
        newsletter__organisation=organisation, created_at__lte=now - timedelta(days=days)
    ).delete()
    return deleted


def _staff_url(newsletter: Newsletter) -> str:
    return reverse("newsletters_staff:detail", args=[newsletter.pk])


def _footer(request: Any) -> list[tuple[str, str]]:
    return [(str(_("Nyhetsbrev")), reverse("newsletters:index"))]


contribute(
    Contribution(
        app_label="newsletters",
        errors=errors.MESSAGES,
        personal_data=(
            PersonalData(
                key="newsletter_subscriptions",
                name=_("Nyhetsbrev du prenumererar på"),
                purpose=_(
                    "Att skicka de nyhetsbrev du bett om, på det språk och om de kommuner och "
                    "ämnen du valt."
                ),
                legal_basis=LegalBasis.CONSENT,
                covers=("newsletters.Subscription", "newsletters.Subscription.user"),
                export=_export_subscriptions,
                erase=_erase_subscriptions,
                kept_for=_(
                    "Tills du avslutar prenumerationen. En prenumeration som inte bekräftats "
                    "tas bort efter 7 dagar."
                ),
            ),
            PersonalData(
                key="newsletter_deliveries",
                name=_("Nyhetsbrev som skickats till dig"),
                purpose=_(
                    "Att varje nyhetsbrev skickas en gång till varje adress, på rätt språk, och "
                    "att det går att svara på vad som skickats."
                ),
                legal_basis=LegalBasis.CONSENT,
                covers=("newsletters.Delivery",),
                export=_export_deliveries,
                erase=_erase_deliveries,
                retention=Retention(
                    key="newsletter_deliveries",
                    name=_("Uppgifter om skickade nyhetsbrev (adress, språk, status)"),
                    starts=_("Räknas från att nyhetsbrevet skickades."),
                    default_days=DELIVERIES_DEFAULT_DAYS,
                    apply=_deliveries_apply,
                    min_days=30,
                ),
            ),
            staff_records(
                key="newsletters_staff",
                fields=("newsletters.Newsletter.created_by", "newsletters.Newsletter.sent_by"),
            ),
        ),
        jobs=(
            Job(
                key="newsletters.unconfirmed",
                name=_("Ta bort prenumerationer som inte bekräftats på 7 dagar"),
                run=services.subscriptions_remove_unconfirmed,
                every="day",
            ),
            Job(
                key="newsletters.resume",
                name=_("Fortsätt utskick av nyhetsbrev som fastnat"),
                run=sending.resume,
            ),
        ),
        notifications=(
            NotificationKind(
                key="newsletters.confirmation",
                name=_("Bekräftelse av nyhetsbrev"),
                description=_(
                    "Länken för att bekräfta en prenumeration, när du anmält dig utan att vara "
                    "inloggad."
                ),
                required=True,
                order=95,
            ),
            NotificationKind(
                key="newsletters.subscription",
                name=_("Nyhetsbrev du prenumererar på"),
                description=_(
                    "Du avslutar en prenumeration med länken i varje brev eller på sidan för "
                    "nyhetsbrevet."
                ),
                required=True,
                order=96,
            ),
            NotificationKind(
                key="newsletters.account",
                name=_("Nyhetsbrev till dig som följer en process eller sitter i ett råd"),
                description=_(
                    "När organisationen skickar ett nyhetsbrev till de som följer en process "
                    "eller till ledamöterna i ett råd."
                ),
                order=30,
            ),
        ),
        mine=(
            MineSection(
                key="newsletters.subscriptions",
                name=_("Nyhetsbrev"),
                items=lambda user: selectors.mine_subscriptions(viewer=user),
                empty=_("Du prenumererar inte på något nyhetsbrev."),
                start=_("Se vilka nyhetsbrev som finns"),
                start_url=reverse_lazy("newsletters:index"),
                order=70,
            ),
        ),
        translatable=(
            TranslatableKind(
                key="newsletters.newsletter",
                name=_("Nyhetsbrev"),
                model=Newsletter,
                organisation="organisation_id",
                url=_staff_url,
                scope=lambda newsletters: newsletters.filter(status=Status.DRAFT.value),
                order=80,
            ),
        ),
        links=(SiteLink(key="newsletters.subscribe", links=_footer, place="footer", order=60),),
        demo=DemoData(load=lambda context: demo.load(context), order=120),
    )
)
