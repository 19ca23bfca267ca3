"""Replaying a Polis conversation as it grew, recompute after recompute: how much the groups
depend on the schedule of the recomputes.

Polis recomputes as votes arrive, each time warm-started from the previous result and with its
smoother for k (``maths.analyze(previous=...)`` does the same). Its exported groups are the end
of that chain, and the export does not say when the recomputes ran. This experiment runs the
chain on each shipped conversation under several schedules (after every n-th of the votes, in
time order; or each time the votes have grown by a factor) and prints the adjusted Rand index
of the final groups against Polis's ``group-id``, beside the single batch run that
``bench/opinionmaps.py`` measures. Each snapshot holds the cells first voted on up to then,
with their latest value (a re-vote before the snapshot is not replayed).

It is not part of ``make bench``: it is the evidence behind docs/opinion-maps-method.md §2.8
("a replay was tried and is not shipped"). Run it with
``.venv/bin/python bench/opinionmaps_replay.py``.
"""

import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from delaktig.opinionmaps import maths, polisdata  # noqa: E402

DATA = ROOT / "tests" / "data" / "polis"
EVERY = (10, 20, 40)  # recompute after each 1/n of the votes
GROWTH = (1.5, 1.25, 1.1)  # recompute each time the votes have grown by this factor
FIRST = 50  # votes before the first recompute of a growth schedule


def schedules(n_votes: int) -> dict[str, list[int]]:
    out = {f"every 1/{n}": [n_votes * i // n for i in range(1, n + 1)] for n in EVERY}
    for factor in GROWTH:
        cuts, size = [n_votes], float(n_votes)
        while size / factor >= FIRST:
            size /= factor
            cuts.append(int(size))
        out[f"growth ×{factor}"] = sorted(set(cuts))
    return out


def snapshot(conv: polisdata.Conversation, cells: np.ndarray) -> maths.VoteMatrix:
    """The votes of ``cells`` (indices into the conversation's vote cells)."""
    votes = conv.vote_cells[cells]
    rows, cols = np.unique(votes[:, 0]), np.unique(votes[:, 1])
    out = conv.moderated_out()
    kept = np.array([j for j in cols.tolist() if conv.statement_ids[j] not in out], dtype=int)
    voted = np.isin(votes[:, 1], kept)
    matrix = maths.VoteMatrix.from_triples(
        [conv.participant_ids[i] for i in rows.tolist()],
        [conv.statement_ids[j] for j in kept.tolist()],
        np.searchsorted(rows, votes[voted, 0]),
        np.searchsorted(kept, votes[voted, 1]),
        votes[voted, 2],
    )
    return maths.VoteMatrix(
        matrix.participant_ids,
        matrix.statement_ids,
        matrix.values,
        matrix.seen,
        len(cols) - len(kept),
    )


def history(conv: polisdata.Conversation, cells: np.ndarray) -> maths.VoteHistory:
    full = conv.vote_history()
    rows = np.unique(full.rows[cells])
    return maths.VoteHistory(
        participant_ids=[conv.participant_ids[i] for i in rows.tolist()],
        rows=np.searchsorted(rows, full.rows[cells]),
        cols=full.cols[cells],
        times=np.asarray(full.times)[cells],
    )


def ari(result: maths.Result, reference: dict[maths.Id, int]) -> tuple[float, int]:
    labels = dict(zip(result.participant_ids, result.labels.tolist(), strict=True))
    common = [p for p in reference if labels.get(p, -1) >= 0]
    score = adjusted_rand_score([reference[p] for p in common], [labels[p] for p in common])
    return float(score), result.k


def main() -> None:
    names = sorted(p.name for p in DATA.iterdir() if p.is_dir())
    rows: dict[str, dict[str, tuple[float, int]]] = {}
    runs: dict[str, set[int]] = {}
    for name in names:
        conv = polisdata.read_export(DATA / name)
        order = np.argsort(np.asarray(conv.vote_history().times), kind="stable")
        batch = maths.analyze(conv.vote_matrix(), history=conv.vote_history())
        rows.setdefault("batch (shipped)", {})[name] = ari(batch, conv.polis_groups)
        for label, cuts in schedules(len(order)).items():
            previous = None
            for cut in cuts:
                cells = order[:cut]
                previous = maths.analyze(
                    snapshot(conv, cells), history=history(conv, cells), previous=previous
                )
            assert previous is not None
            rows.setdefault(label, {})[name] = ari(previous, conv.polis_groups)
            runs.setdefault(label, set()).add(len(cuts))
    print("ARI against Polis's groups (k) after replaying each conversation as it grew")
    print(f"{'schedule (runs)':<28}" + "".join(f"{n[:16]:>20}" for n in names) + f"{'mean':>8}")
    for label, by_name in rows.items():
        cells_text = "".join(f"{by_name[n][0]:>16.3f} ({by_name[n][1]})" for n in names)
        mean = float(np.mean([by_name[n][0] for n in names]))
        counts = sorted(runs.get(label, {1}))
        label += f" ({counts[0]}-{counts[-1]} runs)" if len(counts) > 1 else f" ({counts[0]})"
        print(f"{label:<28}{cells_text}{mean:>8.3f}")


if __name__ == "__main__":
    main()
