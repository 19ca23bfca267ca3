import logging
import threading
import time
from typing import Any

from django.db import close_old_connections, connection
from django_tasks_db.management.commands import db_worker

from delaktig.core.tasks import recover_stale_tasks, stale_after

logger = logging.getLogger(__name__)


def recover_every() -> float:
    """How often the worker looks for tasks whose worker was lost (seconds): every minute,
    or more often when the stale limit is shorter."""
    return min(60.0, stale_after().total_seconds() / 2)


def _recover_forever(stop: threading.Event, every: float) -> None:
    # time.sleep, not stop.wait(every): a timed wait on a lock follows the monotonic clock
    # through sem_clockwait, which libfaketime does not shift, so under the suite's pass a year
    # ahead (make test-next-year) the wait lasted a year and no lost task was ever recovered.
    # The thread is a daemon: it ends with the worker, and stop only ends it sooner.
    while True:
        time.sleep(every)
        if stop.is_set():
            return
        try:
            close_old_connections()
            recover_stale_tasks()
        except Exception:  # the worker must keep working whatever the check meets
            logger.exception("recovering stale tasks failed")
        finally:
            connection.close()


class Command(db_worker.Command):
    help = (
        "Run the background worker (django-tasks' database worker) and, beside it, put back "
        "in the queue every minute the tasks whose worker was lost (see delaktig.core.tasks)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        if not options.get("batch"):
            recover_stale_tasks()
            threading.Thread(
                target=_recover_forever,
                args=(stop, recover_every()),
                name="recover-stale-tasks",
                daemon=True,
            ).start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
