"""E-mail and background tasks under faults: the mail server down and back, a failed task
retried with backoff, a worker killed mid-task, a retry that must not send twice.

Most tests run the real django-tasks database backend and its worker in-process (the suite
otherwise uses the immediate backend), with the clock moved by time-machine.
"""

import email
import smtplib
import socket
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from delaktig.core.tasks import DEFAULT_MAX_ATTEMPTS, recover_stale_tasks
from delaktig.notifications.models import OutgoingEmail
from delaktig.notifications.outbox import (
    MAX_ATTEMPTS,
    email_deliver,
    email_queue_message,
    message_id,
    requeue_lost,
)
from delaktig.notifications.tasks import deliver_email
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DOWN = "tests.test_tasks_reliability.MailServerDown"
UP = "django.core.mail.backends.locmem.EmailBackend"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


class MailServerDown(BaseEmailBackend):
    """What Django's SMTP backend raises when nothing listens on the mail port."""

    def send_messages(self, email_messages: Any) -> int:
        raise smtplib.SMTPConnectError(421, b"Service not available")


@pytest.fixture
def database_tasks(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # The worker closes the connection between tasks, as a long-running process should; in a
    # test that would close the test's own transaction.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    with override_settings(TASKS=DATABASE_TASKS):
        yield


def work() -> None:
    """What `manage.py worker` does, until no task is due."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


def queue_one(capture: Any, **kwargs: Any) -> OutgoingEmail:
    with capture(execute=True):
        email = email_queue_message(
            recipient="kim@example.se",
            template="test",
            subject="Ämne",
            body="Text",
            **kwargs,
        )
    assert email is not None
    return email


def test_sign_up_and_password_reset_succeed_with_the_mail_server_down_and_mail_follows(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    UserFactory(email="finns@example.se")
    with override_settings(EMAIL_BACKEND=DOWN), django_capture_on_commit_callbacks(execute=True):
        signup = client.post(
            reverse("account_signup"),
            {
                "email": "ny@example.se",
                "password1": "ett-langt-losenord-9",
                "password2": "ett-langt-losenord-9",
                "display_name": "Ny Person",
            },
        )
        reset = client.post(reverse("account_reset_password"), {"email": "finns@example.se"})
    assert signup.status_code == 302
    assert reset.status_code == 302
    waiting = OutgoingEmail.objects.order_by("pk")
    assert [e.recipient for e in waiting] == ["ny@example.se", "finns@example.se"]
    assert {e.status for e in waiting} == {"queued"}
    assert all(e.attempts == 1 and "SMTPConnectError" in e.last_error for e in waiting)
    assert mail.outbox == []

    # The server is back; the hourly job finds what is overdue and sends it, once.
    later = timezone.now() + timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_lost(later) == 2
        assert requeue_lost(later) == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["finns@example.se", "ny@example.se"]
    verification = next(m for m in mail.outbox if m.to == ["ny@example.se"])
    assert "/konto/" in verification.body or "/accounts/" in verification.body
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {"sent"}


def test_a_failed_send_is_retried_with_growing_delays_until_the_server_is_back(
    database_tasks: None, django_capture_on_commit_callbacks: Any, time_machine: Any
) -> None:
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    with override_settings(EMAIL_BACKEND=DOWN):
        email = queue_one(django_capture_on_commit_callbacks)
        record = DBTaskResult.objects.get()
        delays = []
        for attempt in range(1, 5):
            work()
            record.refresh_from_db()
            email.refresh_from_db()
            assert record.status == TaskResultStatus.READY  # queued again, for later
            assert email.status == "queued" and email.attempts == attempt
            delay = record.run_after - timezone.now()
            delays.append(delay)
            expected = timedelta(minutes=1) * 2 ** (attempt - 1)
            assert expected * 0.8 <= delay <= expected * 1.2
            work()  # not due yet: nothing happens
            email.refresh_from_db()
            assert email.attempts == attempt
            time_machine.move_to(record.run_after + timedelta(seconds=1), tick=False)
    assert delays == sorted(delays)
    work()  # the server is back
    email.refresh_from_db()
    record.refresh_from_db()
    assert email.status == "sent" and email.attempts == 5
    assert record.status == TaskResultStatus.SUCCESSFUL
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == message_id(email)

    # A retry of a sent e-mail, however it comes about, sends nothing.
    assert email_deliver(email.pk) == "sent"
    with django_capture_on_commit_callbacks(execute=True):
        deliver_email.enqueue(email.pk)
    work()
    assert len(mail.outbox) == 1


def test_after_the_last_attempt_the_email_is_given_up(
    database_tasks: None, django_capture_on_commit_callbacks: Any
) -> None:
    with override_settings(EMAIL_BACKEND=DOWN):
        email = queue_one(django_capture_on_commit_callbacks)
        OutgoingEmail.objects.filter(pk=email.pk).update(attempts=MAX_ATTEMPTS - 1)
        record = DBTaskResult.objects.get()
        DBTaskResult.objects.filter(pk=record.pk).update(worker_ids=["w"] * (MAX_ATTEMPTS - 1))
        work()
    email.refresh_from_db()
    record.refresh_from_db()
    assert email.status == "failed" and email.attempts == MAX_ATTEMPTS
    assert record.status == TaskResultStatus.FAILED  # not queued again
    assert mail.outbox == []


def test_a_task_whose_worker_was_killed_runs_again_and_sends_once(
    database_tasks: None, django_capture_on_commit_callbacks: Any, time_machine: Any
) -> None:
    email = queue_one(django_capture_on_commit_callbacks)
    record = DBTaskResult.objects.get()
    # A worker claims the task and the e-mail, then is killed before the send.
    record.claim("killed-worker")
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status="sending", claimed_at=timezone.now(), attempts=1
    )
    work()
    assert mail.outbox == []  # RUNNING: no other worker takes it
    assert recover_stale_tasks() == 0  # not stale yet

    time_machine.move_to(timezone.now() + timedelta(hours=1), tick=False)
    later = timezone.now()
    assert recover_stale_tasks(later) == 1
    record.refresh_from_db()
    assert record.status == TaskResultStatus.READY
    work()
    email.refresh_from_db()
    assert email.status == "sent" and email.attempts == 2
    assert len(mail.outbox) == 1
    assert recover_stale_tasks(later) == 0


def test_a_task_that_keeps_losing_its_worker_is_given_up(database_tasks: None) -> None:
    from delaktig.opinionmaps.tasks import recompute_map

    recompute_map.enqueue(1)
    record = DBTaskResult.objects.get()
    for n in range(DEFAULT_MAX_ATTEMPTS):
        record.claim(f"killed-{n}")
        recovered = recover_stale_tasks(timezone.now() + timedelta(hours=1))
        record.refresh_from_db()
        assert recovered == (1 if n < DEFAULT_MAX_ATTEMPTS - 1 else 0)
    assert record.status == TaskResultStatus.FAILED
    assert record.exception_class_path.endswith("WorkerLost")


def test_an_email_being_sent_by_another_worker_is_not_sent_again(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with override_settings(EMAIL_BACKEND=DOWN):
        email = queue_one(django_capture_on_commit_callbacks)
    OutgoingEmail.objects.filter(pk=email.pk).update(status="sending", claimed_at=timezone.now())
    assert email_deliver(email.pk) == "sending"
    assert requeue_lost(timezone.now() + timedelta(minutes=20)) == 0
    assert mail.outbox == []
    # The other worker died: after the stale limit the e-mail is claimed and sent.
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_lost(timezone.now() + timedelta(hours=2)) == 1
    assert len(mail.outbox) == 1


def test_the_same_email_asked_for_twice_is_queued_once(
    django_capture_on_commit_callbacks: Any,
) -> None:
    first = queue_one(django_capture_on_commit_callbacks, key="proposal_event:1:kim@example.se")
    again = queue_one(django_capture_on_commit_callbacks, key="proposal_event:1:kim@example.se")
    assert first.pk == again.pk
    assert OutgoingEmail.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_notification_task_run_twice_tells_each_person_once(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from delaktig.proposals.models import ProposalEvent
    from delaktig.proposals.tasks import notify_proposal_event
    from tests.test_proposals_services import submit

    from .factories import MunicipalityFactory, OrganisationFactory, proposal_rules

    region = OrganisationFactory()
    region.municipalities.add(MunicipalityFactory(code="2380", name="Östersund"))
    proposal_rules(region)
    with django_capture_on_commit_callbacks(execute=True):
        proposal = submit(region)
    told = len(mail.outbox)
    event = ProposalEvent.objects.filter(proposal=proposal).latest("pk")
    with django_capture_on_commit_callbacks(execute=True):
        notify_proposal_event.call(event.pk)  # a retry of a task that had already run
        notify_proposal_event.call(event.pk)
    assert len(mail.outbox) == told


def test_the_worker_command_runs_the_queue(
    database_tasks: None, django_capture_on_commit_callbacks: Any
) -> None:
    queue_one(django_capture_on_commit_callbacks)
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert len(mail.outbox) == 1


def test_a_lost_opinion_map_recompute_is_asked_for_again(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from delaktig.opinionmaps import services
    from delaktig.opinionmaps.models import MapResult, OpinionMap
    from tests.test_opinionmaps_services import open_map, seed

    opinion_map = open_map()
    statements = seed(opinion_map, ["Fler bussar", "Billigare biljetter"])
    voter = UserFactory()
    for statement in statements:
        services.vote_cast(actor=voter, statement=statement, value=1)
    # The recompute task cleared the pending flag when it started, then its worker was
    # killed: the flag is off, and the stored result (none) is behind the votes.
    OpinionMap.objects.filter(pk=opinion_map.pk).update(
        recompute_pending=False, recompute_requested_at=timezone.now()
    )
    assert not MapResult.objects.filter(map=opinion_map).exists()
    assert services.lost_recompute_requeue(now=timezone.now()) == 0  # it may still be running
    later = timezone.now() + timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.lost_recompute_requeue(now=later) == 1
    current = OpinionMap.objects.get(pk=opinion_map.pk)
    assert MapResult.objects.get(map=opinion_map).version == current.version

    # A recompute asked for and never queued (pending for an hour) is asked for again too.
    services.vote_cast(actor=UserFactory(), statement=statements[0], value=-1)
    OpinionMap.objects.filter(pk=opinion_map.pk).update(
        recompute_pending=True, recompute_requested_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.lost_recompute_requeue(now=timezone.now() + timedelta(hours=1)) == 1
    current = OpinionMap.objects.get(pk=opinion_map.pk)
    assert MapResult.objects.get(map=opinion_map).version == current.version
    assert services.lost_recompute_requeue(now=timezone.now() + timedelta(hours=2)) == 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


def test_with_a_real_smtp_server_down_then_up_sign_up_mail_arrives_once(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    """Django's SMTP backend against aiosmtpd: nothing listens at first, then the server
    starts on that port, and the tick's outbox job sends what waited."""
    port = free_port()
    smtp = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": port,
        "EMAIL_USE_TLS": False,
        "EMAIL_TIMEOUT": 5,
    }
    with override_settings(**smtp):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("account_signup"),
                {
                    "email": "ny@example.se",
                    "password1": "ett-langt-losenord-9",
                    "password2": "ett-langt-losenord-9",
                    "display_name": "Ny Person",
                },
            )
        assert response.status_code == 302
        waiting = OutgoingEmail.objects.get()
        assert waiting.status == "queued" and "ConnectionRefusedError" in waiting.last_error

        inbox = Inbox()
        server = Controller(inbox, hostname="127.0.0.1", port=port)
        server.start()
        try:
            later = timezone.now() + timedelta(hours=1)
            with django_capture_on_commit_callbacks(execute=True):
                assert requeue_lost(later) == 1
                assert requeue_lost(later) == 0
        finally:
            server.stop()
    assert len(inbox.messages) == 1
    received = inbox.messages[0]
    assert received["To"] == "ny@example.se"
    waiting.refresh_from_db()
    assert waiting.status == "sent"
    assert received["Message-ID"] == message_id(waiting)
