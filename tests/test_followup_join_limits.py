"""Join requests under abuse: limited per person and per strategy, one pending request per
person and strategy, and a contact address that must be confirmed before it gets the decision.

Anyone logged in once filed 25 requests in a row, each e-mailing every official, with an
unverified contact address that later received the decision. Rate limits live in the cache,
which ``conftest.py`` clears before every test.
"""

import re
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from delaktig.accounts.services import account_delete
from delaktig.core import ratelimit
from delaktig.core.errors import Conflict, DelaktigError, RateLimited
from delaktig.followup import selectors
from delaktig.followup.actors import services
from delaktig.followup.models import Actor, Commitment
from tests.factories import UserFactory
from tests.test_followup_actors import make_strategy, official_of, request_join
from tests.test_proposals_concurrency import run_together

pytestmark = pytest.mark.django_db

CONTACT = "kim.kontakt@lekeberg.example"  # request_join's default contact address


def person_budget(user: Any) -> int:
    return ratelimit.remaining(ratelimit.limit_for("commitment_request", f"user:{user.pk}"))


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def confirm_path(commitment: Commitment) -> str:
    """The link in the confirmation e-mail to the contact."""
    message = next(m for m in mail.outbox if m.to == [commitment.contact_email])
    found = re.search(r"https?://[^/\s]+(/\S+/bekrafta/\S+/)", message.body)
    assert found is not None, message.body
    return found[1]


# --- Limits ---


@override_settings(
    DELAKTIG_RATE_LIMITS={
        "commitment_request": (2, 3600),
        "commitment_request_strategy": (50, 3600),
    }
)
def test_a_person_files_only_so_many_requests_an_hour() -> None:
    person = UserFactory()
    strategies = [make_strategy() for _ in range(3)]
    request_join(strategies[0], user=person)
    request_join(strategies[1], user=person)
    with pytest.raises(RateLimited, match="followup.too_many_requests") as refused:
        request_join(strategies[2], user=person)
    assert refused.value.status == 429
    assert Commitment.objects.filter(requested_by=person).count() == 2
    # Somebody else may still ask to join the same strategy.
    assert request_join(strategies[2], user=UserFactory())


@override_settings(
    DELAKTIG_RATE_LIMITS={
        "commitment_request": (50, 3600),
        "commitment_request_strategy": (3, 3600),
    }
)
def test_a_strategy_takes_only_so_many_requests_an_hour_from_everybody(
    django_capture_on_commit_callbacks: Any,
) -> None:
    strategy = make_strategy()
    official = official_of(strategy.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            request_join(strategy, actor_name=f"Förening {n}")
        with pytest.raises(RateLimited, match="followup.too_many_requests"):
            request_join(strategy, actor_name="Förening 4")
    assert Commitment.objects.filter(strategy=strategy).count() == 3
    # The officials heard about three requests, not four.
    assert recipients().count(official.email) == 3
    assert request_join(make_strategy(strategy.organisation), actor_name="Förening 4")


def test_a_person_has_one_pending_request_per_strategy() -> None:
    strategy = make_strategy()
    person = UserFactory()
    first = request_join(strategy, user=person, actor_name="Förening A")
    budget = person_budget(person)
    with pytest.raises(Conflict, match="followup.request_pending"):
        request_join(strategy, user=person, actor_name="Förening B")
    # The refusal used none of the person's budget, and created no actor.
    assert person_budget(person) == budget
    assert not Actor.objects.filter(name="Förening B").exists()
    # Another strategy, or the same one once the first request is decided, is fine.
    assert request_join(make_strategy(strategy.organisation), user=person, actor_name="Förening B")
    services.commitment_decline(
        actor=official_of(strategy.organisation), commitment=first, reason="Fel län."
    )
    assert request_join(strategy, user=person, actor_name="Förening B")


def test_the_database_keeps_one_pending_request_per_person_and_strategy() -> None:
    strategy = make_strategy()
    person = UserFactory()
    first = request_join(strategy, user=person, actor_name="Förening A")
    other_actor = Actor.objects.create(
        organisation=strategy.organisation, name="Förening B", kind="association"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.create(
            strategy=strategy,
            actor=other_actor,
            commitment="x",
            contact_name="x",
            contact_email="x@example.se",
            requested_by=person,
            status=Commitment.Status.PENDING,
        )
    assert list(Commitment.objects.filter(requested_by=person).values_list("pk", flat=True)) == [
        first.pk
    ]


@pytest.mark.django_db(transaction=True)
@override_settings(
    DELAKTIG_RATE_LIMITS={
        "commitment_request": (50, 3600),
        "commitment_request_strategy": (50, 3600),
    }
)
def test_requests_sent_at_the_same_moment_leave_one_pending() -> None:
    strategy = make_strategy()
    person = UserFactory()
    errors = run_together(
        [partial(request_join, strategy, user=person, actor_name=f"Förening {n}") for n in range(6)]
    )
    outcomes = [
        "pending" if getattr(e, "code", None) == "followup.request_pending" else repr(e)
        for e in errors
    ]
    outcomes += ["saved"] * (6 - len(errors))
    assert sorted(outcomes) == ["pending"] * 5 + ["saved"]
    assert Commitment.objects.filter(requested_by=person, status="pending").count() == 1
    # Only the saved request used the person's budget.
    assert person_budget(person) == 49


# --- The contact address ---


def test_the_requester_s_own_verified_address_needs_no_confirmation(
    django_capture_on_commit_callbacks: Any,
) -> None:
    strategy = make_strategy()
    official = official_of(strategy.organisation)
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        commitment = request_join(strategy, user=person, contact_email=person.email.upper())
    assert commitment.contact_confirmed_at is not None
    assert recipients() == [official.email]  # no confirmation e-mail
    assert selectors.decision_recipient(commitment) == person.email.upper()


def test_another_address_gets_a_link_and_the_decision_only_once_confirmed(
    django_capture_on_commit_callbacks: Any,
) -> None:
    strategy = make_strategy()
    official = official_of(strategy.organisation)
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        commitment = request_join(strategy, user=person)
    assert commitment.contact_confirmed_at is None
    assert recipients() == sorted([official.email, CONTACT])
    path = confirm_path(commitment)
    # Until the link is used the decision would go to the requester's verified address.
    assert selectors.decision_recipient(commitment) == person.email
    # The link opens a page with a button; following it (as mail scanners do) confirms nothing.
    contact = Client()
    page = contact.get(path)
    assert page.status_code == 200
    assert "Lekebergs kommun" in page.content.decode()
    commitment.refresh_from_db()
    assert commitment.contact_confirmed_at is None
    response = contact.post(path)
    assert response.status_code == 200
    assert CONTACT in response.content.decode()
    commitment.refresh_from_db()
    assert commitment.contact_confirmed_at is not None
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.commitment_approve(actor=official, commitment=commitment)
    assert recipients() == [CONTACT]


def test_an_unconfirmed_contact_never_hears_the_decision(
    django_capture_on_commit_callbacks: Any,
) -> None:
    strategy = make_strategy()
    official = official_of(strategy.organisation)
    person = UserFactory()
    commitment = request_join(strategy, user=person)
    with django_capture_on_commit_callbacks(execute=True):
        services.commitment_decline(actor=official, commitment=commitment, reason="Fel län.")
    assert recipients() == [person.email]
    assert "Fel län." in mail.outbox[0].body


def test_a_forged_changed_or_old_link_confirms_nothing_and_shows_nothing(
    time_machine: Any,
) -> None:
    strategy = make_strategy()
    commitment = request_join(strategy)
    token = services.contact_confirmation_token(commitment)
    url = reverse(
        "followup:contact_confirm",
        kwargs={"slug": strategy.slug, "pk": commitment.pk, "token": token},
    )
    forged = url.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    other = request_join(strategy, actor_name="Annan förening", user=UserFactory())
    wrong_request = reverse(
        "followup:contact_confirm",
        kwargs={"slug": strategy.slug, "pk": other.pk, "token": token},
    )
    for bad in (forged, wrong_request):
        for method in (Client().get, Client().post):
            response = method(bad)
            assert response.status_code == 400
            html = response.content.decode()
            assert "Lekebergs kommun" not in html and "Annan förening" not in html
            assert DelaktigError("followup.invalid_confirmation").message in html
    # The address changed since the link was sent (the contact's data was erased).
    Commitment.objects.filter(pk=commitment.pk).update(contact_email="ny@lekeberg.example")
    assert Client().post(url).status_code == 400
    Commitment.objects.filter(pk=commitment.pk).update(contact_email=CONTACT)
    # Links are good for CONTACT_CONFIRMATION_DAYS.
    time_machine.move_to(
        timezone.now() + timedelta(days=services.CONTACT_CONFIRMATION_DAYS, minutes=1)
    )
    assert Client().post(url).status_code == 400
    assert Commitment.objects.get(pk=commitment.pk).contact_confirmed_at is None
    assert Commitment.objects.get(pk=other.pk).contact_confirmed_at is None


# --- The pages ---


def _join_data(strategy: Any, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "actor_name": "Föreningen Jämlikt Örebro",
        "actor_kind": "association",
        "organisation_number": "",
        "municipality": "",
        "commitment": "Vi håller tre öppna samtal om jämställdhet i år.",
        "goals": [strategy.goals.get(number="2").pk],
        "contact_name": "Alex Andersson",
        "contact_email": "alex@jamlikt.example",
    }
    data.update(overrides)
    return data


@override_settings(
    DELAKTIG_RATE_LIMITS={
        "commitment_request": (1, 3600),
        "commitment_request_strategy": (50, 3600),
    }
)
def test_the_join_page_says_why_and_keeps_what_was_typed() -> None:
    first, second = make_strategy(), make_strategy()
    person = UserFactory()
    client = Client()
    client.force_login(person)
    sent = client.post(
        reverse("followup:join", kwargs={"slug": first.slug}), _join_data(first), follow=True
    )
    html = sent.content.decode()
    # The requester is told where the decision goes until the contact confirms.
    assert "alex@jamlikt.example" in html and person.email in html
    assert "har inte bekräftat adressen" in html  # the person's own list of requests
    response = client.post(
        reverse("followup:join", kwargs={"slug": second.slug}),
        _join_data(second, commitment="Vi startar en cirkel om makt och inflytande."),
    )
    assert response.status_code == 429
    html = response.content.decode()
    assert RateLimited("followup.too_many_requests").message in html
    assert "Vi startar en cirkel om makt och inflytande." in html
    assert 'value="alex@jamlikt.example"' in html
    assert not Commitment.objects.filter(strategy=second).exists()


def test_a_second_pending_request_is_refused_on_the_page() -> None:
    strategy = make_strategy()
    person = UserFactory()
    request_join(strategy, user=person)
    client = Client()
    client.force_login(person)
    response = client.post(
        reverse("followup:join", kwargs={"slug": strategy.slug}), _join_data(strategy)
    )
    assert response.status_code == 409  # the form comes back with the conflict's status
    html = response.content.decode()
    assert Conflict("followup.request_pending").message in html
    assert "Vi håller tre öppna samtal om jämställdhet i år." in html


def test_the_review_page_tells_staff_where_the_decision_goes() -> None:
    strategy = make_strategy()
    official = official_of(strategy.organisation)
    person = UserFactory()
    commitment = request_join(strategy, user=person)
    staff = Client()
    staff.force_login(official)
    url = reverse("followup_staff:commitment_review", kwargs={"pk": commitment.pk})
    html = staff.get(url).content.decode()
    assert person.email in html and "kontaktadressen är inte bekräftad" in html
    services.commitment_confirm_contact(
        commitment=commitment, token=services.contact_confirmation_token(commitment)
    )
    html = staff.get(url).content.decode()
    assert "kontaktadressen är inte bekräftad" not in html


# --- Personal data ---


def test_deleting_the_requester_s_account_forgets_who_asked() -> None:
    strategy = make_strategy()
    person = UserFactory()
    commitment = request_join(strategy, user=person)
    account_delete(user=person)
    commitment.refresh_from_db()
    assert commitment.requested_by_id is None
    # The contact is somebody else: their details stay with the actor's request.
    assert (commitment.contact_name, commitment.contact_email) == ("Kim Kontakt", CONTACT)
    assert selectors.decision_recipient(commitment) == ""
