"""What the opinionmaps app contributes to the platform (see `delaktig.core.contributions`).

Personal data: the votes and statements of a person's participant in each map. The maps show
them under the participant's number only; deleting the account cuts the link to the account,
and the votes and statements stay in the maps (and their results) under that number.
"""

from datetime import datetime
from typing import Any

from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _

from delaktig.accounts.types import User
from delaktig.core.contributions import (
    ApiRouter,
    Contribution,
    DemoData,
    InboxQueue,
    Job,
    LegalBasis,
    MineSection,
    ModeratedKind,
    PersonalData,
    WorkItem,
    contribute,
    staff_records,
)

from . import demo, errors, opendata, selectors, services
from .models import STATEMENT_KIND, Participant, Statement, Vote


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
            "rejection_reason": s.rejection_reason or None,
        }
        for s in statements.order_by("pk")
    ]


def _statements_follow_participant(user: User) -> None:
    """A statement points at the participant, not the account: unlinking the participant
    (the votes' erasure) is what de-personalises it."""
    _unlink_participants(user)


def _router() -> object:
    from .api import router

    return router


def _recompute_lost(now: datetime) -> int:
    from .services import lost_recompute_requeue

    return lost_recompute_requeue(now=now)


_KEPT_FOR = _(
    "Så länge opinionskartan finns. Tar du bort kontot finns rösterna och påståendena kvar "
    "under deltagarens nummer, utan koppling till dig."
)

# --- Statements waiting for a moderator (the staff inbox) ---


def _statement_items(user: Any) -> list[WorkItem]:
    items = []
    for s in selectors.statements_waiting(viewer=user):
        module = s.map.module
        url = reverse("opinionmaps:manage", kwargs={"module_pk": module.pk})
        items.append(
            WorkItem(
                title=s.text,
                url=f"{url}#statement-{s.pk}",
                detail=module.process.title,
                when=s.created,
            )
        )
    return items


INBOX = (
    InboxQueue(
        key="opinionmaps.statements",
        name=_("Påståenden att granska"),
        explanation=_(
            "Påståenden i opinionskartor som väntar på granskning. Publicera, eller avvisa med "
            "ett skäl som skickas till den som skrev."
        ),
        items=_statement_items,
        count=lambda user: selectors.statements_waiting(viewer=user).count(),
        order=15,
    ),
)


def _statement_author(statement: Statement) -> User | None:
    participant = statement.author
    return participant.user if participant is not None else None


def _statement_url(statement: Statement) -> str:
    """Where the author finds the statement and its state: their votes in the map."""
    url = reverse("opinionmaps:my_votes", kwargs={"module_pk": statement.map.module_id})
    return f"{url}#own-{statement.pk}"


STATEMENTS = ModeratedKind(
    key=STATEMENT_KIND,
    name=_("Påstående"),
    module=_("Opinionskarta"),
    model=Statement,
    text=lambda s: s.text,
    author=_statement_author,
    organisation_id=lambda s: s.map.module.process.organisation_id,
    url=_statement_url,
    withhold=services.statement_withhold,
    release=services.statement_release,
)


MINE = (
    MineSection(
        key="opinionmaps.voted",
        name=_("Opinionskartor du röstat i"),
        items=lambda user: selectors.mine_maps(viewer=user),
        empty=_("Du har inte röstat i någon opinionskarta."),
        start=_("Se öppna processer"),
        start_url=reverse_lazy("participation:list"),
        order=50,
    ),
)


contribute(
    Contribution(
        app_label="opinionmaps",
        mine=MINE,
        inbox=INBOX,
        moderated=(STATEMENTS,),
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
        # The open-data API (``/api/v1/opinion-maps/``) and the dataset it serves (opendata.py).
        api=(
            ApiRouter(key="opinionmaps.results", prefix="opinion-maps", router=_router, order=60),
        ),
        datasets=(opendata.DATASET,),
    )
)
