"""The workflows of meetings: a registration's seat, and a question for question time."""

from enum import StrEnum

from delaktig.core.workflow import StateMachine

from .models import Question, Registration


class RegistrationAction(StrEnum):
    PROMOTE = "promote"  # a seat is freed: the first on the waiting list gets it
    CANCEL = "cancel"


REGISTRATION_MACHINE: StateMachine[Registration.Status, RegistrationAction] = StateMachine(
    {
        (Registration.Status.WAITING, RegistrationAction.PROMOTE): Registration.Status.CONFIRMED,
        (Registration.Status.CONFIRMED, RegistrationAction.CANCEL): Registration.Status.CANCELLED,
        (Registration.Status.WAITING, RegistrationAction.CANCEL): Registration.Status.CANCELLED,
    }
)


class QuestionAction(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    ANSWER = "answer"
    # A decline reversed: on review by another moderator (the moderation service's release).
    REOPEN = "reopen"


QUESTION_MACHINE: StateMachine[Question.Status, QuestionAction] = StateMachine(
    {
        (Question.Status.SUBMITTED, QuestionAction.ACCEPT): Question.Status.ACCEPTED,
        (Question.Status.SUBMITTED, QuestionAction.DECLINE): Question.Status.DECLINED,
        (Question.Status.ACCEPTED, QuestionAction.ANSWER): Question.Status.ANSWERED,
        (Question.Status.DECLINED, QuestionAction.REOPEN): Question.Status.SUBMITTED,
    }
)
