"""What the incident log contributes to the platform (see `delaktig.core.contributions`).

Incidents hold sensitive personal data about the person concerned (and who reported it). They
are the employer's record under its duty to prevent and follow up violence and threats at work
(arbetsmiljölagen 3 kap. 2 §, AFS 2023:2), so deleting an account does not delete them: the
account is unlinked from the incident (de-personalised as far as the platform goes), while the
record itself, with the name that was written in it, is kept until the retention time after it
was closed has passed.
"""

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from delaktig.accounts.types import User
from delaktig.core.contributions import (
    Contribution,
    DemoData,
    InboxQueue,
    MineSection,
    NotificationKind,
    PersonalData,
    Retention,
    WorkItem,
    contribute,
    staff_records,
)

from . import demo, errors, selectors
from .models import Incident
from .workflow import Status

# Kept five years after it was closed, unless the organisation chooses otherwise (at least one).
DEFAULT_DAYS = 5 * 365 + 1
MIN_DAYS = 365

LEGAL_BASIS = _(
    "Rättslig förpliktelse, artikel 6.1 c och 9.2 b i GDPR (arbetsmiljölagen: arbetsgivarens "
    "skyldighet att förebygga och följa upp hot och våld i arbetet)"
)


def _export(user: User) -> list[dict[str, Any]]:
    incidents = Incident.objects.filter(Q(reported_by=user) | Q(concerned_user=user))
    return [
        {
            "id": i.pk,
            "organisation": i.organisation.name,
            "you_reported_it": i.reported_by_id == user.pk,
            "about_you": i.concerned_user_id == user.pk,
            "concerned_name": i.concerned_name,
            "concerned_role": i.concerned_role,
            "concerned_sex": i.concerned_sex,
            "concerned_age_band": i.concerned_age_band or None,
            "category": i.category,
            "description": i.description,
            "occurred_on": i.occurred_on.isoformat(),
            "place": i.place,
            "channel": i.channel,
            "police_reported": i.police_reported,
            "police_case_number": i.police_case_number or None,
            "support": i.support,
            "support_text": i.support_text,
            "follow_up": i.follow_up,
            "status": i.status,
            "reported_at": i.created.isoformat(),
            "closed_at": i.closed_at.isoformat() if i.closed_at else None,
        }
        for i in incidents.select_related("organisation").order_by("created", "pk")
    ]


def _erase(user: User) -> None:
    """The employer's record stays; the deleted account is no longer linked to it."""
    Incident.objects.filter(reported_by=user).update(reported_by=None)
    Incident.objects.filter(concerned_user=user).update(concerned_user=None)


def _apply(organisation: Any, days: int, now: datetime) -> int:
    """Delete the organisation's incidents closed ``days`` ago or longer, shares and all."""
    deleted, _by_model = Incident.objects.filter(
        organisation=organisation,
        status=Status.CLOSED.value,
        closed_at__lt=now - timedelta(days=days),
    ).delete()
    return int(_by_model.get(Incident._meta.label, 0))


def _open_items(user: Any) -> list[WorkItem]:
    return [
        WorkItem(
            title=f"{incident.get_category_display()} · {incident.organisation.name}",
            url=incident.get_absolute_url(),
            detail=incident.get_status_display(),
            when=incident.created,
        )
        for incident in selectors.open_incidents(viewer=user)
    ]


INBOX = (
    InboxQueue(
        key="incidents.open",
        name=_("Incidenter att följa upp"),
        explanation=_(
            "Rapporterade hot, trakasserier och våld mot organisationens personer som inte är "
            "avslutade. Bara säkerhetsfunktionen ser dem."
        ),
        items=_open_items,
        count=lambda user: selectors.open_incidents(viewer=user).count(),
        order=15,
    ),
)

MINE = (
    MineSection(
        key="incidents.mine",
        name=_("Hot och trakasserier"),
        items=lambda user: selectors.mine(viewer=user),
        order=70,
    ),
)

contribute(
    Contribution(
        app_label="incidents",
        # Who reported or shared an incident is itself confidential: not on the audit-log page.
        private_audit=("incident.",),
        errors=errors.MESSAGES,
        inbox=INBOX,
        mine=MINE,
        notifications=(
            NotificationKind(
                key="incidents.reported",
                order=86,
                staff=True,
                name=_("Nya incidenter i incidentloggen"),
                description=_(
                    "Till säkerhetsfunktionen: när någon rapporterar hot, trakasserier eller "
                    "våld. Meddelandet säger bara att det finns en ny rapport att läsa."
                ),
            ),
            NotificationKind(
                key="incidents.shared",
                order=87,
                staff=True,
                name=_("Incidenter som delas med er"),
                description=_(
                    "Till säkerhetsfunktionen: när en annan organisation delar en incident med er."
                ),
            ),
        ),
        personal_data=(
            PersonalData(
                key="incidents",
                name=_("Rapporter om hot, trakasserier och våld (incidentloggen)"),
                purpose=_(
                    "Att arbetsgivaren kan ge stöd till den som utsattes, följa upp händelsen, "
                    "förebygga nya och föra statistik utan namn."
                ),
                legal_basis=LEGAL_BASIS,
                covers=("incidents.Incident.reported_by", "incidents.Incident.concerned_user"),
                export=_export,
                erase=_erase,
                on_erasure="de-personalised",
                retention=Retention(
                    key="incidents",
                    name=_("Incidentloggen"),
                    starts=_("Räknas från den dag incidenten avslutades."),
                    default_days=DEFAULT_DAYS,
                    apply=_apply,
                    min_days=MIN_DAYS,
                ),
                kept_for=_(
                    "Rapporten är arbetsgivarens handling och tas inte bort när du tar bort "
                    "ditt konto: kontot kopplas bort från den, men namnet som skrevs i "
                    "rapporten finns kvar tills gallringstiden efter att incidenten avslutades "
                    "har gått."
                ),
            ),
            staff_records(
                key="incidents_staff",
                fields=(
                    "incidents.IncidentShare.shared_by",
                    "incidents.IncidentShare.revoked_by",
                ),
            ),
        ),
        demo=DemoData(load=demo.load, order=95),
    )
)
