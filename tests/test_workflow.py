import pytest

from delaktig.core.errors import InvalidTransition
from delaktig.participation.workflow import MACHINE, PUBLIC_STATUSES, TRANSITIONS, Action, Status

EXPECTED = {
    (Status.DRAFT, Action.PUBLISH): Status.PUBLISHED,
    (Status.PUBLISHED, Action.OPEN): Status.OPEN,
    (Status.PUBLISHED, Action.CLOSE): Status.CLOSED,
    (Status.OPEN, Action.CLOSE): Status.CLOSED,
    (Status.CLOSED, Action.PUBLISH_FEEDBACK): Status.FEEDBACK_PUBLISHED,
    (Status.FEEDBACK_PUBLISHED, Action.ARCHIVE): Status.ARCHIVED,
}


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", list(Action))
def test_every_pair_is_allowed_only_if_in_the_table(status: Status, action: Action) -> None:
    assert MACHINE.next_status(status, action) == EXPECTED.get((status, action))
    if (status, action) in EXPECTED:
        assert MACHINE.require(status, action) is EXPECTED[(status, action)]
    else:
        with pytest.raises(InvalidTransition):
            MACHINE.require(status, action)


def test_archive_is_reachable_only_through_published_feedback() -> None:
    sources = {source for (source, action) in TRANSITIONS if action is Action.ARCHIVE}
    assert sources == {Status.FEEDBACK_PUBLISHED}


def test_unknown_values_are_refused_not_raised() -> None:
    assert MACHINE.next_status("nonsense", "publish") is None
    assert MACHINE.next_status("draft", "explode") is None


def test_allowed_actions_and_public_statuses() -> None:
    assert MACHINE.allowed_actions(Status.PUBLISHED) == [Action.OPEN, Action.CLOSE]
    assert MACHINE.allowed_actions(Status.ARCHIVED) == []
    assert Status.DRAFT not in PUBLIC_STATUSES
    assert Status.ARCHIVED in PUBLIC_STATUSES
