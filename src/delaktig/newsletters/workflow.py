"""The life of a newsletter: one table of allowed transitions, ``MACHINE``. No Django models.

    draft ── send ──▶ sending ── finish ──▶ sent

Sending writes one ``Delivery`` per address and queues the batch tasks; the last batch
finishes the newsletter. A newsletter is edited only as a draft.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from delaktig.core.workflow import StateMachine


class Status(StrEnum):
    DRAFT = "draft"
    SENDING = "sending"
    SENT = "sent"


class Action(StrEnum):
    SEND = "send"
    FINISH = "finish"


STATUS_LABELS = {
    Status.DRAFT: _("Utkast"),
    Status.SENDING: _("Skickas"),
    Status.SENT: _("Skickat"),
}

TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.DRAFT, Action.SEND): Status.SENDING,
    (Status.SENDING, Action.FINISH): Status.SENT,
}

MACHINE: StateMachine[Status, Action] = StateMachine(TRANSITIONS)
