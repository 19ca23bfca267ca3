"""The task worker's part of the search: the nightly pass over every source (``index.reindex``),
which catches what the signals cannot see (bulk updates, visibility that follows dates)."""

from datetime import timedelta

from django_tasks import task

from delaktig.core.tasks import RetryPolicy, retrying

from .index import reindex

RETRY = RetryPolicy(max_attempts=3, first_delay=timedelta(minutes=10), max_delay=timedelta(hours=1))


@task()
@retrying(RETRY)
def reindex_all() -> int:
    """Bring every source's rows up to date; returns the rows written or removed."""
    return reindex()
