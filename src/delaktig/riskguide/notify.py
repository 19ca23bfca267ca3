"""The e-mail reminding officials that a contentious process or meeting has no signed-off
risk analysis (kind ``riskguide.missing_analysis``)."""

from django.urls import reverse

from delaktig.accounts.models import Role
from delaktig.notifications.outbox import email_queue

from .models import ContentiousMark


def remind_officials(mark: ContentiousMark) -> int:
    """Queue the reminder to each official of the mark's organisation; return how many."""
    recipients = sorted(
        set(
            Role.objects.filter(organisation=mark.organisation_id, kind="official")
            .exclude(user__email="")
            .filter(user__is_active=True)
            .values_list("user__email", flat=True)
        )
    )
    subject = mark.subject
    query = f"?{mark.subject_kind.value}={subject.pk}"
    context: dict[str, object] = {
        "title": subject.title,
        "is_meeting": mark.meeting_id is not None,
        "reason": mark.reason,
        "path": reverse("riskguide:create") + query,
    }
    for email in recipients:
        email_queue(
            recipient=email,
            template="riskguide_missing",
            kind="riskguide.missing_analysis",
            context=context,
            key=f"riskguide_missing:{mark.pk}:{email}",
            organisation=mark.organisation,
        )
    return len(recipients)
