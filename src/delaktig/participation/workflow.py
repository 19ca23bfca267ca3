"""The life cycle of a participation process as one table of allowed transitions.

Plain Python, no Django: the services apply it (``MACHINE.require``), the staff pages ask it
which buttons to show (``MACHINE.allowed_actions``), and the tests check it exhaustively.
"""

from enum import StrEnum

from delaktig.core.workflow import StateMachine


class Status(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    OPEN = "open"
    CLOSED = "closed"
    FEEDBACK_PUBLISHED = "feedback_published"
    ARCHIVED = "archived"


class Action(StrEnum):
    PUBLISH = "publish"
    OPEN = "open"
    CLOSE = "close"
    PUBLISH_FEEDBACK = "publish_feedback"
    ARCHIVE = "archive"


TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.DRAFT, Action.PUBLISH): Status.PUBLISHED,
    (Status.PUBLISHED, Action.OPEN): Status.OPEN,
    (Status.OPEN, Action.CLOSE): Status.CLOSED,
    # An information process (ladder step 1) never opens for input, but still owes feedback
    # on what was decided: it may close straight from published.
    (Status.PUBLISHED, Action.CLOSE): Status.CLOSED,
    (Status.CLOSED, Action.PUBLISH_FEEDBACK): Status.FEEDBACK_PUBLISHED,
    (Status.FEEDBACK_PUBLISHED, Action.ARCHIVE): Status.ARCHIVED,
}

MACHINE: StateMachine[Status, Action] = StateMachine(TRANSITIONS)

# Statuses the public can see. A draft is visible to staff only.
PUBLIC_STATUSES = frozenset(s for s in Status if s is not Status.DRAFT)
