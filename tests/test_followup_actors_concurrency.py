"""Approving one commitment twice at the same moment: threads with their own connections."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import close_old_connections, connection

from delaktig.core.errors import InvalidTransition
from delaktig.core.models import AuditEntry
from delaktig.followup.actors import services
from delaktig.followup.models import Commitment
from tests.test_followup_actors import make_strategy, official_of, request_join

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(jobs: list[Callable[[], Any]]) -> list[BaseException]:
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def worker(job: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            job()
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
    return errors


def test_two_officials_approving_at_once_approve_once() -> None:
    strategy = make_strategy()
    commitment = request_join(strategy)
    officials = [official_of(strategy.organisation) for _ in range(4)]
    errors = run_together(
        [
            (
                lambda official=official: services.commitment_approve(
                    actor=official, commitment=Commitment.objects.get(pk=commitment.pk)
                )
            )
            for official in officials
        ]
    )
    assert len(errors) == 3 and all(isinstance(error, InvalidTransition) for error in errors)
    commitment.refresh_from_db()
    assert commitment.status == "active"
    assert AuditEntry.objects.filter(action="followup.commitment_approve").count() == 1


def test_approve_and_decline_at_once_leave_one_decision() -> None:
    strategy = make_strategy()
    commitment = request_join(strategy)
    first, second = (official_of(strategy.organisation) for _ in range(2))
    errors = run_together(
        [
            lambda: services.commitment_approve(actor=first, commitment=commitment),
            lambda: services.commitment_decline(actor=second, commitment=commitment, reason="Nej."),
        ]
    )
    assert len(errors) == 1 and isinstance(errors[0], InvalidTransition)
    commitment.refresh_from_db()
    assert commitment.status in {"active", "declined"}
    assert AuditEntry.objects.filter(action__startswith="followup.commitment_").count() == 1
