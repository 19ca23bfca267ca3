"""Background jobs: tell author and supporters what happened; remind officials of deadlines."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from delaktig.notifications.outbox import email_queue

from .workflow import Status

# Changes only the author hears about: the proposal is not public (yet, or at all).
PRIVATE_CHANGES = {Status.REJECTED.value, Status.WITHDRAWN.value}


def _note(event: Any) -> str:
    if event.is_correction:
        return "{} {} ({})".format(_("Rättat:"), "; ".join(event.change_lines()), event.note)
    return str(event.note)


def _rejection(proposal: Any, event: Any) -> dict[str, object]:
    """For a proposal rejected at intake: the reason, and whom to ask for a review."""
    if event.to_status != Status.REJECTED.value:
        return {}
    settings = getattr(proposal.organisation, "settings", None)
    return {
        "rejected": True,
        "reason": proposal.rejection_reason,
        "organisation": proposal.organisation.name,
        "contact": getattr(settings, "contact_email", "") or "",
    }


@task()
def notify_proposal_event(event_id: int) -> int:
    from .models import ProposalEvent, Support

    event = ProposalEvent.objects.select_related("proposal__author", "proposal__organisation").get(
        pk=event_id
    )
    proposal = event.proposal
    # The author hears about their own case whatever their settings; a supporter as they chose.
    recipients: dict[str, str] = {}
    if event.to_status not in PRIVATE_CHANGES:
        supporters = (
            Support.objects.filter(proposal=proposal, wants_updates=True, user__is_active=True)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
        recipients |= dict.fromkeys(supporters, "proposals.supported")
    if proposal.author.is_active:
        recipients[proposal.author.email] = "proposals.own_proposal"
    recipients.pop("", None)
    context: dict[str, object] = {
        "title": proposal.public_title,
        "status": str(proposal.get_status_display()),
        "path": proposal.get_absolute_url(),
        "case_number": proposal.case_number or "",
        "note": _note(event),
        **_rejection(proposal, event),
    }
    for email in sorted(recipients):
        email_queue(
            recipient=email,
            template="proposal_event",
            context=context,
            key=f"proposal_event:{event_id}:{email}",
            kind=recipients[email],
            organisation=proposal.organisation,
        )
    return len(recipients)


@task()
def remind_official(proposal_id: int, days_left: int) -> int:
    from delaktig.accounts.models import Role

    from .models import Proposal

    proposal = Proposal.objects.select_related("responsible_official", "organisation").get(
        pk=proposal_id
    )
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
            kind="proposals.deadline_reminder",
            context=context,
            key=f"proposal_reminder:{proposal_id}:{days_left}:{email}",
            organisation=proposal.organisation,
        )
    return len(recipients)
