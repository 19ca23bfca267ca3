"""The life of an incident in the log: one table of allowed transitions, ``MACHINE``. No Django
models here.

    reported ── start ──▶ handling ── close ──▶ closed
       │                    ▲                      │
       └────── close ───────┼──────────────────────┘
                            └────── reopen ────────┘

The security function moves an incident on; every step is audited.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from delaktig.core.workflow import StateMachine


class Status(StrEnum):
    REPORTED = "reported"
    HANDLING = "handling"
    CLOSED = "closed"


class Action(StrEnum):
    START = "start"
    CLOSE = "close"
    REOPEN = "reopen"


STATUS_LABELS = {
    Status.REPORTED: _("Rapporterad"),
    Status.HANDLING: _("Under handläggning"),
    Status.CLOSED: _("Avslutad"),
}

ACTION_LABELS = {
    Action.START: _("Börja handlägga"),
    Action.CLOSE: _("Avsluta"),
    Action.REOPEN: _("Öppna igen"),
}

TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.REPORTED, Action.START): Status.HANDLING,
    (Status.REPORTED, Action.CLOSE): Status.CLOSED,
    (Status.HANDLING, Action.CLOSE): Status.CLOSED,
    (Status.CLOSED, Action.REOPEN): Status.HANDLING,
}

MACHINE: StateMachine[Status, Action] = StateMachine(TRANSITIONS)

OPEN = frozenset({Status.REPORTED, Status.HANDLING})
