"""Two clicks on "Jag har gått igenom den här delen" at the same moment count once."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import close_old_connections, connection

from delaktig.knowledge import services
from delaktig.knowledge.models import Completion
from delaktig.knowledge.tests.helpers import bank, person

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(jobs: list[Callable[[], Any]]) -> tuple[list[Any], list[BaseException]]:
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = []
    errors: list[BaseException] = []

    def worker(job: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            results.append(job())
        except BaseException as error:  # noqa: BLE001 - collected and asserted on below
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


def test_concurrent_marks_by_one_person_give_one_row() -> None:
    part = bank()
    reader = person("elected", part.organisation)
    results, errors = run_together(
        [lambda: services.completion_mark(actor=reader, part=part) for _ in range(8)]
    )
    assert errors == []
    assert len({completion.pk for completion in results}) == 1
    assert Completion.objects.filter(part=part, user=reader).count() == 1
