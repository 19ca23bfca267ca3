"""Background tasks that survive faults: retries with backoff, and recovery of lost runs.

django-tasks runs a task once: a task that raises ends FAILED, and a task whose worker is killed
stays RUNNING for ever. On the database backend (production and ``make run``) this module adds:

- **Retries.** A task marked ``@retrying(...)`` that raises is put back in the queue with an
  exponentially growing delay (with jitter, so a burst of failures does not come back as one
  burst), until it has been tried ``max_attempts`` times. The same task record is reused, so its
  ``worker_ids`` count the attempts.
- **Recovery.** A task that has been RUNNING longer than ``DELAKTIG_TASK_STALE_AFTER`` seconds
  lost its worker (killed, out of memory, the machine restarted). ``recover_stale_tasks`` puts it
  back in the queue, or ends it FAILED once it has used its attempts. The worker command
  (``manage.py worker``) runs it every minute and the hourly tick runs it too.

Both re-run a task, so every task must be idempotent: running it twice does what running it
once does. The e-mail outbox (``delaktig.notifications``) is how the tasks that send e-mail
are made so.
"""

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks.signals import task_finished
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

# A task without a policy of its own that loses its worker is tried this many times in all.
DEFAULT_MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int
    first_delay: timedelta
    max_delay: timedelta

    def delay(self, attempt: int, *, rng: random.Random | None = None) -> timedelta:
        """The wait before the attempt after ``attempt`` (1-based): doubling from
        ``first_delay`` up to ``max_delay``, then spread by ±20 % so retries do not bunch."""
        base = min(self.first_delay * (2 ** max(attempt - 1, 0)), self.max_delay)
        spread = (rng or random).uniform(0.8, 1.2)  # noqa: S311 (not a secret)
        return base * spread


_POLICIES: dict[str, Callable[[], RetryPolicy]] = {}


def retrying(policy: RetryPolicy | Callable[[], RetryPolicy]) -> Callable[[F], F]:
    """Declare that a task function is retried when it raises. Put it under ``@task()``.

    ``policy`` may be a function, read when a retry is decided, so settings can change it."""

    def register(func: F) -> F:
        _POLICIES[f"{func.__module__}.{func.__qualname__}"] = (
            policy if callable(policy) else lambda: policy
        )
        return func

    return register


def policy_for(task_path: str) -> RetryPolicy | None:
    policy = _POLICIES.get(task_path)
    return policy() if policy else None


def _attempts(record: DBTaskResult[Any, Any]) -> int:
    return len(record.worker_ids or [])


@receiver(task_finished)
def _retry_failed(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """Put a failed task with a retry policy back in the queue, later (database backend)."""
    if task_result.status != TaskResultStatus.FAILED:
        return
    if not (isinstance(sender, type) and issubclass(sender, DatabaseBackend)):
        return  # another backend (the immediate one in tests) keeps no record to requeue
    policy = policy_for(task_result.task.module_path)
    if policy is None:
        return
    record = DBTaskResult.objects.filter(pk=task_result.id).first()
    if record is None:
        return
    attempts = _attempts(record)
    if attempts >= policy.max_attempts:
        logger.error(
            "task %s (%s) failed %d times; giving up", record.task_path, record.pk, attempts
        )
        return
    retry_at = timezone.now() + policy.delay(attempts)
    _requeue(record.pk, from_status=TaskResultStatus.FAILED, run_after=retry_at)
    logger.warning(
        "task %s (%s) failed (attempt %d of %d); retrying at %s",
        record.task_path,
        record.pk,
        attempts,
        policy.max_attempts,
        retry_at.isoformat(timespec="seconds"),
    )


def _requeue(pk: Any, *, from_status: str, run_after: datetime) -> bool:
    """READY again, unless someone else changed the record meanwhile."""
    return bool(
        DBTaskResult.objects.filter(pk=pk, status=from_status).update(
            status=TaskResultStatus.READY,
            run_after=run_after,
            finished_at=None,
        )
    )


def stale_after() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "DELAKTIG_TASK_STALE_AFTER", 30 * 60)))


def recover_stale_tasks(now: datetime | None = None) -> int:
    """Tasks RUNNING for longer than the stale limit lost their worker: queue them again, or
    end them FAILED when they have had their attempts. Returns how many were queued again."""
    now = now or timezone.now()
    requeued = 0
    stale = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=now - stale_after()
    )
    for record in stale.order_by("started_at")[:1000]:
        policy = policy_for(record.task_path)
        limit = policy.max_attempts if policy else DEFAULT_MAX_ATTEMPTS
        if _attempts(record) < limit:
            if _requeue(record.pk, from_status=TaskResultStatus.RUNNING, run_after=now):
                requeued += 1
                logger.warning(
                    "task %s (%s) lost its worker after %d attempt(s); queued again",
                    record.task_path,
                    record.pk,
                    _attempts(record),
                )
            continue
        with transaction.atomic():
            DBTaskResult.objects.filter(pk=record.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=f"{__name__}.WorkerLost",
                traceback=f"WorkerLost: no result after {_attempts(record)} attempt(s)",
            )
        logger.error(
            "task %s (%s) lost its worker %d times; giving up",
            record.task_path,
            record.pk,
            _attempts(record),
        )
    return requeued


class WorkerLost(Exception):
    """Recorded on a task whose worker stopped answering once too often."""
