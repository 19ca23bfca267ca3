"""A task worker killed mid-send (SIGKILL), a second worker takes over, the e-mail arrives once.

Two real worker processes (``manage.py worker``) share the test database; a real SMTP server
(aiosmtpd) in this process stalls the first attempt, once while it sends the e-mail (DATA) and
once after it has accepted it, while the worker says goodbye (QUIT). The worker holding the
task is then killed, and the other finds the task lost (RUNNING beyond
``DELAKTIG_TASK_STALE_AFTER``, here 4 seconds), queues it again and sends the e-mail, or sees
that it was sent. What remains of "at least once": a worker killed in the moment between the
server's acceptance and the row being marked sent would send it again, with the same
Message-ID (notifications/outbox.py; docs/operations.md, "Topology").
"""

import asyncio
import email
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from delaktig.core.tasks import recover_stale_tasks
from delaktig.notifications.models import OutgoingEmail
from delaktig.notifications.outbox import email_queue_message, message_id, requeue_lost
from tests import processes

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
PORTS = range(9300, 9320)
# A task RUNNING this long has lost its worker. Short, so the test is quick; long enough that
# a send on a busy machine never exceeds it (a second worker would then send it too).
STALE_AFTER = 4


class StallingServer:
    """An SMTP handler that holds the first session of each scenario at ``stall_on`` until
    released, then drops it unanswered; it records only the e-mails it accepted (answered 250
    to DATA)."""

    def __init__(self) -> None:
        self.expect("")
        self.accepted: list[email.message.Message] = []

    def expect(self, stall_on: str) -> None:
        self.stall_on = stall_on
        self.stalled = threading.Event()
        self.release = threading.Event()

    async def _stall(self) -> None:
        self.stalled.set()
        while not self.release.is_set():
            await asyncio.sleep(0.05)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.stall_on == "DATA" and not self.stalled.is_set():
            await self._stall()
            return "451 4.3.0 Try again later"
        self.accepted.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.stall_on == "QUIT" and not self.stalled.is_set():
            await self._stall()
        return "221 Bye"

    def ids(self) -> list[str]:
        return [str(m["Message-ID"]) for m in self.accepted]


@pytest.fixture
def smtp() -> Iterator[tuple[StallingServer, int]]:
    handler = StallingServer()
    port = processes.free_port(PORTS)
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        handler.release.set()
        controller.stop()


def _kill_the_sender(
    server: StallingServer, workers: dict[str, processes.Process], stall_on: str, n: int
) -> tuple[OutgoingEmail, DBTaskResult[Any, Any], str]:
    """Queue one e-mail, let its first attempt stall at ``stall_on``, kill the worker making
    it, and wait until another has finished the task. Returns the row, the task, the killed."""
    server.expect(stall_on)
    with override_settings(TASKS=DATABASE_TASKS):
        row = email_queue_message(
            recipient=f"person{n}@example.se", template="test", subject="Ämne", body="Hej!"
        )
    assert row is not None
    task = DBTaskResult.objects.get(args_kwargs__args=[row.pk])
    processes.wait_for(server.stalled.is_set, f"the first attempt to reach {stall_on}")
    task.refresh_from_db()
    killed = workers.pop(task.worker_ids[-1])
    if stall_on == "QUIT":
        # Accepted, and so marked sent before the goodbye that hangs.
        row.refresh_from_db()
        assert row.status == "sent" and server.ids()[-1] == message_id(row)
    killed.kill()
    killed.stop()
    processes.wait_for(
        lambda: DBTaskResult.objects.filter(
            pk=task.pk, status=TaskResultStatus.SUCCESSFUL
        ).exists(),
        "another worker to finish the task",
    )
    server.release.set()
    row.refresh_from_db()
    task.refresh_from_db()
    return row, task, killed.name


def test_a_worker_killed_mid_send_leaves_the_email_to_another_that_sends_it_once(
    smtp: tuple[StallingServer, int], tmp_path: Path
) -> None:
    server, port = smtp
    env = processes.environment(
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
        EMAIL_USE_TLS="0",
        EMAIL_TIMEOUT="30",
        DELAKTIG_TASK_STALE_AFTER=str(STALE_AFTER),
    )
    names = ("worker-1", "worker-2", "worker-3")
    workers = {name: processes.start_worker(name, env, tmp_path) for name in names}
    everyone = list(workers.values())
    try:
        for worker in everyone:
            processes.wait_for(lambda w=worker: processes.worker_ready(w), worker.name)

        # Killed while the server has the e-mail and has not answered: not accepted, so sent
        # again by the next worker, once.
        row, task, killed = _kill_the_sender(server, workers, "DATA", 1)
        assert row.status == "sent" and row.attempts == 2
        assert task.worker_ids[0] == killed and task.worker_ids[1] in workers
        assert server.ids() == [message_id(row)]

        # Killed after the server accepted it, while saying goodbye: the row was marked sent
        # first, so the next worker finds it sent and sends nothing.
        second, task, killed = _kill_the_sender(server, workers, "QUIT", 2)
        assert second.status == "sent" and second.attempts == 1
        assert task.worker_ids[0] == killed and task.worker_ids[1] in workers
        assert server.ids() == [message_id(row), message_id(second)]
    finally:
        server.release.set()
        for worker in everyone:
            worker.stop()
    # Nothing is left for recovery to send again, however late.
    later = timezone.now() + timedelta(days=1)
    assert recover_stale_tasks(later) == 0 and requeue_lost(later) == 0
    assert len(server.accepted) == 2
