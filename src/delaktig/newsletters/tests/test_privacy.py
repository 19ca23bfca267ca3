"""Export, erasure and retention of subscriptions and deliveries."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from tests.factories import UserFactory

from delaktig.core.contributions import personal_data, retention
from delaktig.newsletters import services
from delaktig.newsletters.models import Delivery, Subscription
from delaktig.newsletters.tests.helpers import newsletter, official_of, organisation, subscriber

pytestmark = pytest.mark.django_db


def _entry(key: str) -> Any:
    return next(data for data in personal_data() if data.key == key)


def test_a_persons_subscriptions_and_deliveries_are_exported_and_erased(
    django_capture_on_commit_callbacks: Any,
) -> None:
    region = organisation()
    person = UserFactory(email="anna@example.se")
    subscriber(region, "ANNA@example.se", language="en")
    subscriber(region, "other@example.se")
    letter = newsletter(region, subject="Sommarnytt")
    with django_capture_on_commit_callbacks(execute=True):
        services.newsletter_send(actor=official_of(region), newsletter=letter)
    subscriptions = _entry("newsletter_subscriptions").export(person)
    assert [s["email"] for s in subscriptions] == ["anna@example.se"]
    assert subscriptions[0]["language"] == "en"
    deliveries = _entry("newsletter_deliveries").export(person)
    assert [(d["newsletter"], d["email"]) for d in deliveries] == [
        ("Sommarnytt", "anna@example.se")
    ]
    _entry("newsletter_subscriptions").erase(person)
    _entry("newsletter_deliveries").erase(person)
    assert list(Subscription.objects.values_list("email", flat=True)) == ["other@example.se"]
    assert list(Delivery.objects.values_list("email", flat=True)) == ["other@example.se"]


def test_deliveries_are_removed_after_the_organisations_time(
    django_capture_on_commit_callbacks: Any,
) -> None:
    region = organisation()
    subscriber(region, "anna@example.se")
    with django_capture_on_commit_callbacks(execute=True):
        services.newsletter_send(actor=official_of(region), newsletter=newsletter(region))
    rule = retention("newsletter_deliveries")
    assert rule.default_days == 365
    assert rule.apply(region, 365, timezone.now()) == 0
    assert rule.apply(region, 365, timezone.now() + timedelta(days=366)) == 1
    assert not Delivery.objects.exists()


def test_an_unverified_address_reaches_no_ones_subscriptions() -> None:
    region = organisation()
    subscriber(region, "anna@example.se")
    # An account whose address nobody has checked (a social log-in) that names Anna's address.
    stranger = UserFactory(email="anna@example.se", verified=False)
    assert _entry("newsletter_subscriptions").export(stranger) == []
    _entry("newsletter_subscriptions").erase(stranger)
    assert Subscription.objects.filter(email="anna@example.se").exists()
