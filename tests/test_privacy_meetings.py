"""Personal data in the meetings app: export, erasure and retention (gallring)."""

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from delaktig.accounts.services import account_delete, personal_data_export
from delaktig.core import contributions
from delaktig.meetings import services
from delaktig.meetings.models import Meeting, Question, Registration
from tests.factories import OrganisationFactory, UserFactory, role

pytestmark = pytest.mark.django_db


def meeting(*, starts_in: timedelta, **kwargs: Any) -> Meeting:
    start = (timezone.now() + starts_in).replace(microsecond=0)
    values: dict[str, Any] = {
        "organisation": kwargs.pop("organisation", None) or OrganisationFactory(),
        "kind": "event",
        "title": "Dialogmöte om vården",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "capacity": 1,
        "registration_open": True,
    }
    values.update(kwargs)
    return Meeting.objects.create(**values)


NEEDS = {
    "interpreter": "teckenspråk",
    "hearing_loop": True,
    "diet": "glutenfri, celiaki",
    "other_needs": "rullstol",
}


def test_export_holds_registrations_and_stated_needs_but_not_others() -> None:
    person, other = UserFactory(), UserFactory()
    event = meeting(starts_in=timedelta(days=7), capacity=5)
    plain = meeting(starts_in=timedelta(days=8), title="Webbinarium")
    services.registration_create(actor=person, meeting=event, **NEEDS)
    services.registration_create(actor=person, meeting=plain)
    services.registration_create(actor=other, meeting=event, diet="vegansk")

    data = personal_data_export(user=person)

    registrations = data["meeting_registrations"]
    assert [r["meeting"] for r in registrations] == ["Dialogmöte om vården", "Webbinarium"]
    assert registrations[0]["status"] == "confirmed"
    assert registrations[0]["starts_at"] == event.starts_at.isoformat()
    assert [n["meeting"] for n in data["meeting_needs"]] == ["Dialogmöte om vården"]
    assert data["meeting_needs"][0] | NEEDS == data["meeting_needs"][0]
    assert "vegansk" not in str(data)


def test_deletion_cancels_ahead_promotes_the_waiting_list_and_removes_every_registration(
    django_capture_on_commit_callbacks: Any,
) -> None:
    person, waiting = UserFactory(), UserFactory()
    ahead = meeting(starts_in=timedelta(days=7))
    services.registration_create(actor=person, meeting=ahead, **NEEDS)
    services.registration_create(actor=waiting, meeting=ahead)
    past = meeting(starts_in=-timedelta(days=3), organisation=ahead.organisation)
    Registration.objects.create(meeting=past, user=person, status="confirmed", **NEEDS)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=person)

    assert not Registration.objects.filter(user=person).exists()
    promoted = Registration.objects.get(user=waiting)
    assert promoted.status == "confirmed" and promoted.promoted_at is not None
    assert [m.to for m in mail.outbox] == [[waiting.email]]
    # Idempotent: deleting again changes nothing and fails on nothing.
    person.refresh_from_db()
    account_delete(user=person)
    assert Registration.objects.get(user=waiting).status == "confirmed"
    assert personal_data_export(user=person)["meeting_registrations"] == []


def test_stated_needs_are_cleared_after_the_meeting_in_that_organisation_only() -> None:
    rule = contributions.retention("meeting_needs")
    assert rule.default_days == 30
    now = timezone.now()
    region, other_region = OrganisationFactory(), OrganisationFactory()

    def registration(organisation: Any, ended_ago: timedelta, **needs: Any) -> Registration:
        end = now - ended_ago
        held = Meeting.objects.create(
            organisation=organisation,
            kind="event",
            title="Möte",
            starts_at=end - timedelta(hours=2),
            ends_at=end,
        )
        return Registration.objects.create(
            meeting=held, user=UserFactory(), status="confirmed", **needs
        )

    due = registration(region, timedelta(days=30), **NEEDS)
    loop_only = registration(region, timedelta(days=31), hearing_loop=True)
    not_yet = registration(region, timedelta(days=30) - timedelta(minutes=1), **NEEDS)
    elsewhere = registration(other_region, timedelta(days=90), **NEEDS)
    nothing_stated = registration(region, timedelta(days=90))

    assert rule.apply(region, 30, now) == 2
    for cleared in (due, loop_only):
        cleared.refresh_from_db()
        assert (cleared.interpreter, cleared.hearing_loop, cleared.diet, cleared.other_needs) == (
            "",
            False,
            "",
            "",
        )
        assert cleared.status == "confirmed"  # the registration itself stays
    for kept in (not_yet, elsewhere):
        kept.refresh_from_db()
        assert kept.diet == NEEDS["diet"] and kept.hearing_loop
    assert Registration.objects.filter(pk=nothing_stated.pk).exists()
    assert rule.apply(region, 30, now) == 0  # idempotent
    # The organisation's own, shorter time.
    assert rule.apply(region, 0, now) == 1
    not_yet.refresh_from_db()
    assert not_yet.diet == ""


def test_old_registrations_are_deleted_in_that_organisation_only() -> None:
    rule = contributions.retention("meeting_registrations")
    now = timezone.now()
    region, other_region = OrganisationFactory(), OrganisationFactory()

    def registration(organisation: Any, ended_ago: timedelta) -> Registration:
        end = now - ended_ago
        held = Meeting.objects.create(
            organisation=organisation,
            kind="event",
            title="Möte",
            starts_at=end - timedelta(hours=2),
            ends_at=end,
        )
        return Registration.objects.create(meeting=held, user=UserFactory(), status="confirmed")

    days = rule.default_days
    due = registration(region, timedelta(days=days))
    kept = registration(region, timedelta(days=days) - timedelta(minutes=1))
    elsewhere = registration(other_region, timedelta(days=days + 100))

    assert rule.apply(region, days, now) == 1
    assert not Registration.objects.filter(pk=due.pk).exists()
    assert Registration.objects.filter(pk__in=[kept.pk, elsewhere.pk]).count() == 2
    assert rule.apply(region, days, now) == 0


def test_question_is_kept_but_the_name_no_longer_shows(client: Client) -> None:
    asker, other = UserFactory(), UserFactory()
    held = meeting(starts_in=timedelta(days=30), question_time=True, capacity=None)
    question = services.question_submit(
        actor=asker, meeting=held, asker_name="Karin Kvist", text="Varför stängs akuten?"
    )
    Question.objects.filter(pk=question.pk).update(status="accepted")
    Question.objects.create(
        meeting=held, asker=other, asker_name="Olle Öst", text="Och bussen?", status="accepted"
    )
    exported = personal_data_export(user=asker)["meeting_questions"]
    assert exported == [
        {
            "meeting": held.title,
            "meeting_starts_at": held.starts_at.isoformat(),
            "submitted": question.created.isoformat(),
            "name_shown": "Karin Kvist",
            "question": "Varför stängs akuten?",
            "status": "accepted",
            "decline_reason": None,
            "answer": None,
            "answered_at": None,
        }
    ]
    assert "Karin Kvist" in client.get(held.get_absolute_url()).content.decode()

    account_delete(user=asker)

    question.refresh_from_db()
    assert question.asker_name == "" and question.text == "Varför stängs akuten?"
    assert question.asker_id == asker.pk  # the record stays, pointing at the anonymised account
    html = client.get(held.get_absolute_url()).content.decode()
    assert "Karin Kvist" not in html and asker.display_name not in html
    assert "Varför stängs akuten?" in html and "Borttagen användare" in html
    assert "Olle Öst" in html  # other people's questions are untouched
    official = role(UserFactory(), "official", held.organisation)
    client.force_login(official)
    staff_html = client.get(reverse("meetings:questions", args=[held.pk])).content.decode()
    assert "Karin Kvist" not in staff_html and "Borttagen användare" in staff_html
    account_delete(user=asker)  # idempotent
    assert Question.objects.filter(pk=question.pk).exists()


def test_a_deleted_account_hides_a_name_that_is_still_typed() -> None:
    asker = UserFactory()
    held = meeting(starts_in=timedelta(days=30), question_time=True)
    question = Question.objects.create(meeting=held, asker=asker, asker_name="Kim", text="?")
    assert question.public_asker_name == "Kim"
    asker.deleted_at = timezone.now()
    asker.save()
    question.refresh_from_db()
    assert question.public_asker_name == "Borttagen användare"
