"""What the opinionmaps app contributes to the platform (see `delaktig.core.contributions`).

Personal data: the votes and statements of a person's participant in each map. The maps show
them under the participant's number only; deleting the account cuts the link to the account,
and the votes and statements stay in the maps (and their results) under that number.
"""

from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from delaktig.accounts.types import User
from delaktig.core.contributions import (
    Contribution,
    DemoData,
    Job,
    LegalBasis,
    PersonalData,
    contribute,
    staff_records,
)

from . import demo, errors
from .models import Participant, Statement, Vote


def _export_votes(user: User) -> list[dict[str, Any]]:
    votes = Vote.objects.filter(participant__user=user).select_related("statement__map__module")
    return [
        {
            "map": v.statement.map.module.title,
            "statement": v.statement.text,
            "vote": v.value,
            "updated": v.updated.isoformat(),
        }
        for v in votes.order_by("pk")
    ]


def _unlink_participants(user: User) -> None:
    # The votes and statements stay in the maps under the participant's number only.
    Participant.objects.filter(user=user).update(user=None)


def _export_statements(user: User) -> list[dict[str, Any]]:
    statements = Statement.objects.filter(author__user=user).select_related("map__module")
    return [
        {
            "map": s.map.module.title,
            "text": s.text,
            "status": s.status,
            "created": s.created.isoformat(),
        }
        for s in statements.order_by("pk")
    ]


def _statements_follow_participant(user: User) -> None:
    """A statement points at the participant, not the account: unlinking the participant
    (the votes' erasure) is what de-personalises it."""
    _unlink_participants(user)


def _recompute_lost(now: datetime) -> int:
    from .services import lost_recompute_requeue

    return lost_recompute_requeue(now=now)


_KEPT_FOR = _(
    "Så länge opinionskartan finns. Tar du bort kontot finns rösterna och påståendena kvar "
    "under deltagarens nummer, utan koppling till dig."
)

contribute(
    Contribution(
        app_label="opinionmaps",
        personal_data=(
            PersonalData(
                key="opinion_map_votes",
                name=_("Dina röster i opinionskartor"),
                purpose=_("Att räkna fram opinionskartan och låta dig ändra dina röster."),
                legal_basis=LegalBasis.PUBLIC_TASK,
                covers=("opinionmaps.Participant.user", "opinionmaps.Vote"),
                export=_export_votes,
                erase=_unlink_participants,
                on_erasure="de-personalised",
                kept_for=_KEPT_FOR,
            ),
            PersonalData(
                key="opinion_map_statements",
                name=_("Påståenden du skrivit i opinionskartor"),
                purpose=_("Att andra deltagare kan ta ställning till dem."),
                legal_basis=LegalBasis.PUBLIC_TASK,
                covers=("opinionmaps.Statement.author",),
                export=_export_statements,
                erase=_statements_follow_participant,
                on_erasure="de-personalised",
                kept_for=_KEPT_FOR,
            ),
            staff_records(key="opinionmaps_staff", fields=("opinionmaps.Statement.moderated_by",)),
        ),
        jobs=(
            Job(
                key="opinion_map_recompute",
                name=_("Räkna om opinionskartor vars omräkning gått förlorad"),
                run=_recompute_lost,
            ),
        ),
        demo=DemoData(load=lambda c: demo.load(c.region, c.official, c.residents), order=50),
        errors=errors.MESSAGES,
    )
)
