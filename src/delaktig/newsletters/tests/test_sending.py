"""Sending: the segment's maths, each recipient's language, batches, once per address, the
unsubscribe headers on every e-mail, progress, and the staff pages."""

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.factories import ProcessFactory, UserFactory

from delaktig.core.audit import AuditEntry
from delaktig.core.errors import ValidationFailed
from delaktig.councils.models import Council, Membership
from delaktig.newsletters import sending, services
from delaktig.newsletters.models import Delivery, Newsletter
from delaktig.newsletters.selectors import progress, recipients, segment
from delaktig.newsletters.tests.helpers import (
    berg,
    newsletter,
    official_of,
    organisation,
    subscriber,
)
from delaktig.notifications.models import NotificationSetting, OutgoingEmail
from delaktig.organisations.models import Municipality
from delaktig.participation.models import Follow, Perspective, SdgGoal
from delaktig.translations.services import Change, translations_save

pytestmark = pytest.mark.django_db


def _emails(letter: Newsletter) -> list[str]:
    return [r.email for r in recipients(letter)]


def _send(letter: Newsletter, capture: Any) -> int:
    with capture(execute=True):
        return services.newsletter_send(actor=official_of(letter.organisation), newsletter=letter)


def _miljo() -> Perspective:
    return Perspective.objects.get(code="miljo")


def test_municipality_and_topic_criteria_with_and_or() -> None:
    region = organisation()
    ostersund = Municipality.objects.get(code="2380")
    goal = SdgGoal.objects.get(number=13)
    subscriber(region, "berg-miljo@example.se", municipality=berg(), perspectives=[_miljo()])
    subscriber(region, "berg@example.se", municipality=berg())
    subscriber(region, "ost-miljo@example.se", municipality=ostersund, perspectives=[_miljo()])
    subscriber(region, "ost-mal@example.se", municipality=ostersund, sdg_goals=[goal])
    subscriber(region, "allt@example.se")
    subscriber(
        region, "barn@example.se", perspectives=[Perspective.objects.get(code="barn_och_unga")]
    )
    subscriber(region, "obekraftad@example.se", municipality=berg(), confirmed=False)

    everyone = newsletter(region)
    assert len(_emails(everyone)) == 6

    by_berg = newsletter(region, municipalities=[berg()])
    # Berg, or no municipality chosen (they want everything).
    assert _emails(by_berg) == [
        "allt@example.se",
        "barn@example.se",
        "berg-miljo@example.se",
        "berg@example.se",
    ]
    by_topic = newsletter(region, perspectives=[_miljo()], sdg_goals=[goal])
    assert _emails(by_topic) == [
        "allt@example.se",
        "berg-miljo@example.se",
        "berg@example.se",
        "ost-mal@example.se",
        "ost-miljo@example.se",
    ]
    both = newsletter(region, municipalities=[berg()], perspectives=[_miljo()], combine="all")
    assert _emails(both) == ["allt@example.se", "berg-miljo@example.se", "berg@example.se"]
    either = newsletter(region, municipalities=[berg()], perspectives=[_miljo()], combine="any")
    assert _emails(either) == [
        "allt@example.se",
        "barn@example.se",
        "berg-miljo@example.se",
        "berg@example.se",
        "ost-miljo@example.se",
    ]
    text = segment(both).parts[0].text
    assert "Berg" in text and " OCH " in text


def test_followers_and_council_members_are_added_once_each() -> None:
    region = organisation()
    process = ProcessFactory(organisation=region, status="open")
    other_process = ProcessFactory(organisation=region, status="open")
    both = UserFactory(email="Both@Example.se")
    follower = UserFactory(email="follower@example.se")
    quiet = UserFactory(email="quiet@example.se")
    inactive = UserFactory(email="inactive@example.se", is_active=False)
    elsewhere = UserFactory(email="elsewhere@example.se")
    for person in (both, follower, quiet, inactive):
        Follow.objects.create(user=person, process=process)
    Follow.objects.create(user=elsewhere, process=other_process)
    NotificationSetting.objects.create(user=quiet, kind="newsletters.account", enabled=False)
    council = Council.objects.create(
        organisation=region, kind="pensionarsrad", name="Pensionärsrådet", slug="pr", mandate="."
    )
    today = timezone.localdate()
    term = {"term_start": today - timedelta(days=10), "term_end": today + timedelta(days=10)}
    member = UserFactory(email="member@example.se")
    Membership.objects.create(council=council, user=member, name="Led", **term)
    Membership.objects.create(council=council, user=both, name="Båda", **term)
    former = UserFactory(email="former@example.se")
    Membership.objects.create(
        council=council,
        user=former,
        name="Förr",
        term_start=today - timedelta(days=100),
        term_end=today - timedelta(days=1),
    )
    subscriber(region, "both@example.se", language="en")

    letter = newsletter(region, processes=[process], councils=[council])
    found = {r.email: r for r in recipients(letter)}
    assert sorted(found) == [
        "both@example.se",
        "follower@example.se",
        "member@example.se",
    ]
    assert found["both@example.se"].via_subscription and found["both@example.se"].via_account
    assert found["both@example.se"].language == "en"
    assert found["member@example.se"].language == "sv"
    assert segment(letter).total == 3

    only_accounts = newsletter(region, to_subscribers=False, processes=[process])
    assert _emails(only_accounts) == ["both@example.se", "follower@example.se"]


def test_a_segment_must_name_someone_and_stay_in_the_organisation() -> None:
    region = organisation()
    with pytest.raises(ValidationFailed) as empty:
        newsletter(region, to_subscribers=False)
    assert empty.value.code == "newsletters.no_segment"
    with pytest.raises(ValidationFailed) as foreign:
        newsletter(region, processes=[ProcessFactory(status="open")])
    assert foreign.value.code == "newsletters.other_organisation"
    with pytest.raises(ValidationFailed) as nobody:
        services.newsletter_send(actor=official_of(region), newsletter=newsletter(region))
    assert nobody.value.code == "newsletters.no_recipients"


def test_every_newsletter_email_carries_one_click_unsubscribe(
    django_capture_on_commit_callbacks: Any,
) -> None:
    region = organisation()
    for n in range(3):
        subscriber(region, f"p{n}@example.se")
    letter = newsletter(region, subject="Sommarnytt")
    mail.outbox.clear()
    assert _send(letter, django_capture_on_commit_callbacks) == 3
    assert len(mail.outbox) == 3
    links = set()
    for message in mail.outbox:
        assert message.subject == "Sommarnytt"
        header = message.extra_headers["List-Unsubscribe"]
        assert header.startswith("<http") and header.endswith(">")
        assert "/nyhetsbrev/avsluta/d" in header
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert header[1:-1] in message.body
        assert header[1:-1] in message.alternatives[0][0]
        assert message.extra_headers["Message-ID"]
        links.add(header)
        # The headers survive into the message as sent.
        sent = message.message()
        assert sent["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert len(links) == 3
    letter.refresh_from_db()
    assert letter.status == "sent"
    assert letter.finished_at is not None
    assert progress(letter).sent == 3
    entry = AuditEntry.objects.get(action="newsletter.send")
    assert entry.data["recipients"] == 3


def test_each_recipient_gets_their_language_when_a_reviewed_current_translation_exists(
    django_capture_on_commit_callbacks: Any,
) -> None:
    region = organisation(languages=("sv", "en", "se", "fi"))
    subscriber(region, "sv@example.se")
    subscriber(region, "en@example.se", language="en")
    subscriber(region, "se@example.se", language="se")
    subscriber(region, "fi@example.se", language="fi")
    official = official_of(region)
    letter = newsletter(region, subject="Hej", preamble="Ingress", body="Brödtext")
    full = {"subject": "Hello", "preamble": "Preamble", "body": "Body text"}
    translations_save(
        actor=official,
        obj=letter,
        language="en",
        changes=[Change(f, t) for f, t in full.items()],
        reviewed=True,
    )
    # Sami: a draft only (not reviewed). Finnish: reviewed, then the Swedish changed (stale).
    translations_save(
        actor=official,
        obj=letter,
        language="se",
        changes=[Change(f, f"se {t}") for f, t in full.items()],
    )
    translations_save(
        actor=official,
        obj=letter,
        language="fi",
        changes=[Change(f, f"fi {t}") for f, t in full.items()],
        reviewed=True,
    )
    letter = services.newsletter_update(
        actor=official, newsletter=letter, subject="Hej", preamble="Ingress", body="Ny brödtext"
    )
    translations_save(
        actor=official,
        obj=letter,
        language="en",
        changes=[Change("body", "New body text")],
        reviewed=True,
    )
    mail.outbox.clear()
    _send(letter, django_capture_on_commit_callbacks)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address["en@example.se"].subject == "Hello"
    assert "New body text" in by_address["en@example.se"].body
    assert 'lang="en"' in by_address["en@example.se"].alternatives[0][0]
    for swedish in ("sv@example.se", "se@example.se", "fi@example.se"):
        assert by_address[swedish].subject == "Hej"
        assert "Ny brödtext" in by_address[swedish].body
    languages = dict(Delivery.objects.values_list("email", "language"))
    assert languages == {
        "sv@example.se": "sv",
        "en@example.se": "en",
        "se@example.se": "sv",
        "fi@example.se": "sv",
    }


def test_batches_and_a_task_run_twice_sends_once(
    django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.DELAKTIG_NEWSLETTER_BATCH_SIZE = 2
    region = organisation()
    for n in range(5):
        subscriber(region, f"p{n}@example.se")
    letter = newsletter(region)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.newsletter_send(actor=official_of(region), newsletter=letter)
    assert Delivery.objects.filter(newsletter=letter, state="queued").count() == 5
    assert progress(letter).queued == 5
    with django_capture_on_commit_callbacks(execute=True):
        assert sending.batch_send(letter.pk) == 2
    assert Delivery.objects.filter(newsletter=letter, state="queued").count() == 3
    current = progress(letter)
    assert (current.queued, current.sent, current.failed) == (3, 2, 0)
    letter.refresh_from_db()
    assert letter.status == "sending"
    # The tasks queued by sending (three batches of two) run, and then all of them again.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
        for callback in callbacks:
            callback()
        assert sending.batch_send(letter.pk) == 0
    assert sorted(m.to[0] for m in mail.outbox) == [f"p{n}@example.se" for n in (2, 3, 4)]
    assert OutgoingEmail.objects.filter(template="newsletter").count() == 5
    assert Delivery.objects.filter(newsletter=letter).count() == 5
    letter.refresh_from_db()
    assert letter.status == "sent"
    assert progress(letter).sent == 5


def test_a_delivery_claimed_twice_is_queued_in_the_outbox_once(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Even if two runs took the same row (no row locks), the outbox key sends it once."""
    region = organisation()
    subscriber(region, "anna@example.se")
    letter = newsletter(region)
    with django_capture_on_commit_callbacks(execute=False):
        services.newsletter_send(actor=official_of(region), newsletter=letter)
    with django_capture_on_commit_callbacks(execute=True):
        sending.batch_send(letter.pk)
        Delivery.objects.filter(newsletter=letter).update(state="queued")
        Newsletter.objects.filter(pk=letter.pk).update(status="sending")
        sending.batch_send(letter.pk)
    assert OutgoingEmail.objects.filter(template="newsletter").count() == 1
    assert len([m for m in mail.outbox if m.subject == "Nyheter"]) == 1


def test_progress_counts_failures_and_skips(django_capture_on_commit_callbacks: Any) -> None:
    region = organisation()
    subscriber(region, "ok@example.se")
    subscriber(region, "bad@example.se")
    process = ProcessFactory(organisation=region, status="open")
    off = UserFactory(email="off@example.se")
    Follow.objects.create(user=off, process=process)
    letter = newsletter(region, processes=[process])
    with django_capture_on_commit_callbacks(execute=False):
        services.newsletter_send(actor=official_of(region), newsletter=letter)
    # The follower turns newsletters off after the list was made.
    NotificationSetting.objects.create(user=off, kind="newsletters.account", enabled=False)
    with django_capture_on_commit_callbacks(execute=False):
        sending.batch_send(letter.pk)
    OutgoingEmail.objects.filter(recipient="ok@example.se").update(status="sent")
    OutgoingEmail.objects.filter(recipient="bad@example.se").update(status="failed")
    counts = progress(letter)
    assert (counts.queued, counts.sent, counts.failed, counts.skipped) == (0, 1, 1, 1)
    assert counts.done
    # An outbox row removed since (gallring) counts as sent.
    OutgoingEmail.objects.filter(recipient="ok@example.se").delete()
    assert progress(letter).sent == 1


def test_a_sent_newsletter_cannot_be_changed_or_sent_again(
    django_capture_on_commit_callbacks: Any,
) -> None:
    region = organisation()
    subscriber(region, "anna@example.se")
    letter = newsletter(region)
    _send(letter, django_capture_on_commit_callbacks)
    official = official_of(region)
    with pytest.raises(ValidationFailed):
        services.newsletter_send(actor=official, newsletter=letter)
    with pytest.raises(ValidationFailed):
        services.newsletter_update(actor=official, newsletter=letter, subject="X", body="Y")
    assert Delivery.objects.count() == 1


def test_staff_compose_preview_confirm_send_and_follow_progress(
    django_capture_on_commit_callbacks: Any,
) -> None:
    region = organisation()
    subscriber(region, "anna@example.se", municipality=berg())
    subscriber(region, "bo@example.se", language="en")
    official = official_of(region)
    client = Client()
    client.force_login(official)
    response = client.post(
        reverse("newsletters_staff:create", args=[region.slug]),
        {
            "subject": "Nytt från Berg",
            "preamble": "Kort",
            "body": "## Rubrik\n\nText",
            "to_subscribers": "on",
            "municipalities": [berg().pk],
            "combine": "all",
        },
    )
    assert response.status_code == 302
    letter = Newsletter.objects.get(subject="Nytt från Berg")
    page = client.get(reverse("newsletters_staff:detail", args=[letter.pk])).content.decode()
    assert "Sammanlagt 2 adresser" in page
    assert "English" in page and "ingen granskad översättning" in page
    send_url = reverse("newsletters_staff:send", args=[letter.pk])
    question = client.post(send_url)
    assert question.status_code == 200
    assert "Vill du verkligen skicka" in question.content.decode()
    assert not Delivery.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(send_url, {"confirmed": "1"})
    assert done.status_code == 302
    page = client.get(reverse("newsletters_staff:detail", args=[letter.pk])).content.decode()
    assert "Hur utskicket går" in page
    fragment = client.get(
        reverse("newsletters_staff:detail", args=[letter.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert fragment.lstrip().startswith("<section")
    assert "Klart" in fragment
    listing = client.get(reverse("newsletters_staff:organisation", args=[region.slug]))
    assert "Nytt från Berg" in listing.content.decode()


def test_residents_and_officials_elsewhere_are_refused() -> None:
    region = organisation()
    letter = newsletter(region)
    client = Client()
    client.force_login(UserFactory())
    assert client.get(reverse("newsletters_staff:detail", args=[letter.pk])).status_code == 403
    client.force_login(official_of(organisation()))
    assert client.get(reverse("newsletters_staff:detail", args=[letter.pk])).status_code == 403
    assert client.get(reverse("newsletters_staff:create", args=[region.slug])).status_code == 403


def test_a_translator_sees_the_draft_preview_without_the_send_button() -> None:
    from tests.factories import role

    region = organisation()
    letter = newsletter(region, subject="Att översätta")
    client = Client()
    client.force_login(role(UserFactory(), "translator", region))
    page = client.get(reverse("newsletters_staff:detail", args=[letter.pk]))
    assert page.status_code == 200
    assert "Att översätta" in page.content.decode()
    assert "Skicka nyhetsbrevet" not in page.content.decode()
    assert client.post(reverse("newsletters_staff:send", args=[letter.pk])).status_code == 403
