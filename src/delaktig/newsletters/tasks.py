"""The task worker's part: one batch of a newsletter per run (see ``sending``)."""

from django_tasks import task

from delaktig.core.tasks import RetryPolicy, retrying
from delaktig.notifications.outbox import retry_policy

from . import sending


def _policy() -> RetryPolicy:
    return retry_policy()


@task()
@retrying(_policy)
def send_newsletter_batch(newsletter_id: int) -> int:
    return sending.batch_send(newsletter_id)
