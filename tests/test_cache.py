"""The Redis cache backend (core/cache.py) against the real Redis at 127.0.0.1:6379."""

import os
import threading
from collections.abc import Iterator

import pytest
import redis

from delaktig.core.cache import RedisCache

REDIS_URL = os.environ.get("DELAKTIG_TEST_CACHE_REDIS_URL", "redis://127.0.0.1:6379/10")


@pytest.fixture
def cache() -> Iterator[RedisCache]:
    redis.Redis.from_url(REDIS_URL).flushdb()
    yield RedisCache(REDIS_URL, {})
    redis.Redis.from_url(REDIS_URL).flushdb()


def test_the_client_is_made_once_and_kept(cache: RedisCache) -> None:
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client() is client
    assert cache._cache.get_client("any key", write=False) is client


def test_values_round_trip_and_counts_are_atomic_across_threads(cache: RedisCache) -> None:
    cache.set("person", {"namn": "Åsa", "år": 1956}, 60)
    assert cache.get("person") == {"namn": "Åsa", "år": 1956}
    assert cache.get_many(["person", "nobody"]) == {"person": {"namn": "Åsa", "år": 1956}}
    assert cache.add("counter", 0, 60) and not cache.add("counter", 5, 60)

    def count() -> None:
        for _ in range(200):
            cache.incr("counter")

    threads = [threading.Thread(target=count) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert cache.get("counter") == 800
    cache.delete("person")
    assert cache.get("person", "gone") == "gone"
