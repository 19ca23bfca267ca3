from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from delaktig.opinionmaps import maths
from delaktig.opinionmaps.maths import (
    VoteHistory,
    VoteMatrix,
    analyze,
    ever_in_conv,
    in_conv_mask,
)
from delaktig.opinionmaps.polisdata import read_export

DATA = Path(__file__).parent / "data" / "polis"
NAMES = sorted(p.name for p in DATA.iterdir() if p.is_dir())


def _matrix(dense: np.ndarray) -> VoteMatrix:
    """np.nan = not voted."""
    rows, cols = np.nonzero(~np.isnan(dense))
    return VoteMatrix.from_triples(
        list(range(dense.shape[0])),
        [f"s{j}" for j in range(dense.shape[1])],
        rows,
        cols,
        dense[rows, cols],
    )


def _two_camps(n_per_camp: int = 20, seed: int = 0) -> np.ndarray:
    """Camp A agrees with s0-s4 and disagrees with s5-s9, camp B the opposite; everyone
    agrees with s10; a little noise and some missing votes."""
    rng = np.random.default_rng(seed)
    stance = np.array([1] * 5 + [-1] * 5, dtype=float)
    rows = []
    for sign in (1, -1):
        for _ in range(n_per_camp):
            votes = sign * stance
            flip = rng.random(10) < 0.1
            votes[flip] = 0
            row = np.append(votes, 1.0)
            row[rng.random(11) < 0.1] = np.nan
            row[10] = 1.0
            rows.append(row)
    return np.array(rows)


def _partition(result) -> set[frozenset[int | str]]:
    return {frozenset(g) for g in result.groups}


def test_two_camps_groups_repness_and_consensus() -> None:
    dense = _two_camps()
    result = analyze(_matrix(dense))
    assert result.k == 2
    assert _partition(result) == {frozenset(range(20)), frozenset(range(20, 40))}
    by_group = {min(g): reps for g, reps in zip(result.groups, result.repness, strict=True)}
    camp_a = {r.statement: r for r in by_group[0]}
    assert camp_a and all(r.p_test > 1.2816 and r.repness_test > 1.2816 for r in by_group[0])
    for sid, rep in camp_a.items():
        j = int(str(sid)[1:])
        assert rep.direction == ("agree" if j < 5 else "disagree")
        assert rep.repness > 1
    assert any(r.direction == "agree" for r in by_group[0])
    # agrees are listed first
    directions = [r.direction for r in by_group[0]]
    assert directions == sorted(directions)
    assert "s10" not in {r.statement for reps in result.repness for r in reps}
    assert [(c.statement, c.direction) for c in result.consensus][:1] == [("s10", "agree")]
    gac = result.group_aware_consensus
    assert gac["s10"] == max(gac.values())
    assert gac["s10"] == pytest.approx(np.prod([(20 + 1) / (20 + 2)] * 2))


def test_determinism_and_row_permutation() -> None:
    conv = read_export(DATA / "canadian-electoral-reform")
    votes = conv.vote_matrix()
    first = analyze(votes, seed=7)
    second = analyze(votes, seed=7)
    assert first.groups == second.groups
    order = np.random.default_rng(1).permutation(len(votes.participant_ids))
    shuffled = analyze(votes.take_rows(order), seed=7)
    assert _partition(shuffled) == _partition(first)


def test_warm_start_keeps_groups_stable() -> None:
    conv = read_export(DATA / "brexit-consensus")
    votes = conv.vote_matrix()
    first = analyze(votes, seed=0)
    # The same votes with a different seed, warm-started: the same groups in the same order.
    again = analyze(votes, seed=99, previous=first)
    assert again.k == first.k
    assert again.groups == first.groups
    # A few more votes do not reshuffle the map.
    dense = np.where(votes.seen.toarray() > 0, votes.values.toarray(), np.nan)
    rng = np.random.default_rng(3)
    missing = np.argwhere(np.isnan(dense))[::50]
    dense[missing[:, 0], missing[:, 1]] = rng.choice([-1.0, 0.0, 1.0], len(missing))
    rows, cols = np.nonzero(~np.isnan(dense))
    more = VoteMatrix.from_triples(
        votes.participant_ids, votes.statement_ids, rows, cols, dense[rows, cols]
    )
    later = analyze(more, seed=5, previous=first)
    assert later.k == first.k
    labels_a = dict(zip(first.participant_ids, first.labels, strict=True))
    labels_b = dict(zip(later.participant_ids, later.labels, strict=True))
    common = [p for p in labels_a if labels_a[p] >= 0 and labels_b[p] >= 0]
    same = np.mean([labels_a[p] == labels_b[p] for p in common])
    assert same > 0.9


def test_k_stability_rule() -> None:
    """Polis' smoother: a new k must be best in 4 runs in a row before the groups change."""
    votes = _matrix(_two_camps())
    first = analyze(votes)
    assert (first.k, first.best_k, first.best_k_runs) == (2, 2, 1)
    # Pretend the previous run chose 3: the best k, 2, must win four runs in a row.
    first.k, first.best_k, first.best_k_runs = 3, 3, 9
    run = analyze(votes, previous=first)
    assert (run.k, run.best_k, run.best_k_runs) == (3, 2, 1)
    for runs in (2, 3):
        run = analyze(votes, previous=run)
        assert (run.k, run.best_k_runs) == (3, runs)
    run = analyze(votes, previous=run)
    assert (run.k, run.best_k_runs) == (2, 4)
    # A run in which another k is best starts the count again.
    run.k, run.best_k, run.best_k_runs = 3, 3, 3
    assert analyze(votes, previous=run).k == 3


def test_in_conv_rule() -> None:
    assert in_conv_mask([7, 6, 0, 10], 20).tolist() == [True, True, False, True]  # top-up
    counts = [7] * 15 + [6, 3, 0]
    assert in_conv_mask(counts, 20).tolist() == [True] * 15 + [False] * 3
    counts = [7] * 10 + [1, 6, 2, 5, 3, 4, 0]
    mask = in_conv_mask(counts, 20).tolist()
    assert mask == [True] * 10 + [False, True, True, True, True, True, False]
    # fewer statements than 7: voting on all of them is enough
    assert in_conv_mask([3] * 16 + [2], 3).tolist() == [True] * 16 + [False]


def test_in_conv_in_analysis() -> None:
    dense = _two_camps()
    dense[0, :] = np.nan
    dense[0, :3] = 1  # only three votes: left out when 15 others qualify
    result = analyze(_matrix(dense))
    assert not result.in_conv[0] and result.labels[0] == -1
    assert result.in_conv[1:].all()


def test_ari_against_polis_groups(capsys: pytest.CaptureFixture[str]) -> None:
    aris = []
    lines = []
    for name in NAMES:
        conv = read_export(DATA / name)
        result = analyze(conv.vote_matrix(), seed=0, history=conv.vote_history())
        ours = {p: int(g) for p, g in zip(result.participant_ids, result.labels, strict=True)}
        common = sorted(p for p in conv.polis_groups if ours.get(p, -1) >= 0)
        ari = adjusted_rand_score([conv.polis_groups[p] for p in common], [ours[p] for p in common])
        aris.append(ari)
        lines.append(f"{name}: ARI {ari:.3f} (k={result.k}, n={len(common)})")
    mean = float(np.mean(aris))
    with capsys.disabled():
        print("\n" + "\n".join(lines) + f"\nmean ARI {mean:.3f} (red-dwarf about 0.65)")
    assert mean > 0.65


def _history(events: list[tuple[Any, int, float]]) -> VoteHistory:
    """(participant, statement, time) per first vote."""
    people = sorted({p for p, _s, _t in events})
    return VoteHistory(
        participant_ids=list(people),
        rows=np.array([people.index(p) for p, _s, _t in events], dtype=np.int64),
        cols=np.array([s for _p, s, _t in events], dtype=np.int64),
        times=np.array([t for _p, _s, t in events], dtype=np.float64),
    )


def _many(events: list[tuple[str, int, float]], extra: int = 15) -> list[tuple[str, int, float]]:
    """``events`` after ``extra`` people who each voted on statements 0-9 at time 0, so that
    Polis' greedy start (up to 15 in) has done its work before the events."""
    early = [(f"z{n:02d}", s, 0.0) for n in range(extra) for s in range(10)]
    return early + events


def test_once_in_the_conversation_always_in() -> None:
    # With two statements so far, voting on both is enough (min(7, n-cmts) = 2); later
    # statements do not take that person out. Voting on two of ten never is.
    events = _many(
        [
            ("early", 100, 1.0),
            ("early", 101, 2.0),
            *[("other", 102 + n, 3.0 + n) for n in range(8)],
            ("late", 100, 20.0),
            ("late", 101, 21.0),
        ]
    )
    # The 15 early people voted on ten other statements: here n-cmts counts every statement
    # voted on so far, so "early" needs min(7, 12) = 7. Without them, two are enough.
    inside = ever_in_conv(_history(events))
    assert "early" not in inside and "late" not in inside and "other" in inside
    alone = [e for e in events if not e[0].startswith("z")]
    inside = ever_in_conv(_history(alone))
    assert "early" in inside  # qualified at time 2.0 with n-cmts = 2
    assert "late" in inside  # in by the greedy start: fewer than 15 were in


def test_the_vote_rule_counts_moderated_out_statements_and_ties() -> None:
    # Seven votes, of which three on statements moderated out since: Polis counts them all.
    events = _many([("p", 200 + n, 50.0 + n) for n in range(7)])
    assert "p" in ever_in_conv(_history(events))
    six = _many([("q", 300 + n, 50.0 + n) for n in range(6)])
    assert "q" not in ever_in_conv(_history(six))
    # Votes cast at the same moment are seen by one update together.
    tied = _many([("r", 400 + n, 60.0) for n in range(7)])
    assert "r" in ever_in_conv(_history(tied))


def test_the_greedy_start_takes_the_most_active_first_then_the_first_to_join() -> None:
    # Twenty people, each voting once on one of twenty statements: nobody reaches
    # min(7, n-cmts) once there are several statements, so Polis fills up to 15.
    events = [(f"p{n:02d}", n, float(n)) for n in range(20)]
    events += [("p19", 100, 100.0), ("p18", 101, 101.0)]  # the last two vote twice
    inside = ever_in_conv(_history(events))
    assert len(inside) >= 15
    assert {"p00", "p01"} <= inside  # each voted on every statement there was, at first


def test_analyze_keeps_the_previous_conversation_and_uses_the_history() -> None:
    dense = _two_camps()
    votes = _matrix(dense)
    few = np.flatnonzero((~np.isnan(dense)).sum(axis=1) >= 7)
    first = analyze(votes)
    assert first.in_conv.sum() == len(few)
    # Someone with one vote, cast when it was the only statement: in for good.
    row = np.full((1, dense.shape[1]), np.nan)
    row[0, 10] = 1.0
    grown = _matrix(np.vstack([dense, row]))
    newcomer = len(dense)
    history = _history([(newcomer, 10, 0.0), *[(p, 0, 1.0 + p) for p in range(len(dense))]])
    with_history = analyze(grown, history=history)
    assert with_history.in_conv[with_history.participant_ids.index(newcomer)]
    assert not analyze(grown).in_conv[newcomer]
    kept = analyze(grown, previous=with_history)
    assert kept.in_conv[kept.participant_ids.index(newcomer)]


@pytest.mark.parametrize("name", NAMES)
def test_the_groups_do_not_depend_on_the_seed(name: str) -> None:
    conv = read_export(DATA / name)
    votes, history = conv.vote_matrix(), conv.vote_history()
    first = analyze(votes, seed=0, history=history)
    for seed in (1, 7, 19):
        assert analyze(votes, seed=seed, history=history).groups == first.groups


def test_k_means_takes_as_many_lloyd_steps_as_polis(monkeypatch: pytest.MonkeyPatch) -> None:
    # Polis' clusters.clj kmeans: one step, then up to max-iters more; base clusters pass 100,
    # groups fall back to the default 20.
    x = np.array([[0.0, 0.0], [1.0, 0.0], [10.0, 0.0], [11.0, 0.0], [12.0, 0.0]])
    _, one = maths._kmeans(x, 2, steps=1)
    # The cold start is the first two distinct points, 0 and 1; one step puts the centres at
    # the mean of what is nearest each: {0} and {1, 10, 11, 12}.
    np.testing.assert_allclose(one, [[0.0, 0.0], [8.5, 0.0]])
    _, converged = maths._kmeans(x, 2, steps=maths.GROUP_STEPS)
    np.testing.assert_allclose(converged, [[0.5, 0.0], [11.0, 0.0]])
    # A warm start and k-means++ restarts are held to the same number of steps.
    _, warm = maths._kmeans(x, 2, init=np.array([[0.0, 0.0], [1.0, 0.0]]), steps=1)
    np.testing.assert_allclose(warm, one)
    import sklearn.cluster

    asked: list[int] = []

    class Spy(sklearn.cluster.KMeans):
        def __init__(self, **kw: Any) -> None:
            asked.append(kw["max_iter"])
            super().__init__(**kw)

    with monkeypatch.context() as patched:
        patched.setattr(sklearn.cluster, "KMeans", Spy)
        maths._kmeans(x, 2, steps=7, start="kmeans++")
    assert asked == [7]

    calls: list[tuple[int, bool]] = []
    real = maths._kmeans

    def spy(x: np.ndarray, k: int, weights: Any = None, init: Any = None, **kw: Any) -> Any:
        calls.append((kw["steps"], weights is not None))
        return real(x, k, weights, init, **kw)

    monkeypatch.setattr(maths, "_kmeans", spy)
    analyze(_matrix(_two_camps()))
    assert calls[0] == (101, False)  # the base clusters
    assert len(calls) > 1 and all(call == (21, True) for call in calls[1:])  # the groups
