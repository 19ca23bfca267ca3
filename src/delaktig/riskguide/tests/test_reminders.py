"""The daily reminder of contentious processes and meetings without a signed-off analysis,
and the two inbox queues. Times are relative to now."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from tests.factories import OrganisationFactory, ProcessFactory, UserFactory, role

from delaktig.accounts.inbox import queue_counts
from delaktig.core import contributions
from delaktig.notifications.models import OutgoingEmail
from delaktig.riskguide import services
from delaktig.riskguide.models import ContentiousMark

from .helpers import complete_draft, meeting, official, signed_off

pytestmark = pytest.mark.django_db


@pytest.fixture
def region() -> Any:
    return OrganisationFactory()


@pytest.fixture
def author(region: Any) -> Any:
    return official(region, "Ada Författare")


def _reminders(to: str = "") -> list[OutgoingEmail]:
    emails = OutgoingEmail.objects.filter(template="riskguide_missing")
    return list(emails.filter(recipient=to) if to else emails)


def _mark(author: Any, **subject: Any) -> ContentiousMark:
    return services.contentious_mark_create(actor=author, reason="Nedläggning", **subject)


def test_the_job_is_declared_daily_with_a_staff_notification() -> None:
    job = next(j for j in contributions.jobs() if j.key == "riskguide_reminders")
    assert job.every == "day"
    kind = contributions.notification_kind("riskguide.missing_analysis")
    assert kind.staff and not kind.required


def test_an_open_contentious_process_reminds_the_officials_once(region: Any, author: Any) -> None:
    second = official(region)
    role(UserFactory(email="moderator@example.se"), "moderator", region)
    process = ProcessFactory(organisation=region, status="open", title="Stängning i Sveg")
    mark = _mark(author, process=process)
    now = timezone.now()
    assert services.contentious_reminders_send(now=now) == 1
    assert {e.recipient for e in _reminders()} == {author.email, second.email}
    email = _reminders(author.email)[0]
    assert "Stängning i Sveg" in email.subject and "Nedläggning" in email.body
    assert f"/personal/riskguiden/ny/?process={process.pk}" in email.body
    mark.refresh_from_db()
    assert mark.reminded_at == now
    # The next days: nothing again.
    assert services.contentious_reminders_send(now=now + timedelta(days=1)) == 0
    assert services.contentious_reminders_send(now=now + timedelta(days=2)) == 0
    assert len(_reminders()) == 2


def test_a_draft_process_waits_until_it_is_published(region: Any, author: Any) -> None:
    process = ProcessFactory(organisation=region, status="draft")
    _mark(author, process=process)
    assert services.contentious_reminders_send(now=timezone.now()) == 0
    process.status = "published"
    process.save()
    assert services.contentious_reminders_send(now=timezone.now()) == 1


def test_a_signed_off_analysis_means_no_reminder(region: Any, author: Any) -> None:
    process = ProcessFactory(organisation=region, status="open")
    signed_off(author, official(region), process=process)
    _mark(author, process=process)
    assert services.contentious_reminders_send(now=timezone.now()) == 0
    assert _reminders() == []


def test_a_draft_analysis_is_not_enough(region: Any, author: Any) -> None:
    process = ProcessFactory(organisation=region, status="open")
    complete_draft(author, process=process)
    _mark(author, process=process)
    assert services.contentious_reminders_send(now=timezone.now()) == 1


def test_an_upcoming_meeting_reminds_and_a_past_one_does_not(region: Any, author: Any) -> None:
    _mark(author, meeting=meeting(region, days=3, title="Dialogmöte i Sveg"))
    _mark(author, meeting=meeting(region, days=-3, title="Förra mötet"))
    assert services.contentious_reminders_send(now=timezone.now()) == 1
    assert "Dialogmöte i Sveg" in _reminders(author.email)[0].subject


def test_the_missing_queue_for_officials_of_the_organisation(region: Any, author: Any) -> None:
    process = ProcessFactory(organisation=region, status="open")
    _mark(author, process=process)
    moderator = role(UserFactory(), "moderator", region)
    other = role(UserFactory(), "official", OrganisationFactory())
    assert _count(author, "riskguide.missing") == 1
    assert _count(moderator, "riskguide.missing") == 0
    assert _count(other, "riskguide.missing") == 0
    signed_off(author, official(region), process=process)
    assert _count(author, "riskguide.missing") == 0


def test_the_signoff_queue_is_not_for_the_author(region: Any, author: Any) -> None:
    analysis = complete_draft(author, process=ProcessFactory(organisation=region))
    reviewer = official(region)
    assert _count(reviewer, "riskguide.signoff") == 0
    services.analysis_submit(actor=author, analysis=analysis)
    assert _count(reviewer, "riskguide.signoff") == 1
    assert _count(author, "riskguide.signoff") == 0
    assert _count(role(UserFactory(), "official", OrganisationFactory()), "riskguide.signoff") == 0


def _count(user: Any, key: str) -> int:
    return {entry.queue.key: entry.count for entry in queue_counts(user)}.get(key, 0)
