"""What the knowledge bank contributes to the platform (see `delaktig.core.contributions`).

Personal data: which parts of the knowledge bank a person has gone through (``Completion``),
kept so the organisation can follow up its training of officials and elected representatives,
and removed after the organisation's retention time. The content is written by officials: the
authority's own records.
"""

from datetime import datetime, timedelta
from typing import Any

from django.utils.translation import gettext_lazy as _

from delaktig.core.contributions import (
    Contribution,
    DemoData,
    LegalBasis,
    MineSection,
    PersonalData,
    Retention,
    contribute,
    staff_records,
)

from . import demo, errors, selectors
from .models import Completion

COMPLETIONS_DEFAULT_DAYS = 3 * 365


def _export_completions(user: Any) -> list[dict[str, Any]]:
    completions = (
        Completion.objects.filter(user=user)
        .select_related("part__organisation", "part__section")
        .order_by("completed_at", "pk")
    )
    return [
        {
            "organisation": c.part.organisation.name,
            "section": c.part.section.title,
            "part": c.part.title,
            "completed": c.completed_at.isoformat(),
        }
        for c in completions
    ]


def _erase_completions(user: Any) -> None:
    Completion.objects.filter(user=user).delete()


def _completions_apply(organisation: Any, days: int, now: datetime) -> int:
    """Delete the marks on the organisation's parts made ``days`` ago or earlier."""
    deleted, _by_model = Completion.objects.filter(
        part__organisation=organisation, completed_at__lte=now - timedelta(days=days)
    ).delete()
    return deleted


MINE = (
    MineSection(
        key="knowledge.progress",
        name=_("Kunskapsbanken om hot och hat"),
        items=lambda user: selectors.mine_progress(viewer=user),
        order=80,
    ),
)

contribute(
    Contribution(
        app_label="knowledge",
        errors=errors.MESSAGES,
        mine=MINE,
        personal_data=(
            PersonalData(
                key="knowledge_completions",
                name=_("Delar av kunskapsbanken du har gått igenom"),
                purpose=_(
                    "Att du ser hur långt du har kommit, och att organisationen kan följa upp "
                    "utbildningen för tjänstepersoner och förtroendevalda om hot och hat."
                ),
                legal_basis=LegalBasis.PUBLIC_TASK,
                covers=("knowledge.Completion.user",),
                export=_export_completions,
                erase=_erase_completions,
                retention=Retention(
                    key="knowledge_completions",
                    name=_("Genomgångna delar i kunskapsbanken"),
                    starts=_("Räknas från när delen markerades som genomgången."),
                    default_days=COMPLETIONS_DEFAULT_DAYS,
                    apply=_completions_apply,
                ),
            ),
            staff_records(
                key="knowledge_staff",
                fields=("knowledge.Part.created_by", "knowledge.Part.updated_by"),
            ),
        ),
        demo=DemoData(load=lambda context: demo.load(context), order=95),
    )
)
