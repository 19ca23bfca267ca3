"""Background jobs that send e-mail, one outbox row each (see ``outbox``)."""

import hashlib
import json

from django_tasks import task

from delaktig.core.tasks import retrying

from . import outbox


@task()
@retrying(outbox.retry_policy)
def deliver_email(email_id: int) -> str:
    return outbox.email_deliver(email_id)


@task()
def send_templated_email(
    *, recipient: str, template: str, context: dict[str, object], language: str = "sv"
) -> None:
    """Kept for task records queued before the outbox existed: they go through it now. Keyed
    by what it sends (nothing enqueues it any more), so that a retry after its worker was lost
    queues the e-mail once."""
    what = json.dumps([recipient, template, context, language], sort_keys=True, default=str)
    outbox.email_queue(
        recipient=recipient,
        template=template,
        context=context,
        language=language,
        key=f"send_templated_email:{hashlib.sha256(what.encode()).hexdigest()}",
    )
