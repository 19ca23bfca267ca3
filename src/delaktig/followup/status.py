"""Statuses. Kept apart from the models so that pure code can share the codes.

An activity's status is not a workflow: an official may set any status in a progress report.
A joined actor's commitment is one, with one table of allowed transitions::

    pending ── approve ──▶ active ── end ──▶ ended
       └────── decline ──▶ declined
"""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _

from delaktig.core.workflow import StateMachine


class ActivityStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Inte påbörjad")
    ONGOING = "ongoing", _("Pågår")
    DONE = "done", _("Genomförd")
    POSTPONED = "postponed", _("Uppskjuten")
    CANCELLED = "cancelled", _("Avbruten")


# Statuses that need a reason, in the service and in a database check.
NEEDS_REASON = frozenset({ActivityStatus.POSTPONED.value, ActivityStatus.CANCELLED.value})


class CommitmentStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    DECLINED = "declined"
    ENDED = "ended"


class CommitmentAction(StrEnum):
    APPROVE = "approve"
    DECLINE = "decline"
    END = "end"


COMMITMENT_STATUS_LABELS = {
    CommitmentStatus.PENDING: _("Väntar på godkännande"),
    CommitmentStatus.ACTIVE: _("Ansluten"),
    CommitmentStatus.DECLINED: _("Inte godkänd"),
    CommitmentStatus.ENDED: _("Avslutad"),
}

COMMITMENT_MACHINE: StateMachine[CommitmentStatus, CommitmentAction] = StateMachine(
    {
        (CommitmentStatus.PENDING, CommitmentAction.APPROVE): CommitmentStatus.ACTIVE,
        (CommitmentStatus.PENDING, CommitmentAction.DECLINE): CommitmentStatus.DECLINED,
        (CommitmentStatus.ACTIVE, CommitmentAction.END): CommitmentStatus.ENDED,
    }
)
