"""Rate limits for the platform's own actions, counted in Django's cache.

One helper for every budget Delaktig keeps itself (new proposal drafts, join requests, failed
logins per account across clients; budgeting and the API later): a :class:`Limit` says that
``action`` may happen at most ``amount`` times per ``period`` seconds for one ``key`` (a
person, a strategy, an account). allauth keeps its own limits for sign-up, login and password
reset (``ACCOUNT_RATE_LIMITS``); its ``allauth.core.ratelimit.consume`` is not used here because
it reads its rates from allauth's own settings only, needs a request, and its history lists,
guarded by a cache lock it gives up on after a second, refuse everybody while the lock is busy.

How it counts: a sliding window estimated from two fixed windows (the current and the previous
one, weighted by how much of the previous still overlaps). Each use is one atomic
``cache.incr`` on the current window's counter, created by an atomic ``cache.add``, so
concurrent requests neither count a use twice nor lose one; a use over the limit is given
back at once with ``cache.decr``. The counters need a cache whose ``add``/``incr`` are atomic
and shared by all processes: Redis (``REDIS_URL``) in production, or the local-memory cache of
a single process. The database and file caches are not atomic and must not be used.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache

from .errors import DelaktigError, RateLimited

_PREFIX = "delaktig:rl"


@dataclass(frozen=True)
class Limit:
    """At most ``amount`` uses of ``action`` by ``key`` in any ``period`` seconds."""

    action: str
    key: str
    amount: int
    period: int

    def _counter(self, window: int) -> str:
        # Hashed: keys may hold e-mail addresses, and memcached wants short plain keys.
        digest = hashlib.sha256(self.key.encode()).hexdigest()[:32]
        return f"{_PREFIX}:{self.action}:{self.amount}:{self.period}:{digest}:{window}"


def limit_for(action: str, key: str) -> Limit:
    """The limit configured for ``action`` in ``DELAKTIG_RATE_LIMITS`` (uses, seconds)."""
    amount, period = settings.DELAKTIG_RATE_LIMITS[action]
    return Limit(action=action, key=key, amount=int(amount), period=int(period))


@dataclass
class Usage:
    """The uses one :func:`consume` took; :meth:`release` gives them back."""

    counters: list[str] = field(default_factory=list)

    def release(self) -> None:
        """Give the uses back, e.g. when the action they were taken for did not happen."""
        for counter in self.counters:
            try:
                cache.decr(counter)
            except ValueError:
                pass  # the window has expired; nothing left to give back
        self.counters = []


def _take(limit: Limit, now: float) -> str | None:
    """Count one use in the current window; the counter's key, or None if over the limit."""
    window = int(now // limit.period)
    counter = limit._counter(window)
    # The counter must outlive the next window, where it is the "previous" one.
    timeout = 2 * limit.period + 60
    cache.add(counter, 0, timeout=timeout)
    try:
        used = cache.incr(counter)
    except ValueError:
        # Evicted between add and incr: start it again.
        cache.add(counter, 0, timeout=timeout)
        used = cache.incr(counter)
    previous = cache.get(limit._counter(window - 1), 0)
    overlap = 1.0 - (now % limit.period) / limit.period
    if used + previous * overlap > limit.amount:
        cache.decr(counter)
        return None
    return counter


def consume(*limits: Limit, now: float | None = None) -> Usage | None:
    """Take one use from every limit, or from none: None when any of them is used up."""
    now = time.time() if now is None else now
    usage = Usage()
    for limit in limits:
        counter = _take(limit, now)
        if counter is None:
            usage.release()
            return None
        usage.counters.append(counter)
    return usage


def remaining(limit: Limit, now: float | None = None) -> int:
    """How many uses the limit has left now (for messages and tests; takes nothing)."""
    now = time.time() if now is None else now
    window = int(now // limit.period)
    used = cache.get(limit._counter(window), 0)
    previous = cache.get(limit._counter(window - 1), 0)
    overlap = 1.0 - (now % limit.period) / limit.period
    return max(0, int(limit.amount - used - previous * overlap))


def reset(limit: Limit, now: float | None = None) -> None:
    """Forget every use of the limit, e.g. after its owner proved who they are."""
    now = time.time() if now is None else now
    window = int(now // limit.period)
    cache.delete_many([limit._counter(window), limit._counter(window - 1)])


@contextmanager
def enforce(*limits: Limit, error: DelaktigError | None = None) -> Iterator[Usage]:
    """Take one use from every limit for the block, or raise ``error`` (``RateLimited``).

    If the block raises, the uses are given back: only actions that happened are counted.
    """
    usage = consume(*limits)
    if usage is None:
        raise error if error is not None else RateLimited()
    try:
        yield usage
    except BaseException:
        usage.release()
        raise
