"""What the spine holds about a person: the processes they follow, and officials' actions."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from delaktig.accounts.types import User
from delaktig.core.contributions import (
    Contribution,
    LegalBasis,
    PersonalData,
    contribute,
    staff_records,
)

from . import errors
from .models import Follow


def _export(user: User) -> list[dict[str, Any]]:
    return [
        {"process": f.process.title, "since": f.created.isoformat()}
        for f in Follow.objects.filter(user=user).select_related("process")
    ]


def _erase(user: User) -> None:
    Follow.objects.filter(user=user).delete()


contribute(
    Contribution(
        app_label="participation",
        errors=errors.MESSAGES,
        personal_data=(
            PersonalData(
                key="follows",
                name=_("Processer du följer"),
                purpose=_("Att skicka e-post när något händer i processen."),
                legal_basis=LegalBasis.CONSENT,
                covers=("participation.Follow.user",),
                export=_export,
                erase=_erase,
                kept_for=_("Tills du slutar följa processen eller tar bort kontot."),
            ),
            staff_records(
                key="participation_staff",
                fields=(
                    "participation.Process.created_by",
                    "participation.ProcessTransition.actor",
                    "participation.Feedback.author",
                ),
            ),
        ),
    )
)
