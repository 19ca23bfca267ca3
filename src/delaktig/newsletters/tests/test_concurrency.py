"""Two workers on the same newsletter at the same moment: each address is sent once.

On PostgreSQL the batches skip each other's locked rows; on SQLite writers take turns."""

from typing import Any

import pytest
from django.core import mail
from tests.concurrency import run_together

from delaktig.newsletters import sending, services
from delaktig.newsletters.models import Delivery, Newsletter
from delaktig.newsletters.tests.helpers import newsletter, official_of, organisation, subscriber
from delaktig.notifications.models import OutgoingEmail

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_workers_on_the_same_batch_send_each_address_once(settings: Any) -> None:
    settings.DELAKTIG_NEWSLETTER_BATCH_SIZE = 4
    region = organisation()
    for n in range(10):
        subscriber(region, f"p{n}@example.se")
    letter = newsletter(region)
    # Immediate task backend: sending ran every batch at the commit. Put them back to run
    # them by hand, as two workers would.
    services.newsletter_send(actor=official_of(region), newsletter=letter)
    OutgoingEmail.objects.filter(template="newsletter").delete()
    Delivery.objects.filter(newsletter=letter).update(state="queued", outgoing=None)
    Newsletter.objects.filter(pk=letter.pk).update(status="sending", finished_at=None)
    mail.outbox.clear()

    def drain() -> int:
        total = 0
        while handed := sending.batch_send(letter.pk):
            total += handed
        return total

    results, errors = run_together([drain, drain, drain])
    assert errors == []
    assert sum(results) == 10
    assert OutgoingEmail.objects.filter(template="newsletter").count() == 10
    assert Delivery.objects.filter(newsletter=letter, state="handed").count() == 10
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"p{n}@example.se" for n in range(10))
    letter.refresh_from_db()
    assert letter.status == "sent"
