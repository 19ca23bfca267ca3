"""The vote count of participatory budgets: delaktig.budgeting.counting (pure, no database).

The hand-counted examples below write out the arithmetic; the randomized tests check the numpy
count against plain-Python counts written here from the rules, not from the module's code.
"""

import random
from collections import Counter
from collections.abc import Sequence

import numpy as np
import pytest

from delaktig.budgeting.counting import Project, Round, Tally, check_ballot, count

# Four projects used by the hand-counted examples:
#   project  cost  lot
#      1      500    4
#      2      300    2
#      3      300    1
#      4      200    3
PROJECTS = [
    Project(number=1, cost=500, lot=4),
    Project(number=2, cost=300, lot=2),
    Project(number=3, cost=300, lot=1),
    Project(number=4, cost=200, lot=3),
]
BY_NUMBER = {p.number: p for p in PROJECTS}


# --- plain-Python references, written from the rules in the module docstring -----------------


def reference_valid(
    method: str,
    ballot: Sequence[object],
    cost: dict[int, int],
    amount: int,
    max_choices: int | None,
) -> bool:
    if not ballot or any(type(c) is not int or c not in cost for c in ballot):
        return False
    if len(set(ballot)) < len(ballot):
        return False
    if method == "knapsack":
        return sum(cost[c] for c in ballot) <= amount  # type: ignore[index]
    return max_choices is None or len(ballot) <= max_choices


def reference_approvals(
    method: str,
    ballots: Sequence[Sequence[object]],
    projects: Sequence[Project],
    amount: int,
    max_choices: int | None,
) -> tuple[int, int, dict[int, int], tuple[int, ...], tuple[int, ...], int]:
    cost = {p.number: p.cost for p in projects}
    lot = {p.number: p.lot for p in projects}
    votes = {p.number: 0 for p in projects}
    valid = [b for b in ballots if reference_valid(method, b, cost, amount, max_choices)]
    for ballot in valid:
        for choice in ballot:
            votes[choice] += 1  # type: ignore[index]
    order = tuple(sorted(votes, key=lambda p: (-votes[p], cost[p], lot[p])))
    selected, left = [], amount
    for p in order:
        if votes[p] and cost[p] <= left:
            selected.append(p)
            left -= cost[p]
    return len(valid), len(ballots) - len(valid), votes, order, tuple(selected), amount - left


def reference_ranked(
    ballots: Sequence[Sequence[int]], projects: Sequence[Project], amount: int
) -> tuple[tuple[int, ...], tuple[int, ...], list[list[Round]]]:
    """Sequential instant-runoff recounting every ballot from scratch in every round."""
    lot = {p.number: p.lot for p in projects}
    cost = {p.number: p.cost for p in projects}
    first = Counter(b[0] for b in ballots)
    remaining = [p.number for p in projects]
    order: list[int] = []
    all_rounds: list[list[Round]] = []
    while remaining:
        continuing = set(remaining)
        rounds: list[Round] = []
        while True:
            counts = dict.fromkeys(sorted(continuing), 0)
            exhausted = 0
            for ballot in ballots:
                top = next((c for c in ballot if c in continuing), None)
                if top is None:
                    exhausted += 1
                else:
                    counts[top] += 1
            live = len(ballots) - exhausted
            best = max(counts, key=lambda p: counts[p])
            if 2 * counts[best] > live or len(continuing) == 1:
                by_tie = bool(rounds) and rounds[-1].tie and len(rounds[-1].counts) == 2
                rounds.append(Round(counts, exhausted, None, by_tie))
                winner = best if 2 * counts[best] > live else next(iter(continuing))
                break
            low = min(counts.values())
            tied = [p for p in counts if counts[p] == low]
            loser = min(tied, key=lambda p: (first[p], -lot[p]))
            rounds.append(Round(counts, exhausted, loser, len(tied) > 1))
            continuing.remove(loser)
        order.append(winner)
        remaining.remove(winner)
        all_rounds.append(rounds)
    named = {c for b in ballots for c in b}
    selected, left = [], amount
    for p in order:
        if p in named and cost[p] <= left:
            selected.append(p)
            left -= cost[p]
    return tuple(order), tuple(selected), all_rounds


def random_vote(rng: random.Random, size: int) -> tuple[list[Project], int]:
    lots = rng.sample(range(1, 10 * size), size)
    projects = [
        Project(number=i + 1, cost=rng.choice([100, 200, 250, 300, 500, 800]), lot=lots[i])
        for i in range(size)
    ]
    rng.shuffle(projects)  # numbers need not come in order
    return projects, rng.choice([600, 1000, 2500])


def random_ballots(
    rng: random.Random, projects: Sequence[Project], n: int, longest: int
) -> list[list[int]]:
    """Mostly valid ballots with a skewed popularity, and some spoilt ones of every kind."""
    numbers = [p.number for p in projects]
    weights = [1 / (i + 1) for i in range(len(numbers))]
    ballots = []
    for _ in range(n):
        length = rng.randint(1, min(longest, len(numbers)))
        ballot: list[int] = []
        while len(ballot) < length:
            choice = rng.choices(numbers, weights)[0]
            if choice not in ballot:
                ballot.append(choice)
        spoil = rng.random()
        if spoil < 0.03:
            ballot = []
        elif spoil < 0.06:
            ballot.append(ballot[0])
        elif spoil < 0.09:
            ballot.insert(rng.randrange(len(ballot) + 1), rng.choice([0, -3, 10_000]))
        ballots.append(ballot)
    return ballots


# --- check_ballot ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "ballot", "max_choices", "code"),
    [
        ("knapsack", [], None, "empty"),
        ("approval", [], 2, "empty"),
        ("ranked", [], 2, "empty"),
        ("knapsack", [1, 9], None, "unknown_project"),
        ("approval", [0], None, "unknown_project"),
        ("ranked", [-1, 2], None, "unknown_project"),
        ("ranked", ["2"], None, "unknown_project"),
        ("approval", [2.0], None, "unknown_project"),
        ("approval", [True], None, "unknown_project"),
        ("knapsack", [2, 2], None, "duplicate"),
        ("approval", [1, 3, 1], None, "duplicate"),
        ("ranked", [4, 3, 4], None, "duplicate"),
        ("knapsack", [1, 2, 4], None, "over_budget"),  # 500 + 300 + 200 = 1000 > 900
        ("approval", [1, 2, 3], 2, "too_many"),
        ("ranked", [1, 2, 3], 2, "too_many"),
        ("knapsack", [1, 4], None, None),  # 700 <= 900
        ("knapsack", [2, 3, 4], 1, None),  # a budget ballot has no limit on the count
        ("approval", [1, 2, 3, 4], None, None),
        ("ranked", [4, 1], 2, None),
        ("ranked", [np.int64(4)], 2, None),
    ],
)
def test_check_ballot(
    method: str, ballot: list[object], max_choices: int | None, code: str | None
) -> None:
    got = check_ballot(method, ballot, BY_NUMBER, amount=900, max_choices=max_choices)
    assert got == code


def test_check_ballot_reports_the_first_problem_in_the_documented_order() -> None:
    # unknown before duplicate, duplicate before over budget or too many
    assert check_ballot("knapsack", [9, 1, 1], BY_NUMBER, amount=1, max_choices=None) == (
        "unknown_project"
    )
    assert check_ballot("knapsack", [1, 1], BY_NUMBER, amount=1, max_choices=None) == "duplicate"
    assert check_ballot("ranked", [1, 1, 2], BY_NUMBER, amount=1, max_choices=1) == "duplicate"


def test_an_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError, match="method"):
        check_ballot("borda", [1], BY_NUMBER, amount=1, max_choices=None)
    with pytest.raises(ValueError, match="method"):
        count("borda", [[1]], PROJECTS, amount=1)


@pytest.mark.parametrize(
    ("projects", "amount", "max_choices", "message"),
    [
        ([], 100, None, "at least one"),
        ([Project(1, 100, 1), Project(1, 200, 2)], 100, None, "numbers"),
        ([Project(1, 100, 1), Project(2, 200, 1)], 100, None, "lots"),
        ([Project(0, 100, 1)], 100, None, "number"),
        ([Project(1, 0, 1)], 100, None, "cost"),
        ([Project(1, 100, 1)], -1, None, "amount"),
        ([Project(1, 100, 1)], 100, 0, "max_choices"),
    ],
)
def test_count_refuses_a_malformed_vote(
    projects: list[Project], amount: int, max_choices: int | None, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        count("approval", [[1]], projects, amount=amount, max_choices=max_choices)


# --- budget ballots (knapsack) -----------------------------------------------------------------


def test_knapsack_by_hand() -> None:
    # Amount 1000. Five valid ballots (cost of each ballot in brackets):
    #   [1, 2]     (500 + 300 = 800)
    #   [1, 4]     (500 + 200 = 700)
    #   [2, 3, 4]  (300 + 300 + 200 = 800)
    #   [3, 4]     (300 + 200 = 500)
    #   [1, 3]     (500 + 300 = 800)
    # and four spoilt ones: over budget [1, 2, 3] (1100), a repeat, an unknown project, empty.
    # Votes: 1 → 3 (ballots 1, 2, 5); 2 → 2 (1, 3); 3 → 3 (3, 4, 5); 4 → 3 (2, 3, 4).
    # Order: the three projects with 3 votes cheapest first: 4 (200), 3 (300), 1 (500); then 2.
    # Funding from 1000: 4 (800 left), 3 (500 left), 1 (0 left); 2 (300) no longer fits.
    ballots = [[1, 2], [1, 4], [2, 3, 4], [3, 4], [1, 3], [1, 2, 3], [4, 4], [5], []]
    tally = count("knapsack", ballots, PROJECTS, amount=1000)
    assert tally == Tally(
        method="knapsack",
        amount=1000,
        valid=5,
        invalid=4,
        votes={1: 3, 2: 2, 3: 3, 4: 3},
        order=(4, 3, 1, 2),
        selected=(4, 3, 1),
        spent=1000,
        ties=((4, 3, 1),),
        rounds=(),
    )


def test_knapsack_ignores_max_choices() -> None:
    tally = count("knapsack", [[2, 3, 4]], PROJECTS, amount=1000, max_choices=1)
    assert (tally.valid, tally.invalid) == (1, 0)


def test_a_ballot_exactly_at_the_amount_is_valid_and_one_krona_over_is_not() -> None:
    # [2, 3, 4] costs 800.
    assert count("knapsack", [[2, 3, 4]], PROJECTS, amount=800).valid == 1
    assert count("knapsack", [[2, 3, 4]], PROJECTS, amount=799).invalid == 1


# --- approval ballots --------------------------------------------------------------------------


def test_approval_by_hand_with_a_greedy_skip() -> None:
    # Amount 800, at most two projects a ballot. Five valid ballots:
    #   [1, 2]  [2, 3]  [2]  [3, 4]  [1]
    # and four spoilt: three projects (too many), a repeat, an unknown project, empty.
    # Votes: 1 → 2, 2 → 3, 3 → 2, 4 → 1.
    # Order: 2 (3 votes); 3 and 1 (2 votes each: 3 costs 300, 1 costs 500, so 3 first); 4.
    # Funding from 800: 2 (500 left), 3 (200 left), 1 (500) does not fit and is skipped,
    # 4 (200) still fits (0 left).
    ballots = [[1, 2], [2, 3], [2], [3, 4], [1], [1, 2, 3], [2, 2], [7], []]
    tally = count("approval", ballots, PROJECTS, amount=800, max_choices=2)
    assert (tally.valid, tally.invalid) == (5, 4)
    assert tally.votes == {1: 2, 2: 3, 3: 2, 4: 1}
    assert tally.order == (2, 3, 1, 4)
    assert tally.selected == (2, 3, 4)
    assert tally.spent == 800
    assert tally.ties == ((3, 1),)
    assert tally.rounds == ()


def test_equal_votes_and_equal_cost_go_by_the_lower_lot() -> None:
    # 2 and 3 get one vote each and both cost 300: 3 (lot 1) goes before 2 (lot 2).
    # 1 and 4 get no votes: 4 (200) before 1 (500). Nothing unvoted is funded, however much
    # money is left: 3 and 2 cost 600 of 5000.
    tally = count("approval", [[2], [3]], PROJECTS, amount=5000)
    assert tally.order == (3, 2, 4, 1)
    assert tally.ties == ((3, 2), (4, 1))
    assert tally.selected == (3, 2)
    assert tally.spent == 600
    # With room for one of them only, the lot decides who is funded.
    assert count("approval", [[2], [3]], PROJECTS, amount=400).selected == (3,)


def test_no_valid_ballots() -> None:
    tally = count("approval", [[], [9]], PROJECTS, amount=1000)
    assert (tally.valid, tally.invalid, tally.selected, tally.spent) == (0, 2, (), 0)
    assert tally.order == (4, 3, 2, 1)  # all tied on 0 votes: by cost, then lot
    assert count("knapsack", [], PROJECTS, amount=1000).order == (4, 3, 2, 1)
    ranked = count("ranked", [], PROJECTS, amount=1000)
    assert (ranked.valid, ranked.selected) == (0, ())


# --- ranked ballots (instant-runoff) -----------------------------------------------------------

RANKED_BALLOTS = [[1, 2], [1, 3], [2, 3], [2], [3, 2], [4, 3], [4]]


def test_ranked_by_hand() -> None:
    # Seven valid ballots: [1, 2] [1, 3] [2, 3] [2] [3, 2] [4, 3] [4]; first preferences:
    # 1 → 2, 2 → 2, 3 → 1, 4 → 2.
    #
    # First place, all four counting:
    #   round 1: 1:2 2:2 3:1 4:2, 7 live (a majority is 4). 3 has the fewest: eliminated;
    #            [3, 2] goes to 2.
    #   round 2: 1:2 2:3 4:2. 1 and 4 tie on 2 and on first preferences (2 each); the higher
    #            lot goes: 1 (lot 4; 4 has lot 3). [1, 2] goes to 2, [1, 3] is exhausted (3 is out).
    #   round 3: 2:4 4:2, 1 exhausted, 6 live: 2 has 4 > 3 and wins.
    # Second place, without 2: [1, 2]→1 [1, 3]→1 [2, 3]→3 [2]→exhausted [3, 2]→3 [4, 3]→4 [4]→4
    #   round 1: 1:2 3:2 4:2, 1 exhausted, 6 live. A three-way tie; 3 has the fewest first
    #            preferences (1) and goes, though its lot is the lowest. [2, 3] and [3, 2] are
    #            exhausted.
    #   round 2: 1:2 4:2, 3 exhausted. Tie again, first preferences equal: 1 (higher lot) goes;
    #            both its ballots are exhausted.
    #   round 3: 4:2, 5 exhausted, 2 live: 4 wins, by the tie rule of the round before.
    # Third place, without 2 and 4: 1:2 ([1, 2], [1, 3]), 3:3 ([2, 3], [3, 2], [4, 3]),
    #   2 exhausted, 5 live: 3 has 3 > 2.5 and wins at once.
    # Fourth place: 1 alone, 1:2 (5 exhausted) wins.
    # Order 2, 4, 3, 1. Funding from 800: 2 (500 left), 4 (300 left), 3 (0 left); 1 does not fit.
    spoilt = [[1, 1], [1, 2, 3], [], [0]]  # repeat, too many (limit 2), empty, unknown
    tally = count("ranked", RANKED_BALLOTS + spoilt, PROJECTS, amount=800, max_choices=2)
    assert (tally.valid, tally.invalid) == (7, 4)
    assert tally.votes == {1: 2, 2: 2, 3: 1, 4: 2}
    assert tally.order == (2, 4, 3, 1)
    assert tally.selected == (2, 4, 3)
    assert tally.spent == 800
    assert tally.rounds == (
        (
            Round({1: 2, 2: 2, 3: 1, 4: 2}, exhausted=0, eliminated=3, tie=False),
            Round({1: 2, 2: 3, 4: 2}, exhausted=0, eliminated=1, tie=True),
            Round({2: 4, 4: 2}, exhausted=1, eliminated=None, tie=False),
        ),
        (
            Round({1: 2, 3: 2, 4: 2}, exhausted=1, eliminated=3, tie=True),
            Round({1: 2, 4: 2}, exhausted=3, eliminated=1, tie=True),
            Round({4: 2}, exhausted=5, eliminated=None, tie=True),
        ),
        (Round({1: 2, 3: 3}, exhausted=2, eliminated=None, tie=False),),
        (Round({1: 2}, exhausted=5, eliminated=None, tie=False),),
    )
    # Tied groups, best first (the last of each group was the one eliminated); the repeat of
    # (4, 1) in the second count is listed once.
    assert tally.ties == ((4, 1), (4, 1, 3))


def test_ranked_a_win_decided_by_the_lot() -> None:
    # Two projects, two ballots each: 1 and 2 tie on ballots and on first preferences; the
    # higher lot (project 1, lot 4) is eliminated and project 2 wins by the tie rule.
    projects = PROJECTS[:2]
    tally = count("ranked", [[1], [2], [1, 2], [2, 1]], projects, amount=800)
    assert tally.order == (2, 1)
    assert tally.rounds[0] == (
        Round({1: 2, 2: 2}, exhausted=0, eliminated=1, tie=True),
        Round({2: 3}, exhausted=1, eliminated=None, tie=True),  # [1] is exhausted
    )
    assert tally.ties == ((2, 1),)


def test_ranked_majority_in_the_first_round() -> None:
    # 3 of 5 ballots rank 4 first: 3 > 2.5, no elimination needed.
    ballots = [[4], [4, 1], [4, 2], [1], [2, 1]]
    tally = count("ranked", ballots, PROJECTS, amount=800)
    assert tally.order[0] == 4
    assert tally.rounds[0] == (
        Round({1: 1, 2: 1, 3: 0, 4: 3}, exhausted=0, eliminated=None, tie=False),
    )


def test_ranked_exactly_half_is_not_a_majority() -> None:
    # Project 1 has 2 of 4 ballots in every round, which is not more than half.
    #   round 1: 1:2 2:1 3:0 4:1. 3 (no ballots) is eliminated.
    #   round 2: 1:2 2:1 4:1. 2 and 4 tie on one ballot and one first preference: 4 (lot 3)
    #            goes, and [4, 2] moves to 2.
    #   round 3: 1:2 2:2. A tie; 2 has fewer first preferences (1 against 2) and goes.
    #   round 4: 1:4 wins.
    ballots = [[1], [1], [2], [4, 2]]
    tally = count("ranked", ballots, PROJECTS, amount=800)
    first = tally.rounds[0]
    assert [r.eliminated for r in first] == [3, 4, 2, None]
    assert first[2] == Round({1: 2, 2: 2}, exhausted=0, eliminated=2, tie=True)
    assert tally.order[0] == 1


def test_ranked_projects_no_ballot_names_are_placed_last_and_never_funded() -> None:
    tally = count("ranked", [[2, 3], [3]], PROJECTS, amount=5000)
    assert tally.order[:2] == (3, 2)
    assert set(tally.order[2:]) == {1, 4}
    assert tally.selected == (3, 2)


# --- randomized cross-checks against the plain references --------------------------------------


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("method", ["knapsack", "approval"])
def test_approvals_agree_with_the_plain_reference(seed: int, method: str) -> None:
    rng = random.Random(seed)
    size = rng.choice([3, 12, 60, 150])  # 150: more projects than one 64-bit word
    projects, amount = random_vote(rng, size)
    max_choices = rng.choice([None, 3, 5])
    ballots = random_ballots(rng, projects, rng.choice([0, 1, 40, 700]), 7)
    if method == "knapsack":  # keep most budget ballots within the amount
        cost = {p.number: p.cost for p in projects}
        ballots = [
            b if rng.random() < 0.1 else [c for c in b if c not in cost or cost[c] < amount / 4]
            for b in ballots
        ]
    tally = count(method, ballots, projects, amount=amount, max_choices=max_choices)
    expected = reference_approvals(method, ballots, projects, amount, max_choices)
    got = (tally.valid, tally.invalid, tally.votes, tally.order, tally.selected, tally.spent)
    assert got == expected
    refused = sum(
        check_ballot(
            method,
            b,
            {p.number: p for p in projects},
            amount=amount,
            max_choices=max_choices,
        )
        is not None
        for b in ballots
    )
    assert tally.invalid == refused


@pytest.mark.parametrize("seed", range(8))
def test_ranked_agrees_with_the_plain_reference(seed: int) -> None:
    rng = random.Random(100 + seed)
    size = rng.choice([2, 5, 12, 70])  # 70 projects: rows too wide to pack into one integer
    projects, amount = random_vote(rng, size)
    max_choices = rng.choice([None, 4])
    ballots = random_ballots(rng, projects, rng.choice([1, 30, 300]), 6)
    tally = count("ranked", ballots, projects, amount=amount, max_choices=max_choices)
    by_number = {p.number: p for p in projects}
    valid = [
        b
        for b in ballots
        if check_ballot("ranked", b, by_number, amount=amount, max_choices=max_choices) is None
    ]
    order, selected, rounds = reference_ranked(valid, projects, amount)
    assert (tally.valid, tally.invalid) == (len(valid), len(ballots) - len(valid))
    assert tally.votes == {p.number: sum(b[0] == p.number for b in valid) for p in projects}
    assert tally.order == order
    assert tally.selected == selected
    assert [list(r) for r in tally.rounds] == rounds


@pytest.mark.parametrize("method", ["knapsack", "approval", "ranked"])
def test_the_result_does_not_depend_on_the_order_of_the_ballots(method: str) -> None:
    rng = random.Random(7)
    projects, amount = random_vote(rng, 15)
    ballots = random_ballots(rng, projects, 500, 5)
    first = count(method, ballots, projects, amount=amount, max_choices=4)
    for _ in range(3):
        rng.shuffle(ballots)
        again = count(method, ballots, projects, amount=amount, max_choices=4)
        assert again == first


def test_ballots_of_other_types_are_checked_one_by_one() -> None:
    # A string, a float or an integer too big for numpy is an unknown project, as in
    # check_ballot; numpy integers and tuples are fine.
    ballots: list[Sequence[object]] = [[1], ["2"], [2.0], [2**70], (3, np.int64(4)), [4]]
    tally = count("approval", ballots, PROJECTS, amount=5000)
    assert (tally.valid, tally.invalid) == (3, 3)
    assert tally.votes == {1: 1, 2: 0, 3: 1, 4: 2}


def test_identical_ballots_are_all_counted() -> None:
    # 1000 copies of [3, 1] and 999 of [1]: 3 wins the first place with 1000 of 1999.
    ballots = [[3, 1]] * 1000 + [[1]] * 999
    tally = count("ranked", ballots, PROJECTS, amount=800)
    assert tally.rounds[0][0].counts == {1: 999, 2: 0, 3: 1000, 4: 0}
    assert tally.order[:2] == (3, 1)
    # Second count without 3: every ballot counts for 1.
    assert tally.rounds[1][0].counts == {1: 1999, 2: 0, 4: 0}


def test_projects_may_have_large_numbers() -> None:
    projects = [Project(number=10**9 + i, cost=100, lot=i) for i in range(3)]
    ballots = [[10**9], [10**9 + 1, 10**9], [10**9 + 2, 10**9 + 2], [5], [10**9 + 7]]
    tally = count("approval", ballots, projects, amount=150)
    assert (tally.valid, tally.invalid) == (2, 3)
    assert tally.votes == {10**9: 2, 10**9 + 1: 1, 10**9 + 2: 0}
    assert tally.selected == (10**9,)
