"""Fixtures for every test: in tests/, and in a module's own app (src/delaktig/<app>/tests/)."""

from typing import Any

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    # Rate limits live in the cache; every test starts with none counted.
    cache.clear()


@pytest.fixture(autouse=True)
def _swedish_first() -> Any:
    # Swedish is the source language; a test that switches to English must not leave it on
    # for the tests after it.
    from django.utils import translation

    translation.activate("sv")
    yield
    translation.deactivate()
