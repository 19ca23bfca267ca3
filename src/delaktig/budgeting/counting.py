"""Counting the votes of a participatory budget (medborgarbudget).

No Django here: the count is a pure function of the projects, the amount and the ballots, so
that it can be tested, benchmarked and re-run by anyone who wants to check a published result.

The rules, in plain English
===========================

A vote has projects. Each project has a number (printed on the ballot), a cost in kronor and a
lot: a distinct whole number drawn at random and published before voting opens. Whenever the
rules below say "the tie rule", the project with the lower lot wins. The vote has an amount:
the money to be shared out.

Ballots. A ballot is a list of project numbers. A ballot is spoilt (counted as invalid, and not
tallied at all) when it is empty, names a number that is not a project of the vote, names the
same project twice, or breaks the limit of its method: on a budget ballot the projects' costs
together exceed the amount; on an approval or ranked ballot there are more projects than the
vote allows (when it sets a limit). The number of spoilt ballots is published with the result.

Budget ballot ("knapsack"). Each voter picks the projects they want, as long as their costs
together fit within the amount. Every valid ballot gives one vote to each project on it.

Approval ballot ("approval"). Each voter approves of up to the allowed number of projects
(any number when the vote sets no limit). Every valid ballot gives one vote to each project on
it.

Result order for budget and approval ballots. The projects are listed by votes, most first.
Projects with equal votes are listed cheapest first (a cheaper project leaves more money for
the others), and projects that also cost the same by the tie rule (lower lot first).

Ranked ballot ("ranked", alternativröstning). Each voter lists projects in order of
preference, the most preferred first. The first place is found by instant-runoff: every ballot
counts for the highest-ranked project on it that is still in the count. If a project has more
than half of the ballots that still count for some project, it wins. Otherwise the project
with the fewest ballots is eliminated and its ballots count for their next preference that is
still in the count; a ballot with no such preference left is exhausted and no longer counts.
This repeats, round by round, until a project has more than half, or only one project is left,
which then wins. When several projects share the fewest ballots, the one with fewer first
preferences (its votes in the first round of the very first count) is eliminated; if they
have as many first preferences, the one with the higher lot is eliminated (the lower lot
stays). The winner takes first place. The second place is found by counting all the ballots
again in the same way without the project already placed, the third place without the two
already placed, and so on until every project has a place. Every round of every count is
published.

Funding. Going down the result order, each project is funded if its cost fits within what is
left of the amount; a project that does not fit is skipped, and the count goes on with the next
one, so a cheaper project further down can still be funded. A project that no valid ballot
names at all is never funded, whatever money is left.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Literal, get_args

import numpy as np
from numpy.typing import NDArray

Method = Literal["knapsack", "approval", "ranked"]
METHODS: tuple[str, ...] = get_args(Method)

IntArray = NDArray[np.int64]
Rows = NDArray[np.int16] | NDArray[np.int32]  # project indices; the sentinel P means "none"


@dataclass(frozen=True)
class Project:
    number: int
    cost: int
    lot: int


@dataclass(frozen=True)
class Round:
    """One round of instant-runoff."""

    counts: dict[int, int]  # continuing project number -> ballots counting for it
    exhausted: int  # ballots with no continuing preference left
    eliminated: int | None  # project eliminated after this round (None in the last)
    tie: bool  # the elimination (or, in the last round, the win) was decided by the tie rule


@dataclass(frozen=True)
class Tally:
    method: str
    amount: int
    valid: int  # ballots counted
    invalid: int  # ballots refused by check_ballot (counted, never tallied)
    votes: dict[int, int]  # approvals (knapsack/approval) or first preferences (ranked)
    order: tuple[int, ...]  # all projects in result order (best first)
    selected: tuple[int, ...]  # funded projects, in `order` order
    spent: int
    ties: tuple[tuple[int, ...], ...]  # groups whose order was decided by the tie rule
    rounds: tuple[tuple[Round, ...], ...] = ()  # ranked only: the rounds of each IRV count


def _is_number(choice: object) -> bool:
    return isinstance(choice, numbers.Integral) and not isinstance(choice, bool)


def check_ballot(
    method: Method,
    choices: Sequence[int],
    projects: Mapping[int, Project],
    *,
    amount: int,
    max_choices: int | None,
) -> str | None:
    """None when the ballot is valid, else a short code saying why not.

    The codes, checked in this order: "empty", "unknown_project", "duplicate", "over_budget"
    (knapsack: total cost > amount), "too_many" (approval/ranked: more than max_choices; no
    limit when max_choices is None). A budget ballot has no limit on the number of projects.
    """
    if method not in METHODS:
        raise ValueError(f"unknown counting method {method!r}")
    if len(choices) == 0:
        return "empty"
    if not all(_is_number(c) and c in projects for c in choices):
        return "unknown_project"
    if len(set(choices)) != len(choices):
        return "duplicate"
    if method == "knapsack":
        if sum(projects[c].cost for c in choices) > amount:
            return "over_budget"
    elif max_choices is not None and len(choices) > max_choices:
        return "too_many"
    return None


def _check_projects(projects: Sequence[Project], amount: int, max_choices: int | None) -> None:
    if not projects:
        raise ValueError("a vote needs at least one project")
    if len({p.number for p in projects}) != len(projects):
        raise ValueError("project numbers must be distinct")
    if len({p.lot for p in projects}) != len(projects):
        raise ValueError("project lots must be distinct")
    for p in projects:
        if not (_is_number(p.number) and p.number > 0):
            raise ValueError(f"project number {p.number!r} is not a positive integer")
        if not (_is_number(p.cost) and p.cost > 0):
            raise ValueError(f"project {p.number}: cost {p.cost!r} is not a positive integer")
        if not _is_number(p.lot):
            raise ValueError(f"project {p.number}: lot {p.lot!r} is not an integer")
    if not (_is_number(amount) and amount >= 0):
        raise ValueError(f"amount {amount!r} is not a non-negative integer")
    if max_choices is not None and not (_is_number(max_choices) and max_choices >= 1):
        raise ValueError(f"max_choices {max_choices!r} is not a positive integer")


@dataclass(frozen=True)
class _Ballots:
    """The valid ballots, as project indices (positions in `projects`), one after another."""

    codes: IntArray  # every choice of every valid ballot, in ballot order
    lengths: IntArray  # the number of choices on each valid ballot
    invalid: int

    @property
    def valid(self) -> int:
        return len(self.lengths)


def _plain(
    method: Method,
    ballots: list[Sequence[int]],
    projects: Sequence[Project],
    amount: int,
    max_choices: int | None,
) -> _Ballots:
    """Validation one ballot at a time, for ballots that are not all plain integers."""
    by_number = {p.number: p for p in projects}
    index = {p.number: i for i, p in enumerate(projects)}
    kept = [
        b
        for b in ballots
        if check_ballot(method, b, by_number, amount=amount, max_choices=max_choices) is None
    ]
    return _Ballots(
        codes=np.array([index[int(c)] for b in kept for c in b], dtype=np.intp),
        lengths=np.array([len(b) for b in kept], dtype=np.intp),
        invalid=len(ballots) - len(kept),
    )


def _validate(
    method: Method,
    ballots: list[Sequence[int]],
    projects: Sequence[Project],
    amount: int,
    max_choices: int | None,
) -> _Ballots:
    """The same verdicts as check_ballot, for all ballots at once with numpy."""
    n, size = len(ballots), len(projects)
    lengths = np.fromiter(map(len, ballots), dtype=np.intp, count=n)
    flat = np.array(list(chain.from_iterable(ballots)))
    if flat.size == 0:
        return _Ballots(np.zeros(0, np.intp), np.zeros(0, np.intp), invalid=n)
    if flat.dtype.kind not in "iu":  # floats, strings, integers too big for numpy ...
        return _plain(method, ballots, projects, amount, max_choices)
    numbers_ = np.array([p.number for p in projects], dtype=np.int64)
    if numbers_.max() <= 4 * size + 1024:  # numbered 1..N as printed: a lookup table
        lookup = np.full(int(numbers_.max()) + 1, size, dtype=np.intp)
        lookup[numbers_] = np.arange(size)
        inside = (flat > 0) & (flat < len(lookup))
        codes = np.where(inside, lookup[np.where(inside, flat, 0)], size)  # size: unknown
    else:
        by_number = np.argsort(numbers_)
        ranks = np.minimum(np.searchsorted(numbers_[by_number], flat), size - 1)
        codes = np.where(numbers_[by_number][ranks] == flat, by_number[ranks], size)

    # Every choice belongs to a ballot that is not empty, so these segments tile `codes`.
    listed = lengths > 0
    starts = (np.cumsum(lengths) - lengths)[listed]
    bad = ~listed
    wrong = np.logical_or.reduceat(codes == size, starts)
    # Duplicates: one bit per project, set by each choice; a ballot repeats a project when
    # fewer bits are set than it has choices.
    distinct = np.zeros(len(starts), dtype=np.intp)
    for word in range(size // 64 + 1):
        inword = (codes >> 6) == word
        bit = np.left_shift(np.uint64(1), (codes & 63).astype(np.uint64))
        bits = np.where(inword, bit, np.uint64(0))
        distinct += np.bitwise_count(np.bitwise_or.reduceat(bits, starts))
    wrong |= distinct < lengths[listed]
    if method == "knapsack":
        costs = np.append(np.array([p.cost for p in projects], dtype=np.int64), 0)
        wrong |= np.add.reduceat(costs[codes], starts) > amount
    elif max_choices is not None:
        wrong |= lengths[listed] > max_choices
    bad[listed] = wrong
    return _Ballots(
        codes=codes[np.repeat(~bad, lengths)],
        lengths=lengths[~bad],
        invalid=int(bad.sum()),
    )


def _greedy(
    order: Sequence[int], costs: Sequence[int], supported: Sequence[bool], amount: int
) -> tuple[list[int], int]:
    chosen, left = [], amount
    for i in order:
        if supported[i] and costs[i] <= left:
            chosen.append(i)
            left -= costs[i]
    return chosen, amount - left


def _approvals(
    ballots: _Ballots, projects: Sequence[Project]
) -> tuple[IntArray, list[int], list[tuple[int, ...]]]:
    size = len(projects)
    votes = np.bincount(ballots.codes, minlength=size).astype(np.int64)
    costs = np.array([p.cost for p in projects], dtype=np.int64)
    lots = np.array([p.lot for p in projects], dtype=np.int64)
    order = [int(i) for i in np.lexsort((lots, costs, -votes))]
    ties: list[tuple[int, ...]] = []
    group = [order[0]]
    for i in order[1:] + [-1]:
        if i >= 0 and votes[i] == votes[group[0]]:
            group.append(i)
            continue
        if len(group) > 1:
            ties.append(tuple(projects[g].number for g in group))
        group = [i]
    return votes, order, ties


def _rows(ballots: _Ballots, size: int) -> tuple[Rows, IntArray]:
    """The distinct valid ballots, one row each padded with the sentinel `size` (at least one
    sentinel column at the end), and how many ballots each row stands for."""
    width = int(ballots.lengths.max()) if ballots.valid else 0
    dtype = np.int16 if size < np.iinfo(np.int16).max else np.int32
    rows = np.full((ballots.valid, width + 1), size, dtype=dtype)
    rows[np.arange(width + 1) < ballots.lengths[:, None]] = ballots.codes
    bits = int(size).bit_length()
    if bits * (width + 1) < 63:  # each row packed into one integer: a fast sort
        keys = np.zeros(len(rows), dtype=np.int64)
        for column in range(width + 1):
            keys |= rows[:, column].astype(np.int64) << (bits * column)
        _, first, weights = np.unique(keys, return_index=True, return_counts=True)
        rows = rows[first]
    else:
        rows, weights = np.unique(rows, axis=0, return_counts=True)
    return rows, weights.astype(np.int64)


def _advance(
    cells: Rows, which: IntArray, position: IntArray, current: Rows, out: NDArray[np.bool_]
) -> None:
    """Move the ballots `which` on to their next preference that is still in the count.

    `cells` is the padded array flattened and `position` each ballot's place in it; `out`
    marks the projects no longer in the count. The sentinel is never out, so a ballot that
    reaches it stops there, exhausted.
    """
    while len(which):
        step = position[which] + 1
        position[which] = step
        landed = cells[step]
        current[which] = landed
        which = which[out[landed]]


def _grouped(
    which: IntArray, landed: Rows, weights: IntArray, size: int
) -> tuple[IntArray, dict[int, IntArray]]:
    """How many ballots the rows `which` stand for, per project they count for (and, last,
    exhausted), and which rows count for each project."""
    tally = np.bincount(landed, weights=weights[which], minlength=size + 1).astype(np.int64)
    by = which[np.argsort(landed, kind="stable")]  # a radix sort for small integers
    bounds = np.concatenate(([0], np.cumsum(np.bincount(landed, minlength=size + 1))))
    return tally, {int(i): by[bounds[i] : bounds[i + 1]] for i in np.flatnonzero(tally[:size])}


def _ranked(
    ballots: _Ballots, projects: Sequence[Project]
) -> tuple[IntArray, list[int], list[tuple[int, ...]], list[tuple[Round, ...]]]:
    """Sequential instant-runoff. Identical ballots are counted together, as one row with a
    weight. Only the rows of an eliminated project are looked at again, and each count starts
    from the state left by the previous one (every row at its highest-ranked project not yet
    placed), so no row is read twice for the same step."""
    size = len(projects)
    n = ballots.valid
    rows, weights = _rows(ballots, size)
    m, stride = rows.shape
    cells = rows.ravel()
    numbers_ = [p.number for p in projects]
    first = np.bincount(rows[:, 0], weights=weights, minlength=size + 1)[:size].astype(np.int64)
    # Elimination preference: fewest first preferences, then highest lot, goes first.
    elimination_key = {i: (int(first[i]), -projects[i].lot) for i in range(size)}

    base_position = np.arange(m, dtype=np.intp) * stride
    base_current = rows[:, 0].copy()
    base_tally, base_holders = _grouped(np.arange(m, dtype=np.intp), base_current, weights, size)
    placed = np.zeros(size + 1, dtype=bool)
    order: list[int] = []
    ties: list[tuple[int, ...]] = []
    counts_all: list[tuple[Round, ...]] = []

    while len(order) < size:
        out = placed.copy()
        position = base_position.copy()
        current = base_current.copy()
        tally = base_tally.copy()
        continuing = [i for i in range(size) if not out[i]]
        holders = {i: [base_holders[i]] for i in continuing if i in base_holders}
        exhausted = int(tally[size])
        rounds: list[Round] = []
        while True:
            counts = {numbers_[i]: int(tally[i]) for i in continuing}
            live = n - exhausted
            leader = max(continuing, key=lambda i: int(tally[i]))
            if 2 * int(tally[leader]) > live or len(continuing) == 1:
                winner = leader if 2 * int(tally[leader]) > live else continuing[0]
                # Won by the tie rule: the last two were tied and the other was eliminated.
                by_tie = bool(rounds) and rounds[-1].tie and len(rounds[-1].counts) == 2
                rounds.append(Round(counts, exhausted, None, by_tie))
                break
            fewest = min(int(tally[i]) for i in continuing)
            tied = sorted(
                (i for i in continuing if tally[i] == fewest), key=lambda i: elimination_key[i]
            )
            loser = tied[0]
            if len(tied) > 1:
                group = tuple(numbers_[i] for i in reversed(tied))
                if group not in ties:
                    ties.append(group)
            rounds.append(Round(counts, exhausted, numbers_[loser], len(tied) > 1))
            out[loser] = True
            continuing.remove(loser)
            tally[loser] = 0
            moving = holders.pop(loser, [])
            if moving:
                moved = np.concatenate(moving)
                _advance(cells, moved, position, current, out)
                add, landed = _grouped(moved, current[moved], weights, size)
                tally += add
                exhausted += int(add[size])
                for i, those in landed.items():
                    holders.setdefault(i, []).append(those)
        order.append(winner)
        counts_all.append(tuple(rounds))
        placed[winner] = True
        if winner in base_holders:
            moved = base_holders.pop(winner)
            _advance(cells, moved, base_position, base_current, placed)
            add, landed = _grouped(moved, base_current[moved], weights, size)
            base_tally += add
            for i, those in landed.items():
                held = base_holders.get(i)
                base_holders[i] = those if held is None else np.concatenate((held, those))
        base_tally[winner] = 0
    return first, order, ties, counts_all


def count(
    method: Method,
    ballots: Iterable[Sequence[int]],
    projects: Sequence[Project],
    *,
    amount: int,
    max_choices: int | None = None,
) -> Tally:
    """Count the ballots by the rules in this module's docstring."""
    if method not in METHODS:
        raise ValueError(f"unknown counting method {method!r}")
    _check_projects(projects, amount, max_choices)
    checked = _validate(method, list(ballots), projects, amount, max_choices)
    costs = [p.cost for p in projects]
    rounds: list[tuple[Round, ...]] = []
    if method == "ranked":
        votes, order, ties, rounds = _ranked(checked, projects)
    else:
        votes, order, ties = _approvals(checked, projects)
    named = np.bincount(checked.codes, minlength=len(projects)) > 0
    chosen, spent = _greedy(order, costs, named.tolist(), amount)
    return Tally(
        method=method,
        amount=amount,
        valid=checked.valid,
        invalid=checked.invalid,
        votes={p.number: int(v) for p, v in zip(projects, votes, strict=True)},
        order=tuple(projects[i].number for i in order),
        selected=tuple(projects[i].number for i in chosen),
        spent=spent,
        ties=tuple(ties),
        rounds=tuple(rounds),
    )
