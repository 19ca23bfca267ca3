"""Building what a screen shows, for the tests."""

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from tests.factories import ModuleFactory, PhaseFactory, ProcessFactory, UserFactory

from delaktig.meetings.models import Meeting
from delaktig.organisations.models import Organisation
from delaktig.participation.models import Process
from delaktig.proposals.models import Proposal


def open_process(organisation: Organisation, kind: str = "discussion", **fields: Any) -> Process:
    """An open process with a phase running now in which residents take part."""
    process = ProcessFactory(organisation=organisation, status="open", **fields)
    phase_type = {"discussion": "discussion", "survey": "answering", "referral": "referral"}[kind]
    module = ModuleFactory(process=process, kind=kind)
    PhaseFactory(module=module, process=process, phase_type=phase_type)
    return process


def meeting(organisation: Organisation, *, days: int = 7, **fields: Any) -> Meeting:
    starts = timezone.now() + timedelta(days=days)
    values: dict[str, Any] = {
        "kind": Meeting.Kind.ASSEMBLY,
        "title": "Regionfullmäktige",
        "location": "Regionens hus",
        "question_time": True,
    }
    values.update(fields)
    return Meeting.objects.create(
        organisation=organisation, starts_at=starts, ends_at=starts + timedelta(hours=3), **values
    )


def collecting_proposal(
    organisation: Organisation, *, ends: datetime | None = None, **fields: Any
) -> Proposal:
    values: dict[str, Any] = {
        "author_name": "Anna Förslagsställare",
        "title": "Fler bänkar i parken",
        "body": "Jag heter Anna och bor på Storgatan 1.",
        "status": "collecting",
        "published_at": timezone.now(),
        "support_ends_at": ends or timezone.now() + timedelta(days=60),
        "support_threshold": 100,
    }
    values.update(fields)
    return Proposal.objects.create(organisation=organisation, author=UserFactory(), **values)
