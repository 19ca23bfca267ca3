import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    # Rate limits live in the cache; every test starts with none counted.
    cache.clear()
