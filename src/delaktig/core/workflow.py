"""State machines: one table of allowed transitions, and the questions every workflow asks of it.

Plain Python, no Django. Each workflow (a process's life, a proposal's case, an impact
assessment, a question for question time, a joined actor's commitment) declares its statuses
and actions as ``StrEnum`` and one :class:`StateMachine`; services ask it for the next status
(:meth:`StateMachine.require` raises :class:`~delaktig.core.errors.InvalidTransition`), staff
pages ask it which buttons to show, and tests walk the table exhaustively.

    class Status(StrEnum): DRAFT = "draft"; READY = "ready"
    class Action(StrEnum): MARK_READY = "mark_ready"
    MACHINE = StateMachine({(Status.DRAFT, Action.MARK_READY): Status.READY})
    MACHINE.require(assessment.status, Action.MARK_READY)  # Status.READY, or raises
"""

from collections.abc import Mapping
from enum import StrEnum
from typing import Generic, TypeVar

from .errors import InvalidTransition

S = TypeVar("S", bound=StrEnum)
A = TypeVar("A", bound=StrEnum)


class StateMachine(Generic[S, A]):
    """The allowed transitions ``(status, action) → status`` of one workflow."""

    def __init__(self, transitions: Mapping[tuple[S, A], S]) -> None:
        if not transitions:
            raise ValueError("a state machine needs at least one transition")
        self.transitions: dict[tuple[S, A], S] = dict(transitions)
        (status, action), _target = next(iter(self.transitions.items()))
        self.status_type: type[S] = type(status)
        self.action_type: type[A] = type(action)

    def next_status(self, current: S | str, action: A | str) -> S | None:
        """The status ``action`` leads to from ``current``, or None if it is not allowed."""
        try:
            key = (self.status_type(current), self.action_type(action))
        except ValueError:
            return None
        return self.transitions.get(key)

    def require(self, current: S | str, action: A | str) -> S:
        """The status ``action`` leads to; :class:`InvalidTransition` if it is not allowed."""
        target = self.next_status(current, action)
        if target is None:
            raise InvalidTransition()
        return target

    def allowed_actions(self, current: S | str) -> list[A]:
        """The actions that may be taken from ``current``, in the table's order."""
        try:
            status = self.status_type(current)
        except ValueError:
            return []
        return [action for (source, action) in self.transitions if source is status]

    def allows(self, current: S | str, action: A | str) -> bool:
        return self.next_status(current, action) is not None
