"""Running the time-driven jobs that apps declare in the platform registry."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from . import contributions
from .models import JobRun

logger = logging.getLogger(__name__)

# A daily job runs when its last successful run started at least this long ago, so a tick
# scheduled hourly runs it once a day even when ticks drift by a few minutes.
DAILY = timedelta(hours=23)


@dataclass(frozen=True)
class Outcome:
    key: str
    ran: bool
    result: int = 0
    error: str = ""


def _due(job: contributions.Job, now: datetime) -> bool:
    if job.every == "hour":
        return True
    last = JobRun.objects.filter(key=job.key, error="").values_list("started_at", flat=True)
    started = last.first()
    return started is None or started <= now - DAILY


def run_jobs(*, now: datetime | None = None, only: str | None = None) -> list[Outcome]:
    """Run every due job once. A failing job is logged and recorded; the others still run."""
    now = now or timezone.now()
    outcomes = []
    for job in contributions.jobs():
        if only and job.key != only:
            continue
        if not only and not _due(job, now):
            outcomes.append(Outcome(job.key, ran=False))
            continue
        try:
            result = job.run(now)
        except Exception as error:  # one job's failure must not stop the others
            logger.exception("job %s failed", job.key)
            outcome = Outcome(job.key, ran=True, error=f"{type(error).__name__}: {error}")
        else:
            outcome = Outcome(job.key, ran=True, result=int(result or 0))
        with transaction.atomic():
            JobRun.objects.update_or_create(
                key=job.key,
                defaults={
                    "started_at": now,
                    "finished_at": timezone.now(),
                    "result": outcome.result,
                    "error": outcome.error[:2000],
                },
            )
        outcomes.append(outcome)
    return outcomes
