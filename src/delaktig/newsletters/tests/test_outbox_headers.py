"""The outbox carries extra headers (a small change in notifications for newsletters)."""

from typing import Any

import pytest
from django.core import mail

from delaktig.notifications.models import OutgoingEmail
from delaktig.notifications.outbox import email_deliver, email_queue_message

pytestmark = pytest.mark.django_db


def test_extra_headers_are_stored_and_sent_and_the_message_id_stays_the_outboxs(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        email = email_queue_message(
            recipient="anna@example.se",
            template="newsletter",
            subject="Hej",
            body="Text",
            kind="newsletters.subscription",
            headers={
                "List-Unsubscribe": "<https://example.se/nyhetsbrev/avsluta/x/>",
                "Message-ID": "<forged@example.se>",
            },
        )
    assert email is not None
    stored = OutgoingEmail.objects.get(pk=email.pk)
    assert stored.headers["List-Unsubscribe"] == "<https://example.se/nyhetsbrev/avsluta/x/>"
    email_deliver(email.pk)
    sent = mail.outbox[-1].message()
    assert sent["List-Unsubscribe"] == "<https://example.se/nyhetsbrev/avsluta/x/>"
    assert sent["Message-ID"] != "<forged@example.se>"


def test_an_email_without_headers_is_sent_as_before(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        email_queue_message(
            recipient="bo@example.se",
            template="x",
            subject="Hej",
            body="Text",
            kind="newsletters.confirmation",
        )
    assert OutgoingEmail.objects.get().headers == {}
    assert "List-Unsubscribe" not in mail.outbox[-1].message()
