"""Leaving: RFC 8058 one-click POST without CSRF token or login, GET changes nothing, links
in the confirmation e-mail, idempotence, and what leaving does for a follower."""

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from tests.factories import ProcessFactory, UserFactory

from delaktig.newsletters import services
from delaktig.newsletters.models import Delivery, Subscription
from delaktig.newsletters.selectors import recipients
from delaktig.newsletters.tests.helpers import (
    confirm_token,
    newsletter,
    official_of,
    organisation,
    subscriber,
)
from delaktig.notifications.models import NotificationSetting
from delaktig.participation.models import Follow

pytestmark = pytest.mark.django_db


def _sent_link(region: Any, capture: Any, **fields: Any) -> str:
    letter = newsletter(region, **fields)
    mail.outbox.clear()
    with capture(execute=True):
        services.newsletter_send(actor=official_of(region), newsletter=letter)
    header = mail.outbox[0].extra_headers["List-Unsubscribe"]
    return str(header[1:-1])


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_one_click_post_with_the_rfc_8058_body_unsubscribes_without_csrf_or_login(
    django_capture_on_commit_callbacks: Any,
) -> None:
    region = organisation()
    subscriber(region, "anna@example.se")
    url = _path(_sent_link(region, django_capture_on_commit_callbacks))
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        url,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert "Du får inga fler nyhetsbrev" in response.content.decode()
    assert not Subscription.objects.filter(email="anna@example.se").exists()
    # Again (a mail program retrying, a second click): the same answer.
    again = client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert again.status_code == 200
    assert recipients(newsletter(region)) == []


def test_get_shows_a_button_and_unsubscribes_no_one(
    django_capture_on_commit_callbacks: Any,
) -> None:
    region = organisation()
    subscriber(region, "anna@example.se")
    url = _path(_sent_link(region, django_capture_on_commit_callbacks))
    for _ in range(3):  # a link scanner opening it, more than once
        page = Client().get(url)
        assert page.status_code == 200
        content = page.content.decode()
        assert 'method="post"' in content
        assert "Avsluta" in content
    assert Subscription.objects.filter(email="anna@example.se").exists()
    # The button on that page works without a CSRF token too (the view is exempt).
    Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert not Subscription.objects.filter(email="anna@example.se").exists()


def test_a_tampered_token_is_refused_and_changes_nothing(
    django_capture_on_commit_callbacks: Any,
) -> None:
    region = organisation()
    subscriber(region, "anna@example.se")
    url = _path(_sent_link(region, django_capture_on_commit_callbacks))
    token = url.rstrip("/").rsplit("/", 1)[1]
    forged = token[:-2] + ("00" if not token.endswith("00") else "11")
    response = Client().post(reverse("newsletters:unsubscribe", args=[forged]))
    assert response.status_code == 404
    assert Client().get(reverse("newsletters:unsubscribe", args=["x"])).status_code == 404
    assert Subscription.objects.filter(email="anna@example.se").exists()


def test_the_subscription_token_in_an_email_also_leaves() -> None:
    region = organisation()
    subscription = subscriber(region, "anna@example.se")
    url = reverse("newsletters:unsubscribe", args=[confirm_token(subscription)])
    Client(enforce_csrf_checks=True).post(url)
    assert not Subscription.objects.filter(pk=subscription.pk).exists()
    # The row is gone: the link still answers, and does nothing more.
    assert Client().post(url).status_code == 200


def test_leaving_from_a_mail_sent_to_a_follower_turns_newsletters_off_for_the_account(
    django_capture_on_commit_callbacks: Any,
) -> None:
    region = organisation()
    process = ProcessFactory(organisation=region, status="open")
    follower = UserFactory(email="follower@example.se")
    Follow.objects.create(user=follower, process=process)
    url = _path(
        _sent_link(
            region, django_capture_on_commit_callbacks, to_subscribers=False, processes=[process]
        )
    )
    assert Delivery.objects.get().via_account
    Client().post(url)
    setting = NotificationSetting.objects.get(user=follower, kind="newsletters.account")
    assert not setting.enabled
    # Still following the process; but no newsletters to its followers any more.
    assert Follow.objects.filter(user=follower).exists()
    assert recipients(newsletter(region, to_subscribers=False, processes=[process])) == []


def test_a_newsletter_link_whose_delivery_record_is_gone_does_not_claim_the_person_left(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # The delivery records go after the organisation's retention time; the subscription
    # stays. The link in an old e-mail can no longer tell whose address it was for: saying
    # "you get no more newsletters" would be untrue.
    region = organisation()
    subscriber(region, "anna@example.se")
    url = _path(_sent_link(region, django_capture_on_commit_callbacks))
    Delivery.objects.all().delete()
    response = Client(enforce_csrf_checks=True).post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 404
    assert "Du får inga fler nyhetsbrev" not in response.content.decode()
    assert Client().get(url).status_code == 404
    assert Subscription.objects.filter(email="anna@example.se").exists()
