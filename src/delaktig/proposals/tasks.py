"""Background jobs: tell author and supporters what happened; remind officials of deadlines."""

from django.urls import reverse
from django_tasks import task

from delaktig.notifications.outbox import email_queue

from .workflow import Status

# Changes only the author hears about: the proposal is not public (yet, or at all).
PRIVATE_CHANGES = {Status.REJECTED.value, Status.WITHDRAWN.value}


@task()
def notify_proposal_event(event_id: int) -> int:
    from .models import ProposalEvent, Support

    event = ProposalEvent.objects.select_related("proposal__author").get(pk=event_id)
    proposal = event.proposal
    recipients = {proposal.author.email} if proposal.author.is_active else set()
    if event.to_status not in PRIVATE_CHANGES:
        recipients |= set(
            Support.objects.filter(proposal=proposal, wants_updates=True, user__is_active=True)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    recipients.discard("")
    context: dict[str, object] = {
        "title": proposal.title,
        "status": str(proposal.get_status_display()),
        "path": proposal.get_absolute_url(),
        "case_number": proposal.case_number or "",
        "note": event.note,
    }
    for email in sorted(recipients):
        email_queue(
            recipient=email,
            template="proposal_event",
            context=context,
            key=f"proposal_event:{event_id}:{email}",
        )
    return len(recipients)


@task()
def remind_official(proposal_id: int, days_left: int) -> int:
    from delaktig.accounts.models import Role

    from .models import Proposal

    proposal = Proposal.objects.select_related("responsible_official").get(pk=proposal_id)
    if proposal.responsible_official and proposal.responsible_official.email:
        recipients = [proposal.responsible_official.email]
    else:
        recipients = list(
            Role.objects.filter(organisation=proposal.organisation_id, kind="official")
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    context: dict[str, object] = {
        "title": proposal.title,
        "case_number": proposal.case_number or "",
        "days_left": days_left,
        "path": reverse("proposals:staff_case", kwargs={"pk": proposal.pk}),
    }
    for email in recipients:
        email_queue(
            recipient=email,
            template="proposal_reminder",
            context=context,
            key=f"proposal_reminder:{proposal_id}:{days_left}:{email}",
        )
    return len(recipients)
