"""Notification settings: a person turns a kind of e-mail off and gets no more of it, never
less than what is required; every e-mail the platform queues names a declared kind."""

import ast
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from delaktig.accounts import services as account_services
from delaktig.core import contributions
from delaktig.core.contributions import Contribution, NotificationKind
from delaktig.meetings import services as meeting_services
from delaktig.meetings.models import Meeting
from delaktig.notifications.models import NotificationSetting, OutgoingEmail
from delaktig.notifications.outbox import email_queue
from delaktig.notifications.selectors import notification_enabled, notification_settings
from delaktig.notifications.services import notification_settings_save
from delaktig.participation import services as participation_services
from delaktig.participation.models import Follow
from tests.factories import OrganisationFactory, ProcessFactory, UserFactory, role

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parent.parent / "src" / "delaktig"
CONTEXT: dict[str, object] = {"title": "Dialogen", "path": "/processer/dialogen/"}


def _queue(recipient: str, kind: str) -> OutgoingEmail | None:
    return email_queue(
        recipient=recipient, template="feedback_published", context=CONTEXT, kind=kind
    )


def _turn_off(user: Any, *kinds: str) -> None:
    notification_settings_save(actor=user, choices={(kind, "email"): False for kind in kinds})


def test_turning_a_kind_off_stops_that_email_and_not_others() -> None:
    person = UserFactory(email="kim@example.se")
    _turn_off(person, "participation.feedback")
    assert _queue("kim@example.se", "participation.feedback") is None
    assert _queue("KIM@example.se", "participation.feedback") is None  # any case
    assert _queue("kim@example.se", "meetings.reminder") is not None
    assert _queue("someone.else@example.se", "participation.feedback") is not None
    assert list(OutgoingEmail.objects.values_list("recipient", flat=True).order_by("pk")) == [
        "kim@example.se",
        "someone.else@example.se",
    ]
    # Turned on again, it comes again.
    notification_settings_save(actor=person, choices={("participation.feedback", "email"): True})
    assert _queue("kim@example.se", "participation.feedback") is not None


def test_a_verified_second_address_of_the_account_follows_its_settings() -> None:
    person = UserFactory(email="kim@example.se")
    EmailAddress.objects.create(user=person, email="kim@jobbet.se", verified=True)
    _turn_off(person, "participation.feedback")
    assert _queue("kim@jobbet.se", "participation.feedback") is None


def test_required_kinds_cannot_be_turned_off() -> None:
    person = UserFactory(email="kim@example.se")
    _turn_off(person, "meetings.registration", "accounts.security")
    assert not NotificationSetting.objects.filter(user=person).exists()
    assert notification_enabled(person, "meetings.registration")
    assert _queue("kim@example.se", "meetings.registration") is not None
    assert _queue("kim@example.se", "accounts.security") is not None


def test_unknown_kinds_are_a_programming_error() -> None:
    with pytest.raises(KeyError):
        _queue("kim@example.se", "participation.no_such_kind")


def test_optional_emails_say_where_to_change_settings_and_required_ones_do_not() -> None:
    optional = _queue("kim@example.se", "participation.feedback")
    required = _queue("kim@example.se", "proposals.own_proposal")
    assert optional is not None and required is not None
    settings_url = reverse("accounts:notifications")
    assert "Ändra vilka e-postmeddelanden du får:" in optional.body
    assert optional.body.rstrip().endswith(settings_url)
    assert settings_url not in required.body


def test_a_kinds_default_applies_until_the_person_chooses() -> None:
    person = UserFactory(email="kim@example.se")
    opt_in = NotificationKind(
        key="participation.test_opt_in", name="Test", description="Test", default=False
    )
    registered = contributions._contributions["participation"]
    try:
        contributions._contributions["participation"] = Contribution(
            app_label="participation",
            notifications=(*registered.notifications, opt_in),
        )
        assert not notification_enabled(person, opt_in.key)
        assert _queue("kim@example.se", opt_in.key) is None
        notification_settings_save(actor=person, choices={(opt_in.key, "email"): True})
        assert _queue("kim@example.se", opt_in.key) is not None
    finally:
        contributions._contributions["participation"] = registered


def test_publishing_feedback_skips_the_follower_who_turned_it_off(
    django_capture_on_commit_callbacks: Any,
) -> None:
    official = role(UserFactory(), "official", OrganisationFactory())
    process = ProcessFactory(organisation=official.roles.get().organisation, status="closed")
    keen, quiet = UserFactory(email="keen@example.se"), UserFactory(email="quiet@example.se")
    for follower in (keen, quiet):
        Follow.objects.create(user=follower, process=process)
    _turn_off(quiet, "participation.feedback")
    participation_services.feedback_save(
        actor=official, process=process, heard="Vi hörde", decided="Beslut", reasons="Skäl"
    )
    with django_capture_on_commit_callbacks(execute=True):
        participation_services.process_publish_feedback(actor=official, process=process)
    assert [m.to for m in mail.outbox] == [["keen@example.se"]]


def test_a_meeting_reminder_can_be_turned_off_but_not_the_registration(
    django_capture_on_commit_callbacks: Any,
) -> None:
    start = timezone.now() + timedelta(hours=20)
    meeting = Meeting.objects.create(
        organisation=OrganisationFactory(),
        kind="webinar",
        title="Webbinariet",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        mode="digital",
        remote_link="https://mote.example.se/1",
        registration_open=True,
    )
    person = UserFactory(email="kim@example.se")
    _turn_off(person, "meetings.reminder", "meetings.registration")
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.registration_create(actor=person, meeting=meeting)
        assert meeting_services.meeting_reminders_send() == 1
    templates = list(OutgoingEmail.objects.values_list("template", flat=True))
    assert templates == ["registration_confirmed"]


def test_a_proposals_author_always_hears_and_a_supporter_as_they_chose() -> None:
    from delaktig.proposals.models import Proposal, ProposalEvent, Support
    from delaktig.proposals.tasks import notify_proposal_event

    author = UserFactory(email="author@example.se")
    keen, quiet = UserFactory(email="keen@example.se"), UserFactory(email="quiet@example.se")
    proposal = Proposal.objects.create(
        organisation=OrganisationFactory(),
        author=author,
        author_name="Anna",
        title="Fler bänkar",
        body="Gör så här.",
        status="registered",
        case_number="RS/1/2026",
        registered_on=timezone.localdate(),
        submitted_at=timezone.now() - timedelta(days=3),
    )
    for number, supporter in enumerate((keen, quiet)):
        Support.objects.create(proposal=proposal, user=supporter, identity_hash=str(number))
    _turn_off(author, "proposals.supported", "proposals.own_proposal")
    _turn_off(quiet, "proposals.supported")
    event = ProposalEvent.objects.create(
        proposal=proposal, action="register", from_status="lodged", to_status="registered"
    )
    notify_proposal_event.call(event.pk)
    sent = {e.recipient: e for e in OutgoingEmail.objects.all()}
    assert set(sent) == {"author@example.se", "keen@example.se"}
    assert reverse("accounts:notifications") not in sent["author@example.se"].body
    assert reverse("accounts:notifications") in sent["keen@example.se"].body


def test_settings_page_saves_in_one_post_and_shows_required_kinds_as_always_on() -> None:
    person = UserFactory()
    client = Client()
    client.force_login(person)
    page = client.get(reverse("accounts:notifications")).content.decode()
    assert 'name="participation.feedback__email"' in page and "checked" in page
    assert "Meddelanden som alltid skickas" in page
    assert 'checked disabled aria-describedby="required-why"' in page
    assert 'name="accounts.security__email"' not in page
    # Staff-only kinds are not offered to a resident.
    assert "proposals.deadline_reminder" not in page

    # One POST: only the checked boxes are sent; a crafted value for a required kind is
    # ignored.
    response = client.post(
        reverse("accounts:notifications"),
        {"meetings.reminder__email": "on", "accounts.security__email": ""},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("accounts:notifications")
    assert "Dina val för e-post är sparade." in response.content.decode()
    assert notification_enabled(person, "meetings.reminder")
    assert not notification_enabled(person, "participation.feedback")
    assert not notification_enabled(person, "proposals.supported")
    assert notification_enabled(person, "accounts.security")
    assert not NotificationSetting.objects.filter(user=person, kind="accounts.security").exists()


def test_staff_see_the_kinds_only_staff_are_sent() -> None:
    official = role(UserFactory(), "official", OrganisationFactory())
    keys = {s.kind.key for s in notification_settings(official, staff=True)}
    assert "proposals.deadline_reminder" in keys
    client = Client()
    client.force_login(official)
    assert (
        "Tidsfrister för ärenden" in client.get(reverse("accounts:notifications")).content.decode()
    )


def test_mina_sidor_links_to_the_settings() -> None:
    client = Client()
    client.force_login(UserFactory())
    page = client.get(reverse("accounts:profile")).content.decode()
    assert f'href="{reverse("accounts:notifications")}"' in page


def test_settings_are_exported_and_erased_with_the_account() -> None:
    person = UserFactory()
    _turn_off(person, "participation.feedback")
    exported = account_services.personal_data_export(user=person)
    assert exported["notification_settings"] == [
        {"kind": "participation.feedback", "channel": "email", "enabled": False}
    ]
    account_services.account_delete(user=person)
    assert not NotificationSetting.objects.filter(user_id=person.pk).exists()


# --- Every e-mail names a declared kind ---

QUEUE_FUNCTIONS = {"email_queue", "email_queue_message"}
# Kept for task records queued before the outbox existed; they carry no kind.
LEGACY = {"notifications/tasks.py"}


def _queue_calls() -> list[tuple[str, ast.Call]]:
    calls = []
    for path in SRC.rglob("*.py"):
        relative = path.relative_to(SRC).as_posix()
        if relative == "notifications/outbox.py" or relative in LEGACY:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in QUEUE_FUNCTIONS:
                calls.append((f"{relative}:{node.lineno}", node))
    return calls


def test_every_email_queue_call_site_passes_a_declared_kind() -> None:
    calls = _queue_calls()
    assert len(calls) >= 8  # meetings, councils, followup, proposals, participation, accounts
    declared = {kind.key for kind in contributions.notification_kinds()}
    for where, call in calls:
        kind = next((k.value for k in call.keywords if k.arg == "kind"), None)
        assert kind is not None, f"{where} queues an e-mail without kind="
        if isinstance(kind, ast.Constant):
            assert kind.value in declared, f"{where}: {kind.value!r} is not declared"


def test_every_kind_in_a_kind_table_is_declared() -> None:
    """Call sites that look their kind up (``EMAIL_KINDS``) name only declared kinds."""
    from delaktig.followup.actors.services import EMAIL_KINDS

    declared = {kind.key for kind in contributions.notification_kinds()}
    assert set(EMAIL_KINDS.values()) <= declared


def test_kinds_are_prefixed_by_their_app_and_unique() -> None:
    keys = [kind.key for kind in contributions.notification_kinds()]
    assert len(keys) == len(set(keys))
    for contribution in contributions.contributions():
        for kind in contribution.notifications:
            assert kind.key.startswith(contribution.app_label + ".")


def test_plain_text_emails_carry_the_text_as_typed_not_html_entities() -> None:
    """feedback_published does not turn autoescaping off; the e-mail must still read "&" and
    "'" as they were typed, not "&amp;" and "&#x27;"."""
    title = "Bäck & Å's dialog <om parken>"
    email = email_queue(
        recipient="kim@example.se",
        template="feedback_published",
        context={**CONTEXT, "title": title},
        kind="participation.feedback",
    )
    assert email is not None
    assert title in email.body and title in email.subject
    assert "&amp;" not in email.body and "&#x27;" not in email.subject
