"""Subscribing: double opt-in, no enumeration, the rate limit, one step with an account."""

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.factories import UserFactory

from delaktig.core.contributions import jobs
from delaktig.core.errors import ValidationFailed
from delaktig.newsletters import services
from delaktig.newsletters.models import Subscription
from delaktig.newsletters.selectors import mine_subscriptions, own_subscription, recipients
from delaktig.newsletters.tests.helpers import (
    berg,
    confirm_token,
    newsletter,
    organisation,
    subscriber,
)
from delaktig.notifications.models import OutgoingEmail
from delaktig.participation.models import Perspective

pytestmark = pytest.mark.django_db


def _post(client: Client, slug: str, **data: object) -> Any:
    values: dict[str, object] = {"email": "anna@example.se", "language": "sv"}
    values.update(data)
    return client.post(reverse("newsletters:subscribe", args=[slug]), values)


def test_the_public_form_asks_for_a_confirmation_and_the_unconfirmed_get_nothing() -> None:
    region = organisation()
    client = Client()
    response = client.get(reverse("newsletters:subscribe", args=[region.slug]))
    assert response.status_code == 200
    response = _post(client, region.slug, municipality=berg().pk)
    assert response.status_code == 302
    assert response["Location"] == reverse("newsletters:requested", args=[region.slug])
    subscription = Subscription.objects.get(email="anna@example.se")
    assert subscription.confirmed_at is None
    assert subscription.municipality == berg()
    confirmation = OutgoingEmail.objects.get(recipient="anna@example.se")
    assert confirmation.template == "newsletter_confirm"
    assert confirm_token(subscription) in confirmation.body
    # Not confirmed: no newsletter goes there.
    assert recipients(newsletter(region)) == []


def test_the_confirm_link_shows_a_button_and_only_the_button_confirms() -> None:
    region = organisation()
    subscription = subscriber(region, "anna@example.se", confirmed=False)
    url = reverse("newsletters:confirm", args=[confirm_token(subscription)])
    client = Client()
    page = client.get(url)
    assert page.status_code == 200
    assert "Ja, bekräfta" in page.content.decode()
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None
    done = client.post(url)
    assert "Prenumerationen är bekräftad" in done.content.decode()
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None
    assert [r.email for r in recipients(newsletter(region))] == ["anna@example.se"]
    # Again: still confirmed, nothing else changes.
    assert client.post(url).status_code == 200


def test_a_tampered_or_foreign_token_confirms_nothing() -> None:
    region = organisation()
    subscription = subscriber(region, "anna@example.se", confirmed=False)
    token = confirm_token(subscription)
    bad = token[:-1] + ("0" if token[-1] != "0" else "1")
    for value in (bad, "s1-xyz", "nonsense", f"d{subscription.pk}-{token.split('-')[1]}"):
        response = Client().post(reverse("newsletters:confirm", args=[value]))
        assert response.status_code == 404
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None


def test_the_link_expires_after_seven_days_and_the_job_removes_the_row() -> None:
    region = organisation()
    subscription = subscriber(region, "anna@example.se", confirmed=False)
    token = confirm_token(subscription)
    later = timezone.now() + timedelta(days=7, minutes=1)
    with time_machine.travel(later, tick=False):
        response = Client().post(reverse("newsletters:confirm", args=[token]))
        assert response.status_code == 410
        subscription.refresh_from_db()
        assert subscription.confirmed_at is None
        job = next(j for j in jobs() if j.key == "newsletters.unconfirmed")
        assert job.run(timezone.now()) == 1
    assert not Subscription.objects.filter(pk=subscription.pk).exists()


def test_the_job_keeps_confirmed_and_recent_subscriptions() -> None:
    region = organisation()
    kept = subscriber(region, "kept@example.se")
    fresh = subscriber(region, "fresh@example.se", confirmed=False)
    assert services.subscriptions_remove_unconfirmed(timezone.now() + timedelta(days=6)) == 0
    assert services.subscriptions_remove_unconfirmed(timezone.now() + timedelta(days=30)) == 1
    assert Subscription.objects.filter(pk=kept.pk).exists()
    assert not Subscription.objects.filter(pk=fresh.pk).exists()


def test_the_form_answers_alike_whether_or_not_the_address_is_known() -> None:
    region = organisation()
    subscriber(region, "known@example.se", perspectives=[Perspective.objects.first()])
    mail.outbox.clear()
    new = _post(Client(), region.slug, email="new@example.se")
    known = _post(Client(), region.slug, email="KNOWN@example.se", municipality=berg().pk)
    assert new.status_code == known.status_code == 302
    assert new["Location"] == known["Location"]
    # The confirmed subscriber's choices are not changed by someone who knows the address.
    subscription = Subscription.objects.get(email="known@example.se")
    assert subscription.municipality is None
    assert subscription.perspectives.count() == 1
    # Each address got one e-mail: a confirmation link, or word that it is already there.
    templates = dict(OutgoingEmail.objects.values_list("recipient", "template"))
    assert templates["new@example.se"] == "newsletter_confirm"
    assert templates["known@example.se"] == "newsletter_already"
    assert Subscription.objects.filter(organisation=region).count() == 2


def test_the_form_is_rate_limited_per_client_and_per_address() -> None:
    region = organisation()
    client = Client()
    for _ in range(3):
        assert _post(client, region.slug).status_code == 302
    refused = _post(client, region.slug)
    assert refused.status_code == 429
    assert "för många gånger" in refused.content.decode()
    assert 'value="anna@example.se"' in refused.content.decode()
    # The refused request was not counted: 3 used, 7 more reach the 10 per client.
    for n in range(7):
        assert _post(client, region.slug, email=f"p{n}@example.se").status_code == 302
    assert _post(client, region.slug, email="late@example.se").status_code == 429


def test_a_bad_form_keeps_what_was_typed() -> None:
    region = organisation()
    response = _post(Client(), region.slug, email="inte-en-adress", language="xx")
    assert response.status_code == 400
    content = response.content.decode()
    assert 'value="inte-en-adress"' in content
    assert not Subscription.objects.exists()


def test_a_language_the_organisation_does_not_offer_is_refused() -> None:
    region = organisation(languages=("sv", "en"))
    response = _post(Client(), region.slug, language="se")
    assert response.status_code == 400


def test_a_logged_in_resident_with_a_verified_address_subscribes_in_one_step() -> None:
    region = organisation()
    resident = UserFactory(email="resident@example.se")
    client = Client()
    client.force_login(resident)
    page = client.get(reverse("newsletters:subscribe", args=[region.slug]))
    assert "resident@example.se" in page.content.decode()
    assert 'name="email"' not in page.content.decode()
    response = client.post(reverse("newsletters:subscribe", args=[region.slug]), {"language": "en"})
    assert response.status_code == 302
    subscription = Subscription.objects.get(email="resident@example.se")
    assert subscription.confirmed_at is not None
    assert subscription.user == resident
    assert subscription.language == "en"
    assert not OutgoingEmail.objects.exists()
    items = mine_subscriptions(viewer=resident)
    assert len(items) == 1
    assert items[0].url == reverse("newsletters:subscribe", args=[region.slug])
    profile = client.get(reverse("accounts:profile"))
    assert region.name in profile.content.decode()
    # Leaving from the same page.
    client.post(reverse("newsletters:leave", args=[region.slug]))
    assert not Subscription.objects.filter(email="resident@example.se").exists()


def test_an_unverified_account_uses_the_public_form() -> None:
    region = organisation()
    person = UserFactory(email="unverified@example.se", verified=False)
    client = Client()
    client.force_login(person)
    page = client.get(reverse("newsletters:subscribe", args=[region.slug]))
    assert 'name="email"' in page.content.decode()
    with pytest.raises(ValidationFailed) as refused:
        services.subscription_subscribe_account(actor=person, organisation=region, language="sv")
    assert refused.value.code == "newsletters.no_verified_email"


def test_the_own_subscription_is_the_confirmed_one_on_every_database() -> None:
    # Subscribed with the account's old address, then (logged out) typed the new one into the
    # public form without confirming it. PostgreSQL sorts NULL first in a descending order:
    # the unconfirmed row must not hide the confirmed one (and then be confirmed beside it).
    region = organisation()
    resident = UserFactory(email="new@example.se")
    kept = Subscription.objects.create(
        organisation=region, email="old@example.se", user=resident, confirmed_at=timezone.now()
    )
    subscriber(region, "new@example.se", confirmed=False)
    assert own_subscription(viewer=resident, organisation=region) == kept
