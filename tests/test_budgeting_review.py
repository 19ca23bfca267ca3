"""Findings of the review of the budgeting app (issue 19), each a test that failed before its
fix: the day age is counted on when the vote ends at midnight, a paper batch accepted after the
count, staff releasing an idea a moderator holds, and the ballot page kept out of caches."""

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from delaktig.accounts.models import User
from delaktig.budgeting import services
from delaktig.budgeting.models import Ballot, Budget, PaperBatch, Voter
from delaktig.budgeting.workflow import BudgetStatus, ProjectStatus
from delaktig.core.errors import Conflict, DelaktigError, PermissionDenied
from delaktig.organisations.models import Municipality
from tests.budgeting_factories import (
    ballot,
    budget_module,
    personnummer,
    project,
    resident,
    years_before,
)
from tests.factories import UserFactory, role

NOW = timezone.make_aware(datetime(2031, 5, 14, 12, 0))
COSTS = [400_000, 300_000, 250_000, 200_000]


@pytest.fixture
def frozen(time_machine: Any) -> datetime:
    time_machine.move_to(NOW, tick=False)
    return NOW


def official_of(budget: Budget) -> User:
    return role(UserFactory(), "official", budget.module.process.organisation)


def home(budget: Budget) -> Municipality:
    place = budget.module.process.organisation.municipalities.first()
    assert place is not None
    return place


def after_vote(budget: Budget) -> datetime:
    end = budget.module.phases.filter(phase_type="voting").order_by("-ends_at").first()
    assert end is not None
    return end.ends_at + timedelta(hours=1)


def refused(code: str, error: type[DelaktigError], call: Any, **kwargs: Any) -> None:
    with pytest.raises(error) as caught:
        call(**kwargs)
    assert caught.value.code == code


@pytest.mark.django_db
def test_a_vote_ending_at_midnight_counts_age_on_the_day_before(frozen: datetime) -> None:
    """A phase that ends at 00:00 on 20 May runs until the end of 19 May: a person who turns 13
    on 20 May never was 13 while the vote ran, and may not vote."""
    budget = budget_module(now=frozen, min_age=13)
    ballot(budget, COSTS)
    midnight = timezone.make_aware(datetime(2031, 5, 20, 0, 0))
    budget.module.phases.filter(phase_type="voting").update(ends_at=midnight)
    budget.module.phases.filter(phase_type="results").update(starts_at=midnight)
    assert services.voting_day(budget) == date(2031, 5, 19)
    place = home(budget)
    too_young = resident(place, born=years_before(date(2031, 5, 20), 13))
    refused(
        "budgeting.too_young",
        PermissionDenied,
        services.ballot_cast,
        actor=too_young,
        budget=budget,
        choices=[1],
    )
    thirteen = resident(place, born=years_before(date(2031, 5, 19), 13))
    services.ballot_cast(actor=thirteen, budget=budget, choices=[1])
    # The paper path follows the same rule.
    official = official_of(budget)

    refused(
        "budgeting.too_young",
        PermissionDenied,
        services.paper_voter_register,
        actor=official,
        budget=budget,
        identity_number=personnummer(years_before(date(2031, 5, 20), 13)),
        municipality=place,
    )


@pytest.mark.django_db
def test_a_batch_accepted_after_the_count_must_be_counted_before_publishing(
    frozen: datetime,
) -> None:
    """The published result must be the count of every ballot published with it: a paper
    batch accepted after the count, and not recounted, would be in the open ballots file but
    not in the result."""
    budget = budget_module(now=frozen)
    ballot(budget, COSTS)
    first, second = official_of(budget), official_of(budget)
    codes = services.paper_codes_print(actor=first, budget=budget, count=2)
    batch = services.paper_batch_create(actor=first, budget=budget, place="Biblioteket", voters=2)
    budget = services.budget_count(actor=first, budget=budget, now=after_vote(budget))
    assert budget.result is not None and budget.result["valid"] == 0
    text = f"{codes[0]}: 1\n{codes[1]}: 2"
    services.paper_entry_submit(actor=first, batch=batch, text=text)
    done = services.paper_entry_submit(actor=second, batch=batch, text=text)
    assert done.status == PaperBatch.Status.ACCEPTED
    assert Ballot.objects.filter(budget=budget).count() == 2
    refused(
        "budgeting.recount_needed", Conflict, services.budget_publish, actor=first, budget=budget
    )
    budget = services.budget_count(actor=first, budget=budget, now=after_vote(budget))
    published = services.budget_publish(actor=first, budget=budget)
    assert published.status == BudgetStatus.PUBLISHED
    assert published.result is not None and published.result["valid"] == 2
    assert published.result["ballots"] == {"digital": 0, "paper": 2}


@pytest.mark.django_db
def test_staff_cannot_release_or_withhold_an_idea_through_the_review(frozen: datetime) -> None:
    """Holding and releasing an idea is the moderators' (screening's) decision; the budget's
    review buttons only put ideas on or off the ballot or back to review."""
    budget = budget_module(now=frozen, stage="review")
    official = official_of(budget)
    held = project(budget, status=ProjectStatus.HELD.value, cost=10_000)
    shown = project(budget, cost=10_000)
    for item, action in ((held, "release"), (shown, "withhold")):
        with pytest.raises(DelaktigError):
            services.project_decide(actor=official, project=item, action=action)
    held.refresh_from_db()
    shown.refresh_from_db()
    assert held.status == ProjectStatus.HELD and shown.status == ProjectStatus.SUBMITTED
    client = Client()
    client.force_login(official)
    address = reverse(
        "budgeting:review", kwargs={"module_pk": budget.module_id, "project_pk": held.pk}
    )
    response = client.post(address, {"action": "release"})
    assert response.status_code in (400, 409)
    held.refresh_from_db()
    assert held.status == ProjectStatus.HELD


@pytest.mark.django_db
def test_the_ballot_page_with_ones_own_choices_is_never_cached(frozen: datetime) -> None:
    """The ballot page and the receipt page after voting show how the person voted: on a
    shared computer (a library) no cache may keep them."""
    budget = budget_module(now=frozen)
    ballot(budget, COSTS)
    person = resident(home(budget), born=date(1980, 6, 1))
    services.ballot_cast(actor=person, budget=budget, choices=[2, 3])
    client = Client()
    client.force_login(person)
    address = reverse("budgeting:vote", kwargs={"module_pk": budget.module_id})
    for page in (client.get(address), client.get(f"{address}?kvitto=1")):
        assert page.status_code == 200
        assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    assert Voter.objects.filter(budget=budget).count() == 1


@pytest.mark.django_db
def test_no_paper_voter_is_registered_once_the_count_has_begun(frozen: datetime) -> None:
    """A library's registration that races the count (its page loaded before) is refused under
    the budget's lock, as a digital ballot is: the register the result counts stays as it was."""
    budget = budget_module(now=frozen)
    ballot(budget, COSTS)
    official = official_of(budget)
    stale = Budget.objects.get(pk=budget.pk)
    services.budget_count(actor=official, budget=budget, now=after_vote(budget))
    refused(
        "budgeting.voting_closed",
        Conflict,
        services.paper_voter_register,
        actor=official,
        budget=stale,
        identity_number=personnummer(date(1980, 6, 1)),
        municipality=home(budget),
    )
    assert not Voter.objects.filter(budget=budget).exists()
