"""The task worker's part of open data: the nightly dumps (``dumps.dumps_make``)."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from delaktig.core.tasks import RetryPolicy, retrying

from .dumps import dumps_make

# A dump that failed (a full disk, a lost database connection) is tried again within the night.
RETRY = RetryPolicy(max_attempts=3, first_delay=timedelta(minutes=10), max_delay=timedelta(hours=1))


@task()
@retrying(RETRY)
def make_dumps() -> int:
    """Make every organisation's dumps afresh; returns how many were made."""
    return dumps_make(now=timezone.now())
