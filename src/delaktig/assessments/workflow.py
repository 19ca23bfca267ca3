"""The life of an impact assessment: one table of allowed transitions, ``MACHINE``. No Django
models here.

    draft ── mark_ready ──▶ ready ── sign_off ──▶ signed_off
      ▲                       │                      │
      └──────── reopen ───────┴────── reopen ────────┘

Only a draft can be edited. Reopening needs a reason and clears the sign-off.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from delaktig.core.workflow import StateMachine


class Status(StrEnum):
    DRAFT = "draft"
    READY = "ready"
    SIGNED_OFF = "signed_off"


class Action(StrEnum):
    MARK_READY = "mark_ready"
    SIGN_OFF = "sign_off"
    REOPEN = "reopen"


STATUS_LABELS = {
    Status.DRAFT: _("Utkast"),
    Status.READY: _("Klar för godkännande"),
    Status.SIGNED_OFF: _("Godkänd"),
}

TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.DRAFT, Action.MARK_READY): Status.READY,
    (Status.READY, Action.SIGN_OFF): Status.SIGNED_OFF,
    (Status.READY, Action.REOPEN): Status.DRAFT,
    (Status.SIGNED_OFF, Action.REOPEN): Status.DRAFT,
}

MACHINE: StateMachine[Status, Action] = StateMachine(TRANSITIONS)

EDITABLE = frozenset({Status.DRAFT})
