"""The Redis cache backend: Django's, keeping its ``redis.Redis`` clients.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every cache call, and
each build fills a table of some 170 response callbacks: measured on a resident's support, the
two cache calls of a request spent a third of a millisecond there, more than the round trips
to Redis. A client holds no connection of its own (it borrows from the pool, which Django
already keeps per server) and is safe to share between threads, so one per pool is enough.
"""

from typing import Any

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        django_client: Any = self  # Django's private members, which its stubs leave out
        pool = django_client._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = django_client._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
