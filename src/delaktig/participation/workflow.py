"""The life cycle of a participation process as one table of allowed transitions.

Plain Python, no Django: the services apply it, the staff pages ask it which buttons to
show, and the tests check it exhaustively.
"""

from enum import StrEnum


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

# Statuses the public can see. A draft is visible to staff only.
PUBLIC_STATUSES = frozenset(s for s in Status if s is not Status.DRAFT)


def next_status(current: Status | str, action: Action | str) -> Status | None:
    """The status ``action`` leads to from ``current``, or None if it is not allowed."""
    try:
        return TRANSITIONS.get((Status(current), Action(action)))
    except ValueError:
        return None


def allowed_actions(current: Status | str) -> list[Action]:
    status = Status(current)
    return [action for (source, action) in TRANSITIONS if source is status]
