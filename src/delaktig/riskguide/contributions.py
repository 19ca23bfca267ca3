"""What the riskguide app contributes to the platform (see `delaktig.core.contributions`).

Risk analyses are the organisation's own records, written and signed off by officials; the
accounts they point at are anonymised when deleted. Two inbox queues (analyses to sign off,
contentious processes and meetings without a signed-off analysis), a daily reminder job and its
staff e-mail, and the demo content.
"""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from delaktig.core.contributions import (
    Contribution,
    DemoData,
    InboxQueue,
    Job,
    NotificationKind,
    WorkItem,
    contribute,
    staff_records,
)

from . import demo, errors, selectors, services


def _signoff_items(user: Any) -> list[WorkItem]:
    return [
        WorkItem(
            title=a.title,
            url=a.get_absolute_url(),
            detail=a.organisation.name,
            when=a.updated,
        )
        for a in selectors.signoff_waiting(viewer=user)
    ]


def _missing_items(user: Any) -> list[WorkItem]:
    return [
        WorkItem(
            title=str(mark.subject),
            url=f"{reverse('riskguide:create')}?{mark.subject_kind.value}={mark.subject.pk}",
            detail=f"{mark.subject_kind.label} · {mark.organisation.name}",
            when=mark.marked_at,
            urgent=mark.reminded_at is not None,
        )
        for mark in selectors.missing_for(viewer=user)
    ]


INBOX = (
    InboxQueue(
        key="riskguide.signoff",
        name=_("Riskanalyser att godkänna"),
        explanation=_(
            "Riskanalyser som väntar på godkännande. En annan tjänsteperson än den som skrev "
            "dem granskar och godkänner, eller skickar tillbaka dem med ett skäl."
        ),
        items=_signoff_items,
        count=lambda user: selectors.signoff_waiting(viewer=user).count(),
        order=72,
    ),
    InboxQueue(
        key="riskguide.missing",
        name=_("Känsliga processer och möten utan godkänd riskanalys"),
        explanation=_(
            "Processer och möten som kan väcka starka känslor eller konflikter. Gör en "
            "riskanalys i tre steg och låt en annan tjänsteperson godkänna den."
        ),
        items=_missing_items,
        count=lambda user: selectors.missing_for(viewer=user).count(),
        order=73,
    ),
)

contribute(
    Contribution(
        app_label="riskguide",
        inbox=INBOX,
        errors=errors.MESSAGES,
        notifications=(
            NotificationKind(
                key="riskguide.missing_analysis",
                order=82,
                staff=True,
                name=_("Riskanalys saknas"),
                description=_(
                    "Till tjänstepersoner: en gång, när en process eller ett möte som kan väcka "
                    "starka känslor öppnas utan godkänd riskanalys."
                ),
            ),
        ),
        jobs=(
            Job(
                key="riskguide_reminders",
                name=_("Påminn om känsliga processer och möten utan godkänd riskanalys"),
                run=lambda now: services.contentious_reminders_send(now=now),
                every="day",
            ),
        ),
        demo=DemoData(load=demo.load, order=90),
        personal_data=(
            staff_records(
                key="riskguide_staff",
                fields=(
                    "riskguide.RiskAnalysis.prepared_by",
                    "riskguide.RiskAnalysis.last_edited_by",
                    "riskguide.RiskAnalysis.signed_off_by",
                    "riskguide.ContentiousMark.marked_by",
                ),
            ),
        ),
    )
)
