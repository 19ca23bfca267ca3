"""Counting 200,000 participatory-budget ballots over 60 projects, by each method.

`delaktig.budgeting.counting.count` is timed for budget (knapsack), approval and ranked
ballots. The peer, run in the same process on the same ballots, is `reference_count`: a
plain-Python count (dicts, Counter, loops) of budget and approval ballots by the same rules.
Both must give the same result. Ranked ballots have no peer; their floor is one plain-Python
pass tallying the first preferences (a single round of the hundreds the count publishes).
The target is under one second per count. Run with `make bench`.
"""

import json
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from delaktig.budgeting.counting import Method, Project, Tally, count  # noqa: E402

N = 200_000
PROJECTS = 60
AMOUNT = 10_000_000  # kronor
MAX_APPROVALS = 10
MAX_RANKS = 8
TARGET = 1.0  # seconds per count
T = TypeVar("T")


def reference_count(
    method: Method,
    ballots: Iterable[Sequence[int]],
    projects: Sequence[Project],
    *,
    amount: int,
    max_choices: int | None = None,
) -> tuple[int, int, dict[int, int], tuple[int, ...], tuple[int, ...], int]:
    """Budget or approval ballots counted in plain Python: valid, invalid, votes, order,
    selected, spent (the same rules as `count`, none of its code)."""
    assert method in ("knapsack", "approval")
    cost = {p.number: p.cost for p in projects}
    lot = {p.number: p.lot for p in projects}
    votes: Counter[int] = Counter({p.number: 0 for p in projects})
    valid = invalid = 0
    for ballot in ballots:
        ok = (
            len(ballot) > 0
            and all(type(c) is int and c in cost for c in ballot)
            and len(set(ballot)) == len(ballot)
        )
        if ok and method == "knapsack":
            ok = sum(cost[c] for c in ballot) <= amount
        if ok and method == "approval" and max_choices is not None:
            ok = len(ballot) <= max_choices
        if not ok:
            invalid += 1
            continue
        valid += 1
        votes.update(ballot)
    order = tuple(sorted(cost, key=lambda p: (-votes[p], cost[p], lot[p])))
    selected, left = [], amount
    for p in order:
        if votes[p] > 0 and cost[p] <= left:
            selected.append(p)
            left -= cost[p]
    return valid, invalid, dict(votes), order, tuple(selected), amount - left


def vote() -> tuple[list[Project], dict[str, list[list[int]]]]:
    """Sixty projects and 200,000 ballots of each kind, from a fixed seed.

    Popularity is skewed (a few projects draw most votes); each voter's choices are a weighted
    sample without replacement (Gumbel top-k), which is also their order of preference. About
    one ballot in five hundred is spoilt (a repeated or unknown project).
    """
    rng = np.random.default_rng(19)
    costs = (rng.lognormal(np.log(400_000), 0.8, PROJECTS) // 1000 * 1000 + 1000).astype(int)
    costs = np.minimum(costs, 4_000_000)
    lots = rng.permutation(PROJECTS) + 1
    projects = [
        Project(number=i + 1, cost=int(c), lot=int(lot))
        for i, (c, lot) in enumerate(zip(costs, lots, strict=True))
    ]
    popularity = np.log(rng.pareto(1.2, PROJECTS) + 0.05)
    ballots: dict[str, list[list[int]]] = {}
    for name, longest in (("approval", MAX_APPROVALS), ("ranked", MAX_RANKS), ("knapsack", 12)):
        keys = popularity + rng.gumbel(size=(N, PROJECTS))
        ranking = np.argsort(-keys, axis=1)[:, :longest] + 1
        sizes = rng.integers(1, longest + 1, N)
        if name == "knapsack":  # the voter's favourites, as many as fit within the amount
            spent = np.cumsum(costs[ranking - 1], axis=1)
            sizes = np.minimum(sizes, (spent <= AMOUNT).sum(axis=1))
            sizes = np.maximum(sizes, 1)
        rows = ranking.tolist()
        ballots[name] = [row[:size] for row, size in zip(rows, sizes.tolist(), strict=True)]
        for i in rng.choice(N, N // 500, replace=False).tolist():
            ballot = ballots[name][i]
            ballot.append(ballot[0] if rng.random() < 0.5 else PROJECTS + 7)
    return projects, ballots


def median_of(job: Callable[[], T], runs: int = 5) -> tuple[float, T]:
    """The median of a few runs, and the last result."""
    times = []
    for _ in range(runs):
        begin = time.perf_counter()
        result = job()
        times.append(time.perf_counter() - begin)
    return statistics.median(times), result


def limit(method: Method) -> int | None:
    return {"approval": MAX_APPROVALS, "ranked": MAX_RANKS}.get(method)


def main() -> None:
    projects, ballots = vote()
    methods: tuple[Method, ...] = ("knapsack", "approval", "ranked")
    report = {}
    print(f"{N:,} ballots, {PROJECTS} projects, amount {AMOUNT:,} kr; median of 5 runs")
    print(f"{'method':<10}{'ours s':>9}{'peer s':>17}{'peer/ours':>10}  under 1 s")
    for method in methods:
        ours, tally = median_of(
            lambda m=method: count(m, ballots[m], projects, amount=AMOUNT, max_choices=limit(m))
        )
        row: dict[str, float | int | bool | None] = {
            "ours_s": round(ours, 3),
            "valid": tally.valid,
            "invalid": tally.invalid,
            "selected": len(tally.selected),
            "met": ours < TARGET,
        }
        if method != "ranked":
            reference, expected = median_of(
                lambda m=method: reference_count(
                    m, ballots[m], projects, amount=AMOUNT, max_choices=limit(m)
                )
            )
            assert same(tally, expected), f"{method}: count and reference_count disagree"
            row["reference_s"] = round(reference, 3)
            row["ratio"] = round(reference / ours, 1)
        else:  # no peer: the floor is one plain-Python pass tallying first preferences
            reference, _ = median_of(lambda: Counter(b[0] for b in ballots["ranked"] if b))
            row["floor_s"] = round(reference, 3)
            row["ratio"] = round(reference / ours, 2)
            row["rounds"] = sum(len(r) for r in tally.rounds)
        report[method] = row
        peer = f"{reference:.3f}" + (" (floor)" if method == "ranked" else "")
        print(
            f"{method:<10}{ours:>9.3f}{peer:>17}{reference / ours:>9.2f}x"
            f"  {'yes' if ours < TARGET else 'NO'}"
            f"  ({tally.valid:,} valid, {tally.invalid:,} invalid, "
            f"{len(tally.selected)} funded, {tally.spent:,} kr)"
        )
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "budgeting.json").write_text(json.dumps(report, indent=2))


def same(
    tally: Tally, expected: tuple[int, int, dict[int, int], tuple[int, ...], tuple[int, ...], int]
) -> bool:
    return (
        tally.valid,
        tally.invalid,
        tally.votes,
        tally.order,
        tally.selected,
        tally.spent,
    ) == expected


if __name__ == "__main__":
    main()
