"""Running the time-driven jobs that apps declare in the platform registry.

Any number of ``tick`` runs may overlap (two schedulers, a manual run beside the timer, a
slow run still busy when the next starts): each due job runs once. Before a job runs, its
``JobRun`` row is claimed in a short transaction that other ticks wait for (a row lock on
PostgreSQL, taken with ``skip_locked`` so that a tick finding the row locked leaves the job to
the tick that holds it; SQLite's ``BEGIN IMMEDIATE`` write lock). The claim checks that the
job is due and not running elsewhere, and marks it running; the job then runs outside any
transaction, and its outcome clears the mark. A tick killed mid-job leaves the mark behind:
after ``DELAKTIG_TASK_STALE_AFTER`` the job counts as lost and the next tick runs it again.
"""

import logging
import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from django.db import transaction
from django.utils import timezone

from . import contributions
from .models import JobRun
from .tasks import stale_after

logger = logging.getLogger(__name__)

# A job runs when its last successful run started at least this long ago, so that a tick
# scheduled hourly runs an hourly job each hour and a daily job once a day even when ticks
# drift by a few minutes, and a second tick in the same hour runs neither again. A failed job
# is tried again at the next hourly tick.
HOURLY = timedelta(minutes=50)
DAILY = timedelta(hours=23)


@dataclass(frozen=True)
class Outcome:
    key: str
    ran: bool
    result: int = 0
    error: str = ""
    # Not run because another tick is running it.
    busy: bool = False


def _due(run: JobRun, job: contributions.Job, now: datetime) -> bool:
    if run.started_at is None:
        return True
    gap = DAILY if job.every == "day" and not run.error else HOURLY
    return run.started_at <= now - gap


@contextmanager
def _serialised() -> Iterator[None]:
    """A transaction that concurrent claims take one at a time. PostgreSQL: the row lock of
    ``select_for_update``. SQLite has no row locks: begin IMMEDIATE (the settings' mode, made
    sure of here), which takes the database's write lock before the row is read."""
    connection = transaction.get_connection()
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    connection.ensure_connection()
    mode = connection.transaction_mode
    connection.transaction_mode = "IMMEDIATE"
    try:
        with transaction.atomic():
            yield
    finally:
        connection.transaction_mode = mode


Claim = Literal["claimed", "not_due", "busy"]


def _claim(job: contributions.Job, now: datetime, token: str, *, force: bool) -> Claim:
    """Mark ``job`` as running by ``token`` if it is due (or ``force``) and no other tick
    runs it."""
    JobRun.objects.get_or_create(key=job.key)
    clock = timezone.now()
    with _serialised():
        run = JobRun.objects.select_for_update(skip_locked=True).filter(key=job.key).first()
        if run is None:
            return "busy"  # another tick is claiming it this moment
        if run.running_since is not None and run.running_since > clock - stale_after():
            return "busy"
        if not force and not _due(run, job, now):
            return "not_due"
        if run.running_since is not None:
            logger.warning(
                "job %s: the tick %s that started it at %s was lost; running it again",
                job.key,
                run.running_by,
                run.running_since.isoformat(timespec="seconds"),
            )
        run.running_since = clock
        run.running_by = token
        run.save(update_fields=["running_since", "running_by"])
    return "claimed"


def _record(job: contributions.Job, token: str, now: datetime, outcome: Outcome) -> None:
    recorded = JobRun.objects.filter(key=job.key, running_by=token).update(
        started_at=now,
        finished_at=timezone.now(),
        result=outcome.result,
        error=outcome.error[:2000],
        running_since=None,
        running_by="",
    )
    if not recorded:
        logger.warning("job %s ran longer than the stale limit; another tick took it", job.key)


def _release(job: contributions.Job, token: str) -> None:
    JobRun.objects.filter(key=job.key, running_by=token).update(running_since=None, running_by="")


def _run_one(job: contributions.Job, now: datetime, token: str, *, force: bool) -> Outcome:
    claim = _claim(job, now, token, force=force)
    if claim != "claimed":
        return Outcome(job.key, ran=False, busy=claim == "busy")
    try:
        result = job.run(now)
    except Exception as error:  # one job's failure must not stop the others
        logger.exception("job %s failed", job.key)
        outcome = Outcome(job.key, ran=True, error=f"{type(error).__name__}: {error}")
    except BaseException:
        _release(job, token)  # stopped (Ctrl-C, SIGTERM): the next tick runs it
        raise
    else:
        outcome = Outcome(job.key, ran=True, result=int(result or 0))
    _record(job, token, now, outcome)
    return outcome


def run_jobs(*, now: datetime | None = None, only: str | None = None) -> list[Outcome]:
    """Run every due job once, however many ticks run at the same time. A failing job is
    logged and recorded; the others still run. ``only`` runs that job, due or not (unless
    another tick is running it)."""
    now = now or timezone.now()
    token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"[-100:]
    outcomes = []
    for job in contributions.jobs():
        if only and job.key != only:
            continue
        outcomes.append(_run_one(job, now, token, force=bool(only)))
    return outcomes
