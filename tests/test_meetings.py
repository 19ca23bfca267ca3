from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from delaktig.core.errors import (
    Conflict,
    InvalidTransition,
    NotAllowedInPhase,
    PermissionDenied,
    ValidationFailed,
)
from delaktig.meetings import services
from delaktig.meetings.models import Meeting, Registration
from tests.factories import (
    ModuleFactory,
    OrganisationFactory,
    PhaseFactory,
    ProcessFactory,
    UserFactory,
    role,
)

pytestmark = pytest.mark.django_db


def event(**kwargs: Any) -> Meeting:
    start = (timezone.now() + timedelta(days=7)).replace(microsecond=0)
    values: dict[str, Any] = {
        "organisation": kwargs.pop("organisation", None) or OrganisationFactory(),
        "kind": "webinar",
        "title": "Webbinarium om jämlik vård",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "mode": "digital",
        "remote_link": "https://mote.example.se/123",
        "capacity": 2,
        "registration_open": True,
    }
    values.update(kwargs)
    return Meeting.objects.create(**values)


def test_capacity_waiting_list_and_promotion(django_capture_on_commit_callbacks: Any) -> None:
    meeting = event()
    first, second, third, fourth = (UserFactory() for _ in range(4))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.registration_create(actor=first, meeting=meeting).status == "confirmed"
        assert services.registration_create(actor=second, meeting=meeting).status == "confirmed"
        assert (
            services.registration_create(
                actor=third, meeting=meeting, interpreter="teckenspråk"
            ).status
            == "waiting"
        )
        assert services.registration_create(actor=fourth, meeting=meeting).status == "waiting"
    with pytest.raises(ValidationFailed):
        services.registration_create(actor=first, meeting=meeting)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(actor=second, meeting=meeting)
    promoted = Registration.objects.get(user=third)
    assert promoted.status == "confirmed" and promoted.promoted_at is not None
    assert Registration.objects.get(user=fourth).status == "waiting"
    assert [m.to for m in mail.outbox] == [[third.email]]
    assert "plats" in mail.outbox[0].subject
    # A waiting person who cancels frees nothing.
    services.registration_cancel(actor=fourth, meeting=meeting)
    assert meeting.registrations.filter(status="confirmed").count() == 2
    # Registering again after cancelling is allowed.
    assert services.registration_create(actor=second, meeting=meeting).status == "waiting"


def test_closed_or_past_events_refuse_registration(time_machine: Any) -> None:
    meeting = event(registration_open=False)
    with pytest.raises(Conflict) as refused:
        services.registration_create(actor=UserFactory(), meeting=meeting)
    assert refused.value.code == "meetings.registration_closed"
    meeting.registration_open = True
    meeting.save()
    time_machine.move_to(meeting.starts_at)
    with pytest.raises(Conflict) as refused:
        services.registration_create(actor=UserFactory(), meeting=meeting)
    assert refused.value.code == "meetings.registration_closed"


def test_a_meeting_in_a_process_takes_registrations_only_in_a_running_events_phase(
    client: Client,
) -> None:
    module = ModuleFactory(process=ProcessFactory(), kind="meeting", title="Möten")
    meeting = event(organisation=module.process.organisation, module=module)
    person = UserFactory()
    with pytest.raises(NotAllowedInPhase):
        services.registration_create(actor=person, meeting=meeting)
    client.force_login(person)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Anmälan är stängd." in html
    response = client.post(meeting.get_absolute_url(), {})
    assert response.status_code == 409 and "ingen fas" in response.content.decode()
    PhaseFactory(module=module, process=module.process, phase_type="events", name="Möten")
    assert services.registration_create(actor=person, meeting=meeting).status == "confirmed"
    # Registration is a resident's: not for someone who is not logged in or whose account is off.
    with pytest.raises(PermissionDenied):
        services.registration_create(actor=UserFactory(is_active=False), meeting=meeting)
    # The phase is over: closed again.
    ended = timezone.now() - timedelta(minutes=1)
    module.phases.update(starts_at=ended - timedelta(days=1), ends_at=ended)
    with pytest.raises(NotAllowedInPhase):
        services.registration_create(actor=UserFactory(), meeting=meeting)


def test_a_meeting_outside_any_process_needs_no_phase() -> None:
    assert event(module=None).module is None
    assert services.registration_create(actor=UserFactory(), meeting=event()).status == "confirmed"


def test_reminders_go_once_the_day_before(
    time_machine: Any, django_capture_on_commit_callbacks: Any
) -> None:
    meeting = event(capacity=None)
    person = UserFactory()
    services.registration_create(actor=person, meeting=meeting)
    time_machine.move_to(meeting.starts_at - timedelta(hours=25))
    assert services.meeting_reminders_send() == 0
    time_machine.move_to(meeting.starts_at - timedelta(hours=23))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.meeting_reminders_send() == 1
    assert services.meeting_reminders_send() == 0
    assert mail.outbox[-1].to == [person.email]


def test_icalendar_feed_parses_back(client: Client) -> None:
    meeting = event(title="Pensionärsrådet", location="Regionens hus, Östersund", mode="hybrid")
    Meeting.objects.create(
        organisation=meeting.organisation,
        kind="council",
        title="Dolt",
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        published=False,
    )
    response = client.get(reverse("meetings:calendar_ics"))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Pensionärsrådet"]
    assert events[0].decoded("dtstart") == meeting.starts_at
    assert str(events[0]["location"]) == "Regionens hus, Östersund"
    assert meeting.remote_link in str(events[0]["description"])
    single = Calendar.from_ical(client.get(reverse("meetings:ics", args=[meeting.pk])).content)
    assert len(single.walk("VEVENT")) == 1


def test_the_calendar_feed_holds_the_nearest_meetings_up_to_its_limit(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from delaktig.meetings import views

    monkeypatch.setattr(views, "CALENDAR_LIMIT", 2)
    organisation = OrganisationFactory()
    now, hour = timezone.now().replace(microsecond=0), timedelta(hours=1)
    for title, days in [("Om ett år", 365), ("Förra månaden", -30), ("I morgon", 1)]:
        start = now + timedelta(days=days)
        event(organisation=organisation, title=title, starts_at=start, ends_at=start + hour)
    old = now - timedelta(days=200)
    event(organisation=organisation, title="Länge sedan", starts_at=old, ends_at=old + hour)
    calendar = Calendar.from_ical(client.get(reverse("meetings:calendar_ics")).content)
    titles = [str(e["summary"]) for e in calendar.walk("VEVENT")]
    assert titles == ["Förra månaden", "I morgon"]


def test_register_and_cancel_without_javascript(client: Client) -> None:
    meeting = event(capacity=1)
    url = meeting.get_absolute_url()
    assert "/konto/login/" in client.post(url, {})["Location"]
    first = UserFactory()
    client.force_login(first)
    response = client.post(url, {"interpreter": "skrivtolk", "diet": "vegetarisk"})
    assert response.status_code == 302
    assert Registration.objects.get(user=first).interpreter == "skrivtolk"
    html = client.get(url).content.decode()
    assert "Du är anmäld." in html and "0 platser kvar." in html
    client.force_login(UserFactory())
    client.post(url, {})
    client.force_login(first)
    client.post(reverse("meetings:cancel", args=[meeting.pk]))
    assert Registration.objects.filter(status="confirmed").exclude(user=first).count() == 1


def test_staff_create_meeting_keeps_input_on_error(client: Client) -> None:
    organisation = OrganisationFactory()
    client.force_login(role(UserFactory(), "official", organisation))
    data = {
        "organisation": organisation.pk,
        "kind": "event",
        "title": "Öppet möte i Sveg",
        "starts_at": "2027-01-10T18:00",
        "ends_at": "2027-01-10T17:00",
        "mode": "hybrid",
        "location": "Folkets hus",
        "published": "on",
    }
    response = client.post(reverse("meetings:create"), data)
    html = response.content.decode()
    assert response.status_code == 400 and "Öppet möte i Sveg" in html
    assert "Ange länken" in html and "sluta efter" in html
    data.update({"ends_at": "2027-01-10T20:00", "remote_link": "https://mote.example.se/1"})
    assert client.post(reverse("meetings:create"), data).status_code == 302
    meeting = Meeting.objects.get(title="Öppet möte i Sveg")
    assert client.get(reverse("meetings:calendar")).status_code == 200
    assert client.get(meeting.get_absolute_url()).status_code == 200
    client.force_login(UserFactory())
    assert client.get(reverse("meetings:edit", args=[meeting.pk])).status_code == 403


def test_tick_runs_every_time_driven_job() -> None:
    from io import StringIO

    from django.core.management import call_command

    event(capacity=None)
    out = StringIO()
    call_command("tick", stdout=out)
    ran = dict(part.split("=") for part in out.getvalue().split())
    assert ran["meeting_reminders"] == "0"
    assert ran["proposals_expire"] == "0" and ran["proposal_case_reminders"] == "0"


def assembly_meeting(days_ahead: int = 20, **kwargs: Any) -> Meeting:
    start = (timezone.now() + timedelta(days=days_ahead)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    return Meeting.objects.create(
        organisation=kwargs.pop("organisation", None) or OrganisationFactory(),
        kind="assembly",
        title="Regionfullmäktige",
        starts_at=start,
        ends_at=start + timedelta(hours=6),
        question_time=True,
        **kwargs,
    )


def test_question_time_rules_deadline_and_limit(time_machine: Any) -> None:
    from delaktig.meetings.models import QuestionTimeRules

    meeting = assembly_meeting()
    QuestionTimeRules.objects.create(
        organisation=meeting.organisation, deadline_days=10, max_per_person=2
    )
    asker = UserFactory()
    meeting_day = timezone.localtime(meeting.starts_at).date()
    last_day = meeting_day - timedelta(days=10)
    time_machine.move_to(
        timezone.make_aware(timezone.datetime.combine(last_day, timezone.datetime.max.time()))
        - timedelta(minutes=1)
    )
    services.question_submit(actor=asker, meeting=meeting, text="Fråga ett", asker_name="Kim")
    services.question_submit(actor=asker, meeting=meeting, text="Fråga två", asker_name="Kim")
    with pytest.raises(ValidationFailed):
        services.question_submit(actor=asker, meeting=meeting, text="Tre", asker_name="Kim")
    services.question_submit(actor=UserFactory(), meeting=meeting, text="Annan", asker_name="Al")
    time_machine.move_to(
        timezone.make_aware(
            timezone.datetime.combine(last_day + timedelta(days=1), timezone.datetime.min.time())
        )
    )
    with pytest.raises(Conflict) as refused:
        services.question_submit(actor=UserFactory(), meeting=meeting, text="Sen", asker_name="Bo")
    assert refused.value.code == "meetings.question_deadline_passed"


def test_question_is_accepted_answered_and_the_asker_told_each_time(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    meeting = assembly_meeting()
    official = role(UserFactory(), "official", meeting.organisation)
    asker = UserFactory(email="fragande@example.se")
    client.force_login(asker)
    url = reverse("meetings:question", args=[meeting.pk])
    response = client.post(url, {"text": "", "asker_name": "Kim"})
    assert response.status_code == 400 and 'value="Kim"' in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"text": "Varför stänger akuten i Sveg?", "asker_name": "Kim"})
    question = meeting.questions.get()
    assert (
        "Varför stänger" not in client.get(meeting.get_absolute_url()).content.decode()
        or question.status == "submitted"
    )
    client.force_login(official)
    manage = reverse("meetings:questions", args=[meeting.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(manage, {"question": question.pk, "action": "accept"})
        client.post(
            manage,
            {
                "question": question.pk,
                "action": "answer",
                f"a{question.pk}-answered_by": "Regionråd Eva Ek",
                f"a{question.pk}-answer": "Akuten stänger inte.",
            },
        )
    question.refresh_from_db()
    assert question.status == "answered" and question.answered_at is not None
    html = Client().get(meeting.get_absolute_url()).content.decode()
    assert "Varför stänger akuten i Sveg?" in html and "Akuten stänger inte." in html
    assert "fragande@example.se" not in html
    subjects = [m.subject for m in mail.outbox if m.to == ["fragande@example.se"]]
    assert len(subjects) == 3 and "besvarats" in subjects[-1]


def test_declining_needs_a_reason(django_capture_on_commit_callbacks: Any) -> None:
    meeting = assembly_meeting()
    official = role(UserFactory(), "official", meeting.organisation)
    question = services.question_submit(
        actor=UserFactory(), meeting=meeting, text="Om min bygglovsansökan", asker_name="Al"
    )
    with pytest.raises(ValidationFailed):
        services.question_decline(actor=official, question=question, reason=" ")
    with pytest.raises(PermissionDenied):
        services.question_decline(actor=UserFactory(), question=question, reason="Nej")
    declined = services.question_decline(
        actor=official, question=question, reason="Frågan gäller ett enskilt ärende."
    )
    assert declined.status == "declined"
    with pytest.raises(InvalidTransition):
        services.question_answer(actor=official, question=declined, answered_by="X", answer="Y")


def test_the_question_and_registration_workflows() -> None:
    from delaktig.meetings.models import Question
    from delaktig.meetings.workflow import (
        QUESTION_MACHINE,
        REGISTRATION_MACHINE,
        QuestionAction,
        RegistrationAction,
    )

    Status = Question.Status
    assert QUESTION_MACHINE.allowed_actions(Status.SUBMITTED) == [
        QuestionAction.ACCEPT,
        QuestionAction.DECLINE,
    ]
    assert QUESTION_MACHINE.allowed_actions(Status.ACCEPTED) == [QuestionAction.ANSWER]
    assert QUESTION_MACHINE.allowed_actions(Status.ANSWERED) == []
    # A decline reversed on review (the moderation service) puts the question back.
    assert QUESTION_MACHINE.allowed_actions(Status.DECLINED) == [QuestionAction.REOPEN]
    assert QUESTION_MACHINE.require(Status.DECLINED, QuestionAction.REOPEN) == Status.SUBMITTED
    assert REGISTRATION_MACHINE.require("waiting", "promote") == "confirmed"
    assert REGISTRATION_MACHINE.allowed_actions("cancelled") == []
    with pytest.raises(InvalidTransition):
        REGISTRATION_MACHINE.require("confirmed", RegistrationAction.PROMOTE)


def test_meeting_permissions_by_role() -> None:
    from django.contrib.auth.models import AnonymousUser

    meeting = assembly_meeting()
    official = role(UserFactory(), "official", meeting.organisation)
    moderator = role(UserFactory(), "moderator", meeting.organisation)
    other_official = role(UserFactory(), "official", OrganisationFactory())
    resident = UserFactory()
    for perm in ("meetings.change_meeting", "meetings.handle_question"):
        assert official.has_perm(perm, meeting)
        assert not moderator.has_perm(perm, meeting)
        assert not other_official.has_perm(perm, meeting)
        assert not resident.has_perm(perm, meeting)
    assert official.has_perm("meetings.add_meeting", meeting.organisation)
    assert not other_official.has_perm("meetings.add_meeting", meeting.organisation)
    for perm in ("meetings.register_meeting", "meetings.ask_question"):
        assert resident.has_perm(perm, meeting)
        assert not AnonymousUser().has_perm(perm, meeting)
        assert not UserFactory(is_active=False).has_perm(perm, meeting)
