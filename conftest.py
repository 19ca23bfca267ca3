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


# The reference data that migrations load (Agenda 2030's goals and targets, the perspectives
# and target groups, the six gender-equality goals), loaded again after a transactional test
# empties the database. One after another, pytest-django runs transactional tests last, after
# every test that needs this data; on several workers (make test, pytest-xdist) a worker runs
# whole files, so a transactional test may come before tests that need it.
REFERENCE_DATA = [
    ("delaktig.participation.migrations.0002_reference_data", "load"),
    ("delaktig.followup.migrations.0002_gender_equality_goals", "create_goals"),
]


def _reload_reference_data(sender: Any, using: str, **kwargs: Any) -> None:
    import importlib

    from django.apps import apps
    from django.db import router, transaction

    from delaktig.participation.models import SdgGoal

    if not router.allow_migrate_model(using, SdgGoal) or SdgGoal.objects.using(using).exists():
        return
    # One transaction, not a commit (and a disk flush) for each of some 200 rows.
    with transaction.atomic(using=using):
        for module, function in REFERENCE_DATA:
            getattr(importlib.import_module(module), function)(apps, None)


def pytest_configure(config: pytest.Config) -> None:
    from django.db.models.signals import post_migrate

    # Sent by ``flush`` too, after the last app's own handlers (contenttypes, permissions).
    post_migrate.connect(_reload_reference_data, dispatch_uid="delaktig-test-reference-data")
