"""The stored form of a result: JSON data and back, enough for pages and a warm start."""

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from delaktig.opinionmaps.maths import Id, Result, VoteMatrix, analyze
from delaktig.opinionmaps.polisdata import read_export
from delaktig.opinionmaps.serial import FORMAT, from_data, to_data

DATA = Path(__file__).parent / "data" / "polis"


def two_camps(
    n_per_camp: int = 20, seed: int = 0, ids: str = "int", shuffle: bool = False
) -> tuple[VoteMatrix, np.ndarray]:
    """Camp A agrees with s0-s4 and disagrees with s5-s9, camp B the opposite; everyone agrees
    with s10. Returns the matrix and the dense votes (np.nan: not voted) in its row order."""
    rng = np.random.default_rng(seed)
    stance = np.array([1] * 5 + [-1] * 5, dtype=float)
    rows = []
    for sign in (1, -1):
        for _ in range(n_per_camp):
            votes = sign * stance
            votes[rng.random(10) < 0.1] = 0
            row = np.append(votes, 1.0)
            row[rng.random(11) < 0.1] = np.nan
            rows.append(row)
    dense = np.array(rows)
    pids: list[Id] = list(range(100, 100 + len(dense)))
    sids: list[Id] = list(range(1, 12))
    if ids == "str":
        pids = [f"p{i:03d}" for i in range(len(dense))]
        sids = [f"s{j}" for j in range(11)]
    if shuffle:
        order = rng.permutation(len(dense))
        dense = dense[order]
        pids = [pids[i] for i in order]
    r, c = np.nonzero(~np.isnan(dense))
    return VoteMatrix.from_triples(pids, sids, r, c, dense[r, c]), dense


def json_round_trip(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(json.dumps(data))
    return out


def partition(result: Result) -> set[frozenset[Id]]:
    return {frozenset(group) for group in result.groups}


def assert_same_result(restored: Result, original: Result) -> None:
    assert restored.k == original.k
    assert restored.best_k == original.best_k
    assert restored.best_k_runs == original.best_k_runs
    assert restored.participant_ids == original.participant_ids
    assert restored.statement_ids == original.statement_ids
    assert restored.groups == original.groups
    assert restored.labels.tolist() == original.labels.tolist()
    assert restored.in_conv.tolist() == original.in_conv.tolist()
    assert restored.repness == original.repness
    assert restored.consensus == original.consensus
    assert restored.group_aware_consensus == original.group_aware_consensus
    assert restored.group_aware_consensus_disagree == original.group_aware_consensus_disagree
    assert restored.silhouettes == original.silhouettes
    assert restored.silhouette == original.silhouette
    np.testing.assert_array_equal(restored.components, original.components)
    np.testing.assert_array_equal(restored.base_centres, original.base_centres)
    np.testing.assert_array_equal(restored.group_centres, original.group_centres)
    np.testing.assert_allclose(restored.coordinates, original.coordinates, atol=1e-5)


@pytest.mark.parametrize("ids", ["int", "str"])
@pytest.mark.parametrize("shuffle", [False, True], ids=["sorted", "shuffled"])
def test_round_trip_gives_the_same_result(ids: str, shuffle: bool) -> None:
    votes, _dense = two_camps(ids=ids, shuffle=shuffle)
    result = analyze(votes)
    assert result.k == 2
    data = json_round_trip(to_data(result, votes))
    assert data["format"] == FORMAT
    restored = from_data(data)
    assert_same_result(restored, result)
    assert all(type(s) is type(result.statement_ids[0]) for s in restored.statement_ids)
    assert all(type(s) is type(result.statement_ids[0]) for s in restored.group_aware_consensus)
    # and once more: the stored form is stable
    assert json_round_trip(to_data(restored, votes)) == {
        **data,
        "seconds": restored.seconds,
    }


@pytest.mark.parametrize("shuffle", [False, True], ids=["sorted", "shuffled"])
def test_vote_counts_per_statement_and_group(shuffle: bool) -> None:
    votes, dense = two_camps(shuffle=shuffle, seed=3)
    result = analyze(votes)
    data = to_data(result, votes)
    label = dict(zip(result.participant_ids, result.labels.tolist(), strict=True))
    row_label = np.array([label[p] for p in votes.participant_ids])
    for j, sid in enumerate(votes.statement_ids):
        entry = data["statements"][str(sid)]
        column = dense[:, j]

        def counts(mask: np.ndarray, column: np.ndarray = column) -> list[int]:
            cast = column[mask & ~np.isnan(column)]
            return [int((cast == 1).sum()), int((cast == -1).sum()), len(cast)]

        assert entry["all"] == counts(np.ones(len(dense), dtype=bool))
        assert entry["groups"] == [counts(row_label == g) for g in range(result.k)]
        assert entry["extremity"] == pytest.approx(float(np.hypot(*result.components[:, j])))
        assert entry["gac"] == [
            result.group_aware_consensus[sid],
            result.group_aware_consensus_disagree[sid],
        ]
    assert data["participants"] == result.participant_ids
    assert data["x"] == pytest.approx(result.coordinates[:, 0].tolist(), abs=1e-5)
    assert data["y"] == pytest.approx(result.coordinates[:, 1].tolist(), abs=1e-5)
    assert data["repness"] == [[asdict(r) for r in group] for group in result.repness]


@pytest.mark.parametrize("ids", ["int", "str"])
def test_warm_start_from_restored_equals_warm_start_from_original(ids: str) -> None:
    votes, _dense = two_camps(ids=ids, seed=1)
    first = analyze(votes, seed=4)
    restored = from_data(json_round_trip(to_data(first, votes)))
    more, _ = two_camps(n_per_camp=24, ids=ids, seed=1)  # the same camps, more people
    warm_original = analyze(more, seed=4, previous=first)
    warm_restored = analyze(more, seed=4, previous=restored)
    assert warm_restored.k == warm_original.k == 2
    assert warm_restored.groups == warm_original.groups
    assert warm_restored.labels.tolist() == warm_original.labels.tolist()
    np.testing.assert_array_equal(warm_restored.components, warm_original.components)
    assert analyze(votes, seed=4, previous=restored).groups == first.groups


@pytest.mark.parametrize("name", ["15-per-hour-seattle", "brexit-consensus"])
def test_real_conversation_round_trip_and_warm_start(name: str) -> None:
    votes = read_export(DATA / name).vote_matrix()
    result = analyze(votes)
    assert result.k >= 2
    restored = from_data(json_round_trip(to_data(result, votes)))
    assert_same_result(restored, result)
    warm_original = analyze(votes, previous=result)
    warm_restored = analyze(votes, previous=restored)
    assert warm_restored.k == warm_original.k
    assert partition(warm_restored) == partition(warm_original)
    assert warm_restored.labels.tolist() == warm_original.labels.tolist()


def test_result_without_groups_round_trips() -> None:
    votes = VoteMatrix.from_triples([1, 2], ["a", "b"], [0, 0, 1], [0, 1, 0], [1, -1, 0])
    result = analyze(votes)
    assert result.k == 0
    data = json_round_trip(to_data(result, votes))
    assert data["labels"] == [-1, -1]
    assert all("groups" not in entry for entry in data["statements"].values())
    assert data["statements"]["a"]["all"] == [1, 0, 2]
    assert data["statements"]["b"]["all"] == [0, 1, 1]
    restored = from_data(data)
    assert_same_result(restored, result)
    assert restored.groups == [] and restored.repness == []


def test_empty_result_round_trips() -> None:
    votes = VoteMatrix.from_triples([], [], [], [], [])
    result = analyze(votes)
    restored = from_data(json_round_trip(to_data(result, votes)))
    assert restored.k == 0 and restored.participant_ids == [] and restored.statement_ids == []
    assert restored.coordinates.shape == (0, 2)
    assert restored.components.shape == (2, 0)
