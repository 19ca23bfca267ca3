"""Running jobs at the same moment in threads, each on its own database connection, for the
tests that prove concurrent writes lose nothing and count nothing twice."""

import threading
from collections.abc import Callable
from typing import Any

from django.db import close_old_connections, connection


def run_together(jobs: list[Callable[[], Any]]) -> tuple[list[Any], list[BaseException]]:
    """Start every job at once (a barrier) and return what they returned and what they raised."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = []
    errors: list[BaseException] = []

    def worker(job: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            results.append(job())
        except BaseException as error:  # noqa: BLE001 - collected and asserted on by the caller
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors
