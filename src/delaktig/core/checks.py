"""System checks for running on more than one process (``manage.py check --deploy``).

Login throttling, Delaktig's rate limits (``core/ratelimit.py``), the cached counts and the
cached report files live in the default cache. They are right only when every gunicorn worker,
app server and task worker sees the same cache, and the rate limits need its ``add`` and
``incr`` to be atomic: Redis or memcached. A local-memory cache counts once per process, a
dummy cache never, a file cache once per machine; the database cache is shared but its
``incr`` is a read followed by a write, so concurrent uses are lost.
"""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

SHARED_CACHES = (
    "django.core.cache.backends.redis.RedisCache",
    "delaktig.core.cache.RedisCache",
    "django.core.cache.backends.memcached.PyMemcacheCache",
    "django.core.cache.backends.memcached.PyLibMCCache",
    "django_redis.cache.RedisCache",
)


def cache_is_shared(backend: str) -> bool:
    return backend in SHARED_CACHES


@register(Tags.caches, deploy=True)
def check_shared_cache(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    backend = str(settings.CACHES.get("default", {}).get("BACKEND", ""))
    if cache_is_shared(backend):
        return []
    return [
        Error(
            f"The default cache ({backend or 'none'}) is not shared by every process.",
            hint=(
                "Set REDIS_URL: login throttling, rate limits and cached files must be counted "
                "and kept in one place for all app servers and workers."
            ),
            id="delaktig.E001",
        )
    ]
