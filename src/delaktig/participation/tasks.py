from django.db.models import Q
from django_tasks import task

from delaktig.accounts.models import User
from delaktig.notifications.outbox import email_queue

from . import registry
from .models import Process


def feedback_recipients(process: Process) -> list[str]:
    """Everyone who took part in any module of the process, and everyone who follows it."""
    participant_filter = Q(pk__in=process.follows.values("user_id"))
    for kind in set(process.modules.values_list("kind", flat=True)):
        participant_filter |= Q(pk__in=registry.get(kind).participant_ids(process))
    return list(
        User.objects.filter(participant_filter, is_active=True, deleted_at__isnull=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
        .distinct()
    )


@task()
def notify_feedback_published(process_id: int, transition_id: int = 0) -> int:
    """Tell every participant and follower that feedback is out. Returns how many were told.

    Run twice for the same publication (a retry), it tells no one twice."""
    process = Process.objects.select_related("feedback", "organisation").get(pk=process_id)
    recipients = feedback_recipients(process)
    context: dict[str, object] = {"title": process.title, "path": process.get_absolute_url()}
    for email in recipients:
        email_queue(
            recipient=email,
            template="feedback_published",
            kind="participation.feedback",
            context=context,
            key=f"feedback_published:{process_id}:{transition_id}:{email}",
            organisation=process.organisation,
        )
    return len(recipients)
