"""The platform's rate-limit helper (``delaktig.core.ratelimit``), on the local-memory cache.

The cache is cleared before every test by the autouse fixture in ``conftest.py``.
"""

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import override_settings

from delaktig.core import ratelimit
from delaktig.core.errors import RateLimited, ValidationFailed

# A moment at the very start of an hour window, so the tests know where the edges are.
START = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)


def hourly(key: str = "user:1", amount: int = 3, action: str = "test_action") -> ratelimit.Limit:
    return ratelimit.Limit(action=action, key=key, amount=amount, period=3600)


def test_a_limit_admits_exactly_its_amount_then_refuses(time_machine: Any) -> None:
    time_machine.move_to(START)
    limit = hourly(amount=3)
    taken = [ratelimit.consume(limit) for _ in range(5)]
    assert [usage is not None for usage in taken] == [True, True, True, False, False]
    assert ratelimit.remaining(limit) == 0


def test_keys_and_actions_are_counted_apart(time_machine: Any) -> None:
    time_machine.move_to(START)
    for _ in range(3):
        assert ratelimit.consume(hourly("user:1"))
    assert ratelimit.consume(hourly("user:1")) is None
    assert ratelimit.consume(hourly("user:2"))
    assert ratelimit.consume(hourly("user:1", action="other_action"))


def test_refused_attempts_do_not_use_up_anything(time_machine: Any) -> None:
    time_machine.move_to(START)
    limit = hourly(amount=2)
    assert ratelimit.consume(limit) and ratelimit.consume(limit)
    for _ in range(10):
        assert ratelimit.consume(limit) is None
    # Half an hour into the next window about half of the previous one still counts (one
    # use of two): one more is admitted. Had the refusals counted, none would be.
    time_machine.move_to(START + timedelta(minutes=90))
    assert ratelimit.remaining(limit) == 1
    assert ratelimit.consume(limit)
    assert ratelimit.consume(limit) is None


def test_the_window_slides_instead_of_resetting_at_the_hour(time_machine: Any) -> None:
    time_machine.move_to(START + timedelta(minutes=59))
    limit = hourly(amount=4)
    for _ in range(4):
        assert ratelimit.consume(limit)
    # Two minutes later a fixed window would allow four more at once; the sliding estimate
    # still counts almost all of the previous hour.
    time_machine.move_to(START + timedelta(minutes=61))
    assert ratelimit.consume(limit) is None
    # Two hours later nothing is left of them.
    time_machine.move_to(START + timedelta(minutes=181))
    assert all(ratelimit.consume(limit) for _ in range(4))


def test_several_limits_are_taken_all_or_nothing(time_machine: Any) -> None:
    time_machine.move_to(START)
    person = hourly("user:1", amount=5)
    target = hourly("strategy:1", amount=1, action="per_target")
    assert ratelimit.consume(person, target)
    # The target is used up: the person's budget is not touched by the refusal.
    assert ratelimit.consume(person, target) is None
    assert ratelimit.remaining(person) == 4


def test_enforce_gives_the_use_back_when_the_action_fails(time_machine: Any) -> None:
    time_machine.move_to(START)
    limit = hourly(amount=1)
    with pytest.raises(ValidationFailed), ratelimit.enforce(limit):
        raise ValidationFailed()  # the action did not happen
    assert ratelimit.remaining(limit) == 1
    with ratelimit.enforce(limit):
        pass
    with pytest.raises(RateLimited), ratelimit.enforce(limit):
        pytest.fail("the block must not run when the limit is used up")


def test_enforce_raises_the_given_error() -> None:
    limit = hourly(amount=0)

    class Specific(RateLimited):
        code = "specific"

    with pytest.raises(Specific), ratelimit.enforce(limit, error=Specific()):
        pass


def test_reset_forgets_every_use(time_machine: Any) -> None:
    time_machine.move_to(START)
    limit = hourly(amount=2)
    assert ratelimit.consume(limit) and ratelimit.consume(limit)
    ratelimit.reset(limit)
    assert ratelimit.remaining(limit) == 2


@override_settings(DELAKTIG_RATE_LIMITS={"drafts": (7, 600)})
def test_limits_come_from_the_settings() -> None:
    limit = ratelimit.limit_for("drafts", "user:9")
    assert (limit.action, limit.key, limit.amount, limit.period) == ("drafts", "user:9", 7, 600)


def test_concurrent_uses_count_each_once_and_lose_none(time_machine: Any) -> None:
    """48 threads at once against a limit of 20: exactly 20 are admitted, and the counter
    holds exactly those 20 (no use counted twice, no refused one left counted)."""
    time_machine.move_to(START)
    limit = hourly(amount=20)
    barrier = threading.Barrier(48)
    usages: list[ratelimit.Usage | None] = []
    lock = threading.Lock()

    def attempt() -> None:
        barrier.wait(timeout=30)
        usage = ratelimit.consume(limit)
        with lock:
            usages.append(usage)

    threads = [threading.Thread(target=attempt) for _ in range(48)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    admitted = [usage for usage in usages if usage is not None]
    assert len(usages) == 48
    assert len(admitted) == 20
    assert ratelimit.remaining(limit) == 0
    # Giving back the 20 admitted uses empties the counter: it held exactly 20.
    for usage in admitted:
        usage.release()
    assert ratelimit.remaining(limit) == 20
