"""The life of a risk analysis: one table of allowed transitions, ``MACHINE``. No Django models.

    draft ── submit ──▶ submitted ── sign_off ──▶ signed_off ── flag ──▶ needs_reassessment
      ▲                    │                                                   │
      └──── send_back ─────┘◀──────────────────── revise ──────────────────────┘

Only a draft can be edited. Sign-off is by a second official (not whoever wrote it). A signed-off
analysis needs re-assessment when an incident is logged for its process or meeting, or when an
official says so; revising it makes it a draft again.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from delaktig.core.workflow import StateMachine


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    SIGNED_OFF = "signed_off"
    NEEDS_REASSESSMENT = "needs_reassessment"


class Action(StrEnum):
    SUBMIT = "submit"
    SEND_BACK = "send_back"
    SIGN_OFF = "sign_off"
    FLAG = "flag"
    REVISE = "revise"


STATUS_LABELS = {
    Status.DRAFT: _("Utkast"),
    Status.SUBMITTED: _("Väntar på godkännande"),
    Status.SIGNED_OFF: _("Godkänd"),
    Status.NEEDS_REASSESSMENT: _("Behöver bedömas om"),
}

TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.DRAFT, Action.SUBMIT): Status.SUBMITTED,
    (Status.SUBMITTED, Action.SEND_BACK): Status.DRAFT,
    (Status.SUBMITTED, Action.SIGN_OFF): Status.SIGNED_OFF,
    (Status.SIGNED_OFF, Action.FLAG): Status.NEEDS_REASSESSMENT,
    (Status.NEEDS_REASSESSMENT, Action.REVISE): Status.DRAFT,
}

MACHINE: StateMachine[Status, Action] = StateMachine(TRANSITIONS)

EDITABLE = frozenset({Status.DRAFT})
