"""Small pieces of the budget pages: amounts in kronor as people type them (in Swedish and in
English), and what the results page says decided a tie."""

import pytest
from django import forms

from delaktig.budgeting.forms import KronorField
from delaktig.budgeting.models import Project
from delaktig.budgeting.selectors import Tie


@pytest.mark.parametrize(
    ("typed", "kronor"),
    [
        ("25 000", 25_000),
        ("25\u00a0000 kr", 25_000),
        ("2 000 000:-", 2_000_000),
        ("25 000,-", 25_000),
        ("1.000", 1_000),
        ("2,000,000", 2_000_000),
        ("300 000 SEK", 300_000),
    ],
)
def test_amounts_are_read_as_written(typed: str, kronor: int) -> None:
    assert KronorField().clean(typed) == kronor


@pytest.mark.parametrize("typed", ["25,5", "2,00,000", "abc", "-5", "1e9", str(10**20)])
def test_what_is_not_whole_kronor_is_refused(typed: str) -> None:
    with pytest.raises(forms.ValidationError):
        KronorField().clean(typed)


@pytest.mark.parametrize(
    ("costs", "ranked", "said"),
    [
        ([100, 200], False, "cost"),
        ([100, 100], False, "lot"),
        ([100, 100, 200], False, "cost_then_lot"),
        ([100, 200], True, "preferences"),
    ],
)
def test_a_tie_says_what_decided_it(costs: list[int], ranked: bool, said: str) -> None:
    tie = Tie([Project(number=i, cost=c, lot=i) for i, c in enumerate(costs, 1)], ranked=ranked)
    assert tie.decided_by == said


@pytest.mark.django_db
def test_the_organisations_moderator_may_decide_on_an_idea() -> None:
    from datetime import datetime

    from django.utils import timezone

    from tests.budgeting_factories import budget_module, project
    from tests.factories import OrganisationFactory, UserFactory, role

    budget = budget_module(now=timezone.make_aware(datetime(2031, 5, 14, 12, 0)), stage="ideas")
    idea = project(budget)
    moderator = role(UserFactory(), "moderator", budget.module.process.organisation)
    elsewhere = role(UserFactory(), "moderator", OrganisationFactory())
    assert moderator.has_perm("moderation.moderate_item", idea)
    assert not elsewhere.has_perm("moderation.moderate_item", idea)
