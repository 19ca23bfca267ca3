"""What the assessments app contributes to the platform (see `delaktig.core.contributions`).

Impact assessments are prepared, edited and signed off by officials: the authority's own
records, kept; the account they point at is anonymised when it is deleted.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

from delaktig.core.contributions import (
    Contribution,
    InboxQueue,
    WorkItem,
    contribute,
    staff_records,
)

from . import errors, selectors


def _signoff_items(user: Any) -> list[WorkItem]:
    return [
        WorkItem(
            title=a.title,
            url=a.get_staff_url(),
            detail=f"{a.get_kind_display()} · {a.organisation.name}",
            when=a.updated,
        )
        for a in selectors.signoff_waiting(viewer=user)
    ]


INBOX = (
    InboxQueue(
        key="assessments.signoff",
        name=_("Konsekvensanalyser att godkänna"),
        explanation=_(
            "Analyser som är markerade som klara. Någon annan än den som skrev dem granskar "
            "och godkänner, eller öppnar dem igen med ett skäl."
        ),
        items=_signoff_items,
        count=lambda user: selectors.signoff_waiting(viewer=user).count(),
        order=70,
    ),
)

contribute(
    Contribution(
        app_label="assessments",
        inbox=INBOX,
        errors=errors.MESSAGES,
        personal_data=(
            staff_records(
                key="assessments_staff",
                fields=(
                    "assessments.ImpactAssessment.prepared_by",
                    "assessments.ImpactAssessment.last_edited_by",
                    "assessments.ImpactAssessment.signed_off_by",
                ),
            ),
        ),
    )
)
