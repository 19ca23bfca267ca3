"""E-mail task records in the account export, the account deletion and the retention rule."""

from datetime import timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from delaktig.accounts.services import account_delete, personal_data_export
from delaktig.core import contributions
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

TASK = "delaktig.notifications.tasks.send_templated_email"


def email_task(
    recipient: str,
    *,
    status: str = "SUCCESSFUL",
    finished_days_ago: float | None = 1,
    context: dict[str, Any] | None = None,
) -> DBTaskResult[Any, Any]:
    now = timezone.now()
    record = DBTaskResult.objects.create(
        args_kwargs={
            "args": [],
            "kwargs": {
                "recipient": recipient,
                "template": "commitment_approved",
                "context": context or {"contact_name": "Kim Kontakt", "actor": "Föreningen"},
            },
        },
        task_path=TASK,
        backend_name="default",
        run_after=now,
        status=status,
    )
    if finished_days_ago is not None:
        DBTaskResult.objects.filter(pk=record.pk).update(
            finished_at=now - timedelta(days=finished_days_ago)
        )
    record.refresh_from_db()
    return record


def test_the_export_lists_the_e_mails_without_their_context() -> None:
    user = UserFactory()
    email_task(user.email)
    email_task("someone.else@example.se")

    data = personal_data_export(user=user)["email_tasks"]

    assert len(data) == 1
    assert data[0]["email"] == "commitment_approved"
    assert data[0]["status"] == "SUCCESSFUL"
    assert data[0]["finished"] is not None
    assert "Kim Kontakt" not in str(data)


def test_deletion_removes_finished_records_with_the_person_s_addresses_only() -> None:
    user = UserFactory(email="kim@example.se")
    EmailAddress.objects.create(user=user, email="kim@jobbet.example", verified=True)
    EmailAddress.objects.create(user=user, email="inte.min@example.se", verified=False)
    sent = email_task("Kim@Example.se")
    failed = email_task("kim@example.se", status="FAILED")
    to_other_address = email_task("kim@jobbet.example")
    in_context = email_task("official@region.example", context={"contact": "kim@example.se"})
    waiting = email_task("kim@example.se", status="READY", finished_days_ago=None)
    similar = email_task("tkim@example.se")
    not_verified = email_task("inte.min@example.se")
    other = email_task("someone.else@example.se")

    account_delete(user=user)

    remaining = set(DBTaskResult.objects.values_list("pk", flat=True))
    for gone in (sent, failed, to_other_address, in_context):
        assert gone.pk not in remaining
    for kept in (waiting, similar, not_verified, other):
        assert kept.pk in remaining
    account_delete(user=user)  # twice is harmless
    assert DBTaskResult.objects.count() == 4


def test_retention_removes_old_finished_records_whichever_organisation_applies_it() -> None:
    rule = contributions.retention("finished_tasks")
    assert rule.default_days == 30
    now = timezone.now()
    old = email_task("a@example.se", finished_days_ago=31)
    old_failure = email_task("b@example.se", status="FAILED", finished_days_ago=31)
    recent = email_task("c@example.se", finished_days_ago=29)
    waiting = email_task("d@example.se", status="READY", finished_days_ago=None)
    DBTaskResult.objects.filter(pk=waiting.pk).update(enqueued_at=now - timedelta(days=90))
    running = email_task("e@example.se", status="RUNNING", finished_days_ago=None)

    first, second = OrganisationFactory(), OrganisationFactory()
    assert rule.apply(first, 30, now) == 2
    assert rule.apply(second, 30, now) == 0  # already applied: once is enough

    remaining = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert {old.pk, old_failure.pk}.isdisjoint(remaining)
    assert {recent.pk, waiting.pk, running.pk} <= remaining
    assert rule.apply(first, 30, now + timedelta(days=2)) == 1
    assert recent.pk not in set(DBTaskResult.objects.values_list("pk", flat=True))
