"""Fixtures for every test: in tests/, and in a module's own app (src/delaktig/<app>/tests/)."""

from typing import Any

import pytest
from django.core.cache import cache

# ``s3``: a fresh bucket in a real S3 service (moto's server) as the default storage.
pytest_plugins = ["tests.s3"]


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    # Rate limits live in the cache; every test starts with none counted.
    cache.clear()
    # What a server knows after its first request: the test client's host is no organisation's
    # own (organisations.hosts). Tests that count queries then count what every later request
    # costs; tests/test_site_hosts.py covers a host the cache does not know yet.
    from delaktig.organisations.hosts import remember_host

    # Until forgotten, not for a minute: a test that moves the clock would outlive it.
    remember_host("testserver", None, seconds=None)


@pytest.fixture(autouse=True)
def _swedish_first() -> Any:
    # Swedish is the source language; a test that switches to English must not leave it on
    # for the tests after it.
    from django.utils import translation

    translation.activate("sv")
    yield
    translation.deactivate()
