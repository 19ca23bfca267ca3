"""The stored count of a budget (``Budget.result``): what ``counting.count`` gave for the
ballots in the database, and the figures beside it. Made when staff count the votes; the
result pages read it (``selectors.py``) and anyone can recount it from the published ballots.
"""

from typing import Any

from django.db.models import Count

from . import counting
from .models import Ballot, Budget, Voter
from .services import ballot_projects, ballot_rows


def _round(r: counting.Round) -> dict[str, Any]:
    return {
        "counts": {str(k): v for k, v in r.counts.items()},
        "exhausted": r.exhausted,
        "eliminated": r.eliminated,
        "tie": r.tie,
    }


def result_data(budget: Budget) -> dict[str, Any]:
    projects = ballot_projects(budget)
    tally = counting.count(
        budget.method,  # type: ignore[arg-type]
        ballot_rows(budget),
        list(projects.values()),
        amount=budget.amount,
        max_choices=budget.max_choices,
    )
    ballots = dict(
        Ballot.objects.filter(budget=budget)
        .values_list("channel")
        .annotate(n=Count("id"))
        .values_list("channel", "n")
    )
    voters = dict(
        Voter.objects.filter(budget=budget)
        .values_list("channel")
        .annotate(n=Count("id"))
        .values_list("channel", "n")
    )
    return {
        "method": tally.method,
        "amount": tally.amount,
        "valid": tally.valid,
        "invalid": tally.invalid,
        "votes": {str(k): v for k, v in tally.votes.items()},
        "order": list(tally.order),
        "selected": list(tally.selected),
        "spent": tally.spent,
        "ties": [list(t) for t in tally.ties],
        "rounds": [[_round(r) for r in count_rounds] for count_rounds in tally.rounds],
        "ballots": {"digital": ballots.get("digital", 0), "paper": ballots.get("paper", 0)},
        "voters": {"digital": voters.get("digital", 0), "paper": voters.get("paper", 0)},
    }
