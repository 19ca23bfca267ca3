"""A :class:`~delaktig.opinionmaps.maths.Result` as plain JSON data, and back. No Django.

The stored form keeps what the pages show (positions, groups, representative statements,
consensus, votes per group) and what the next run needs to warm-start (components, centres,
the silhouettes and the chosen k). Ids must be ints or strings.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import numpy as np

from delaktig.opinionmaps.maths import (
    ConsensusStatement,
    Id,
    RepStatement,
    Result,
    VoteMatrix,
    group_counts,
)

FORMAT = 1


def _key(raw: str, like: list[Id]) -> Id:
    return int(raw) if like and isinstance(like[0], int) else raw


def to_data(result: Result, votes: VoteMatrix) -> dict[str, Any]:
    """JSON-ready data for ``result``; ``votes`` is the matrix it was computed from."""
    order = {p: i for i, p in enumerate(votes.participant_ids)}
    rows = [order[p] for p in result.participant_ids]
    ordered = votes.take_rows(rows)
    k = result.k
    na, nd, ns = group_counts(ordered, result.labels, k) if k else (None, None, None)
    seen_all = np.asarray(ordered.seen.sum(axis=0)).ravel()
    agree_all = np.asarray((ordered.values > 0).sum(axis=0)).ravel()
    disagree_all = np.asarray((ordered.values < 0).sum(axis=0)).ravel()
    statements = {}
    for j, sid in enumerate(result.statement_ids):
        entry: dict[str, Any] = {
            "all": [int(agree_all[j]), int(disagree_all[j]), int(seen_all[j])],
            "extremity": float(np.hypot(*result.components[:, j])),
            "gac": [
                result.group_aware_consensus.get(sid, 0.0),
                result.group_aware_consensus_disagree.get(sid, 0.0),
            ],
        }
        if k:
            entry["groups"] = [
                [int(na[g, j]), int(nd[g, j]), int(ns[g, j])]  # type: ignore[index]
                for g in range(k)
            ]
        statements[str(sid)] = entry
    return {
        "format": FORMAT,
        "k": k,
        "best_k": result.best_k,
        "best_k_runs": result.best_k_runs,
        "silhouette": result.silhouette,
        "silhouettes": {str(kk): v for kk, v in result.silhouettes.items()},
        "seconds": result.seconds,
        "participants": list(result.participant_ids),
        "x": [round(float(v), 5) for v in result.coordinates[:, 0]],
        "y": [round(float(v), 5) for v in result.coordinates[:, 1]],
        "labels": [int(v) for v in result.labels],
        "in_conv": [bool(v) for v in result.in_conv],
        "repness": [[asdict(r) for r in group] for group in result.repness],
        "consensus": [asdict(c) for c in result.consensus],
        "statements": statements,
        "statement_ids": list(result.statement_ids),
        "components": result.components.tolist(),
        "base_centres": result.base_centres.tolist(),
        "group_centres": result.group_centres.tolist(),
    }


def from_data(data: dict[str, Any]) -> Result:
    """The :class:`Result` stored by :func:`to_data` (enough for pages and a warm start)."""
    pids: list[Id] = list(data["participants"])
    sids: list[Id] = list(data["statement_ids"])
    labels = np.asarray(data["labels"], dtype=np.int64)
    k = int(data["k"])
    stmts = data["statements"]
    gac = {_key(s, sids): float(v["gac"][0]) for s, v in stmts.items()}
    gac_d = {_key(s, sids): float(v["gac"][1]) for s, v in stmts.items()}
    return Result(
        participant_ids=pids,
        coordinates=np.column_stack(
            [np.asarray(data["x"], dtype=np.float64), np.asarray(data["y"], dtype=np.float64)]
        )
        if pids
        else np.zeros((0, 2)),
        in_conv=np.asarray(data["in_conv"], dtype=bool),
        labels=labels,
        groups=[[pids[i] for i in np.flatnonzero(labels == g)] for g in range(k)],
        repness=[[RepStatement(**r) for r in group] for group in data["repness"]],
        consensus=[ConsensusStatement(**c) for c in data["consensus"]],
        group_aware_consensus=gac,
        group_aware_consensus_disagree=gac_d,
        k=k,
        silhouette=float(data["silhouette"]),
        silhouettes={int(kk): float(v) for kk, v in data["silhouettes"].items()},
        best_k=int(data["best_k"]),
        # Results stored before Polis' smoother count their best k once.
        best_k_runs=int(data.get("best_k_runs", 1)),
        seconds=float(data["seconds"]),
        statement_ids=sids,
        components=np.asarray(data["components"], dtype=np.float64).reshape(2, len(sids)),
        base_centres=np.asarray(data["base_centres"], dtype=np.float64).reshape(-1, 2),
        group_centres=np.asarray(data["group_centres"], dtype=np.float64).reshape(-1, 2),
    )
