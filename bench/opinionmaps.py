"""Opinion maps (Polis method) against red-dwarf, on five real conversations and 1,000,000 votes.

For each real conversation: the adjusted Rand index of the groups found by red-dwarf and by
ours against the groups Polis itself computed (`group-id` in `participants-votes.csv`), on the
participants both have. For each conversation and for a synthetic conversation of 1,000,000
votes: the best of three full recomputes, the tracemalloc peak and the growth of the process's
peak resident set (ru_maxrss) during one recompute. Every measurement runs in its own
subprocess, so that one side's memory does not hide the other's and red-dwarf can be cut off
after a timeout. Input conversion (CSV to each side's input format) is not timed.

Run with `make bench`. Benches report, tests assert: the exit code is 0 whatever the figures.
"""

import csv
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

CONVERSATIONS = (
    "15-per-hour-seattle",
    "brexit-consensus",
    "canadian-electoral-reform",
    "scoop-hivemind.biodiversity",
    "bg2050-volunteers",
)
DATA_DIRS = (ROOT / "tests" / "data" / "polis", Path("/work/shared/data/polis"))
SYNTHETIC = "synthetic-1M"
SYNTHETIC_PARTICIPANTS = 10_000
SYNTHETIC_STATEMENTS = 2_000
SYNTHETIC_VOTES = 1_000_000
SYNTHETIC_GROUPS = (0.45, 0.30, 0.15, 0.10)
REDDWARF_TIMEOUT = float(os.environ.get("BENCH_REDDWARF_TIMEOUT", "300"))
OURS_TIMEOUT = float(os.environ.get("BENCH_OURS_TIMEOUT", "600"))
ROUNDS = 3
RANDOM_STATE = 0
SEEDS = range(20)
SEEDS_TIMEOUT = float(os.environ.get("BENCH_SEEDS_TIMEOUT", "1800"))
# The method's choices that were made on data (``maths.Options``), each checked by the
# leave-one-out on conversations it was not chosen on; the shipped one is Polis' own.
SHIPPED = "polis start, silhouette unweighted"


def variants() -> dict[str, Any]:
    from delaktig.opinionmaps.maths import Options

    return {
        SHIPPED: Options(),
        "polis start, silhouette weighted": Options(weigh_silhouette=True),
        "k-means++ restarts, silhouette unweighted": Options(start="kmeans++"),
        "k-means++ restarts, silhouette weighted": Options(start="kmeans++", weigh_silhouette=True),
    }


NOT_AVAILABLE = "opinion maps maths not available yet"


@dataclass
class Votes:
    """One conversation's votes, one row per (participant, statement), latest vote kept."""

    participants: np.ndarray  # int64
    statements: np.ndarray  # int64
    values: np.ndarray  # int8: 1 agree, -1 disagree, 0 pass
    timestamps: np.ndarray  # int64, milliseconds
    moderated_out: list[int]
    meta: list[int]
    folder: Path | None


# --- data -------------------------------------------------------------------------------------


def conversation_dir(name: str) -> Path:
    for base in DATA_DIRS:
        if (base / name / "votes.csv").exists():
            return base / name
    raise FileNotFoundError(f"no votes.csv for {name} in {', '.join(map(str, DATA_DIRS))}")


def load_conversation(name: str) -> Votes:
    folder = conversation_dir(name)
    latest: dict[tuple[int, int], tuple[int, int]] = {}
    with (folder / "votes.csv").open(newline="") as f:
        for row in csv.DictReader(f):
            key = (int(row["voter-id"]), int(row["comment-id"]))
            stamp = int(row["timestamp"])
            if key not in latest or stamp >= latest[key][0]:
                latest[key] = (stamp, int(row["vote"]))
    keys = np.array(list(latest), dtype=np.int64).reshape(-1, 2)
    stamps_votes = np.array(list(latest.values()), dtype=np.int64).reshape(-1, 2)
    moderated_out, meta = [], []
    with (folder / "comments.csv").open(newline="") as f:
        for row in csv.DictReader(f):
            if row.get("moderated") == "-1":
                moderated_out.append(int(row["comment-id"]))
            if row.get("is-meta") == "true":
                meta.append(int(row["comment-id"]))
    return Votes(
        participants=keys[:, 0],
        statements=keys[:, 1],
        values=stamps_votes[:, 1].astype(np.int8),
        timestamps=stamps_votes[:, 0],
        moderated_out=sorted(moderated_out),
        meta=sorted(meta),
        folder=folder,
    )


def polis_groups(name: str) -> dict[int, int]:
    """The groups Polis computed; participants it left out of the map have no group-id."""
    with (conversation_dir(name) / "participants-votes.csv").open(newline="") as f:
        return {
            int(row["participant"]): int(row["group-id"])
            for row in csv.DictReader(f)
            if row["group-id"] != ""
        }


def synthetic() -> tuple[Votes, np.ndarray]:
    """A sparse conversation with real structure, and each participant's latent group.

    Each latent group holds a stance on every statement (agree, disagree or pass, with some
    statements shared by all groups); a participant votes their group's stance with
    probability 0.7 and otherwise at random. The number of votes per participant is
    log-normal (a few vote on almost everything, most on a few dozen), and statements are
    picked with a skewed popularity, as early statements in a conversation are seen by more.
    """
    rng = np.random.default_rng(20240601)
    n, m = SYNTHETIC_PARTICIPANTS, SYNTHETIC_STATEMENTS
    groups = rng.choice(len(SYNTHETIC_GROUPS), n, p=SYNTHETIC_GROUPS)
    shared = rng.choice(np.array([-1, 0, 1], dtype=np.int8), m, p=[0.25, 0.15, 0.6])
    stances = np.where(
        rng.random((len(SYNTHETIC_GROUPS), m)) < 0.4,
        shared,
        rng.choice(np.array([-1, 0, 1], dtype=np.int8), (len(SYNTHETIC_GROUPS), m)),
    ).astype(np.int8)

    counts = rng.lognormal(mean=4.0, sigma=1.0, size=n)
    counts = np.clip(np.round(counts * SYNTHETIC_VOTES / counts.sum()), 1, m).astype(np.int64)
    for _ in range(100):  # rounding and clipping leave a small difference: spread it
        gap = SYNTHETIC_VOTES - int(counts.sum())
        if gap == 0:
            break
        room = np.flatnonzero(counts < m) if gap > 0 else np.flatnonzero(counts > 1)
        pick = rng.choice(room, min(abs(gap), room.size), replace=False)
        counts[pick] += 1 if gap > 0 else -1

    popularity = 1.0 / np.sqrt(np.arange(1, m + 1))
    participants = np.repeat(np.arange(n, dtype=np.int64), counts)
    statements = np.empty(SYNTHETIC_VOTES, dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(counts)])
    chunk = 500
    for first in range(0, n, chunk):
        # Weighted sampling without replacement (Efraimidis-Spirakis): the top keys win.
        keys = np.log(rng.random((min(chunk, n - first), m))) / popularity
        order = np.argsort(-keys, axis=1)
        for row, person in enumerate(range(first, min(first + chunk, n))):
            statements[starts[person] : starts[person + 1]] = order[row, : counts[person]]

    follow = rng.random(SYNTHETIC_VOTES) < 0.7
    noise = rng.choice(np.array([-1, 0, 1], dtype=np.int8), SYNTHETIC_VOTES)
    values = np.where(follow, stances[groups[participants], statements], noise).astype(np.int8)
    timestamps = 1_700_000_000_000 + np.arange(SYNTHETIC_VOTES, dtype=np.int64)
    votes = Votes(participants, statements, values, timestamps, [], [], None)
    return votes, groups


def load(dataset: str) -> Votes:
    return synthetic()[0] if dataset == SYNTHETIC else load_conversation(dataset)


def reference_groups(dataset: str) -> dict[int, int]:
    if dataset == SYNTHETIC:
        return {pid: int(group) for pid, group in enumerate(synthetic()[1])}
    return polis_groups(dataset)


# --- the two implementations ------------------------------------------------------------------
#
# Each `prepare_*` converts the votes to that side's input (not timed) and returns a function
# doing one full recompute and returning {participant id: group} for the grouped participants.


def prepare_reddwarf(votes: Votes) -> Callable[[], dict[int, int]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pydantic warns about red-dwarf's models on import
        from reddwarf.implementations.polis import run_pipeline

    records = [
        {"participant_id": p, "statement_id": s, "vote": v, "modified": t}
        for p, s, v, t in zip(
            votes.participants.tolist(),
            votes.statements.tolist(),
            votes.values.tolist(),
            votes.timestamps.tolist(),
            strict=True,
        )
    ]

    def run(seed: int = RANDOM_STATE, variant: str = "") -> dict[int, int]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pandas deprecations inside red-dwarf
            result = run_pipeline(
                votes=records,
                mod_out_statement_ids=votes.moderated_out,
                meta_statement_ids=votes.meta,
                random_state=seed,
            )
        labels = result.participants_df["cluster_id"].dropna()
        return {int(pid): int(group) for pid, group in labels.items()}

    return run


def prepare_ours(votes: Votes) -> Callable[[], dict[int, int]]:
    try:
        from delaktig.opinionmaps import maths, polisdata
    except ModuleNotFoundError as error:
        if error.name and error.name.startswith("delaktig.opinionmaps"):
            raise ImportError(NOT_AVAILABLE) from error
        raise

    if votes.folder is not None:
        conversation = polisdata.read_export(votes.folder)
        matrix = conversation.vote_matrix()
        history = conversation.vote_history()
    else:
        participant_ids = np.unique(votes.participants)
        statement_ids = np.unique(votes.statements)
        matrix = maths.VoteMatrix.from_triples(
            participant_ids.tolist(),
            statement_ids.tolist(),
            np.searchsorted(participant_ids, votes.participants),
            np.searchsorted(statement_ids, votes.statements),
            votes.values,
        )
        history = maths.VoteHistory(
            participant_ids=participant_ids.tolist(),
            rows=np.searchsorted(participant_ids, votes.participants),
            cols=votes.statements,
            times=votes.timestamps,
        )

    def run(seed: int = RANDOM_STATE, variant: str = SHIPPED) -> dict[int, int]:
        result = maths.analyze(matrix, seed=seed, history=history, options=variants()[variant])
        return {
            int(pid): int(group)
            for pid, group in zip(result.participant_ids, result.labels.tolist(), strict=True)
            if group >= 0
        }

    return run


PREPARE: dict[str, Callable[[Votes], Callable[..., dict[int, int]]]] = {
    "red-dwarf": prepare_reddwarf,
    "ours": prepare_ours,
}


# --- one measurement, in a subprocess ---------------------------------------------------------


def maxrss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def reset_maxrss() -> None:
    """Bring ru_maxrss down to the current resident set (Linux >= 4.0), so that the peak of
    preparing the input does not hide the peak of the recompute. Elsewhere the delta is only
    a lower bound."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def emit(**fields: Any) -> None:
    print(json.dumps(fields), flush=True)


def measure(side: str, dataset: str, kind: str) -> None:
    """Print JSON lines as results come, so that a timeout still leaves what was done."""
    try:
        run = PREPARE[side](load(dataset))
    except ImportError as error:
        emit(unavailable=str(error))
        return
    gc.collect()
    if kind == "seeds":
        reference = reference_groups(dataset)
        names = list(variants()) if side == "ours" else [""]
        for variant in names:
            first: dict[int, int] | None = None
            for seed in SEEDS:
                labels = run(seed, variant) if side == "ours" else run(seed)
                ari, _ = adjusted_rand(labels, reference)
                same = first is None or (
                    set(labels) == set(first) and adjusted_rand(labels, first)[0] == 1.0
                )
                first = labels if first is None else first
                emit(
                    variant=variant, seed=seed, ari=ari, same=same, groups=len(set(labels.values()))
                )
        return
    if kind == "memory":
        tracemalloc.start()
        run()
        emit(tracemalloc_peak=tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        return
    for round_ in range(ROUNDS):
        reset_maxrss()
        baseline = maxrss_bytes()
        start = time.perf_counter()
        labels = run()
        seconds = time.perf_counter() - start
        if round_ == 0:
            emit(labels=labels, maxrss_delta=maxrss_bytes() - baseline)
        emit(seconds=seconds)


def in_subprocess(side: str, dataset: str, kind: str) -> tuple[dict[str, Any], bool]:
    """Merged JSON lines of one measurement, and whether it was cut off by the timeout."""
    timeout = REDDWARF_TIMEOUT if side == "red-dwarf" else OURS_TIMEOUT
    if kind == "seeds":
        timeout = SEEDS_TIMEOUT
    command = [sys.executable, __file__, "--measure", side, dataset, kind]
    timed_out = False
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        output, failed = done.stdout, done.returncode != 0
        if failed:
            sys.stderr.write(done.stderr[-2000:])
    except subprocess.TimeoutExpired as expired:
        raw = expired.stdout or b""
        output = raw.decode() if isinstance(raw, bytes) else raw
        timed_out = True
    merged: dict[str, Any] = {"seconds": [], "seeds": []}
    for line in output.splitlines():
        if line.startswith("{"):
            fields = json.loads(line)
            if "seconds" in fields:
                merged["seconds"].append(fields["seconds"])
            elif "seed" in fields:
                merged["seeds"].append(fields)
            else:
                merged.update(fields)
    return merged, timed_out


# --- report -----------------------------------------------------------------------------------


def adjusted_rand(found: dict[int, int], reference: dict[int, int]) -> tuple[float, int]:
    from sklearn.metrics import adjusted_rand_score

    common = sorted(set(found) & set(reference))
    if not common:
        return float("nan"), 0
    score = adjusted_rand_score([reference[p] for p in common], [found[p] for p in common])
    return float(score), len(common)


def evaluate(side: str, dataset: str, reference: dict[int, int]) -> dict[str, Any]:
    timing, timed_out = in_subprocess(side, dataset, "time")
    if "unavailable" in timing:
        return {"unavailable": timing["unavailable"]}
    row: dict[str, Any] = {"timeout": timed_out and not timing["seconds"]}
    if timing["seconds"]:
        row["best_s"] = min(timing["seconds"])
        row["rounds"] = len(timing["seconds"])
    row["maxrss_delta"] = timing.get("maxrss_delta")
    if "labels" in timing:
        labels = {int(pid): group for pid, group in timing["labels"].items()}
        row["ari"], row["compared"] = adjusted_rand(labels, reference)
        row["groups"] = len(set(labels.values()))
    if not row["timeout"]:
        memory, memory_timed_out = in_subprocess(side, dataset, "memory")
        row["tracemalloc_peak"] = memory.get("tracemalloc_peak")
        row["memory_timeout"] = memory_timed_out
    return row


def mib(value: int | None) -> str:
    return "n/a" if value is None else f"{value / 2**20:.0f}"


def seconds_text(side: str, row: dict[str, Any]) -> str:
    if row.get("timeout"):
        timeout = REDDWARF_TIMEOUT if side == "red-dwarf" else OURS_TIMEOUT
        return f"> {timeout:.0f} s"
    if "best_s" not in row:
        return "failed"
    return f"{row['best_s']:.3f}"


def print_row(dataset: str, side: str, row: dict[str, Any]) -> None:
    if "unavailable" in row:
        print(f"{dataset:28} {side:9} {row['unavailable']}", flush=True)
        return
    ari = f"{row['ari']:.3f}" if "ari" in row else "n/a"
    print(
        f"{dataset:28} {side:9} {ari:>6} {row.get('compared', 0):>6} {row.get('groups', 0):>6}"
        f" {seconds_text(side, row):>10} {mib(row.get('tracemalloc_peak')):>10}"
        f" {mib(row.get('maxrss_delta')):>10}",
        flush=True,
    )


def seeds_report() -> dict[str, Any]:
    """The ARI against Polis' groups over seeds 0-19 (median and range) of red-dwarf and of
    every variant of ours, whether each seed gave the same groups, and the leave-one-out:
    for each conversation, the variant with the best mean of medians on the other four, and
    its median on this one (what choosing on data gives on a conversation not chosen on)."""
    medians: dict[str, dict[str, float]] = {}
    table: dict[str, Any] = {}
    print()
    print(f"ARI against Polis' groups over seeds {SEEDS[0]}-{SEEDS[-1]}: median (range)")
    print(f"{'conversation':28} {'ours (' + SHIPPED + ')':>50} {'same':>5} {'red-dwarf':>22}")
    for dataset in CONVERSATIONS:
        table[dataset] = {}
        for side in PREPARE:
            merged, timed_out = in_subprocess(side, dataset, "seeds")
            by_variant: dict[str, list[dict[str, Any]]] = {}
            for row in merged["seeds"]:
                by_variant.setdefault(row["variant"] or side, []).append(row)
            for variant, rows in by_variant.items():
                aris = [row["ari"] for row in rows]
                table[dataset][variant] = {
                    "median": statistics.median(aris),
                    "min": min(aris),
                    "max": max(aris),
                    "seeds": len(aris),
                    "same_for_every_seed": all(row["same"] for row in rows),
                    "groups": sorted({row["groups"] for row in rows}),
                    "timeout": timed_out,
                }
                medians.setdefault(variant, {})[dataset] = statistics.median(aris)
        ours, theirs = table[dataset].get(SHIPPED), table[dataset].get("red-dwarf")

        def cell(row: dict[str, Any] | None) -> str:
            if not row:
                return "n/a"
            return f"{row['median']:.3f} ({row['min']:.3f}-{row['max']:.3f}), k {row['groups']}"

        same = "yes" if ours and ours["same_for_every_seed"] else "no"
        print(f"{dataset:28} {cell(ours):>50} {same:>5} {cell(theirs):>22}")
    mean_ours = statistics.fmean(medians.get(SHIPPED, {}).values() or [float("nan")])
    mean_theirs = statistics.fmean(medians.get("red-dwarf", {}).values() or [float("nan")])
    print(
        f"mean of the medians: ours {mean_ours:.3f}, red-dwarf {mean_theirs:.3f}; difference "
        f"{mean_ours - mean_theirs:+.3f} (target ≥ +0.1: "
        f"{'pass' if mean_ours - mean_theirs >= 0.1 else 'FAIL'})"
    )
    print()
    print("Each variant's median per conversation:")
    for variant in variants():
        row = medians.get(variant, {})
        cells = " ".join(f"{row.get(d, float('nan')):.3f}" for d in CONVERSATIONS)
        print(f"  {variant:44} {cells}  mean {statistics.fmean(row.values() or [0.0]):.3f}")
    print()
    print("Leave-one-out: the variant chosen on the other four, and its median here")
    held_out = {}
    for dataset in CONVERSATIONS:
        others = [d for d in CONVERSATIONS if d != dataset]
        chosen = max(
            variants(),
            key=lambda v: statistics.fmean(medians.get(v, {}).get(d, 0.0) for d in others),
        )
        held_out[dataset] = {"chosen": chosen, "median": medians.get(chosen, {}).get(dataset)}
        print(f"  {dataset:28} {chosen:44} {held_out[dataset]['median']:.3f}")
    loo_mean = statistics.fmean(row["median"] for row in held_out.values())
    print(f"  mean over the held-out conversations: {loo_mean:.3f}")
    return {"table": table, "leave_one_out": held_out, "leave_one_out_mean": loo_mean}


def main() -> None:
    results: dict[str, dict[str, dict[str, Any]]] = {}
    print(
        f"{'conversation':28} {'side':9} {'ARI':>6} {'n':>6} {'groups':>6} {'best s':>10}"
        f" {'trace MiB':>10} {'RSS+ MiB':>10}"
    )
    for dataset in (*CONVERSATIONS, SYNTHETIC):
        reference = reference_groups(dataset)
        results[dataset] = {}
        for side in PREPARE:
            row = evaluate(side, dataset, reference)
            results[dataset][side] = row
            print_row(dataset, side, row)

    print()
    print("ARI against Polis's own groups, mean over the five real conversations:")
    for side in PREPARE:
        scores = [results[name][side].get("ari") for name in CONVERSATIONS]
        if all(isinstance(score, float) for score in scores):
            print(f"  {side:9} {statistics.fmean(s for s in scores if s is not None):.3f}")
        else:
            print(f"  {side:9} n/a ({NOT_AVAILABLE if side == 'ours' else 'failed'})")

    results["seeds"] = seeds_report()

    votes, _ = synthetic()
    counts = np.bincount(votes.participants, minlength=SYNTHETIC_PARTICIPANTS)
    print()
    print(
        f"{SYNTHETIC}: {votes.values.size:,} votes, {SYNTHETIC_PARTICIPANTS:,} participants,"
        f" {SYNTHETIC_STATEMENTS:,} statements, {len(SYNTHETIC_GROUPS)} latent groups;"
        f" votes per participant min {counts.min()}, median {int(np.median(counts))},"
        f" mean {counts.mean():.0f}, max {counts.max()};"
        f" participants with >= 7 votes {int((counts >= 7).sum()):,};"
        f" agree/disagree/pass {np.mean(votes.values == 1):.2f}/"
        f"{np.mean(votes.values == -1):.2f}/{np.mean(votes.values == 0):.2f}"
    )
    ours, theirs = results[SYNTHETIC]["ours"], results[SYNTHETIC]["red-dwarf"]
    if "best_s" in ours:
        peak = max(ours.get("tracemalloc_peak") or 0, ours.get("maxrss_delta") or 0)
        print(f"  ours: {ours['best_s']:.2f} s (target < 5 s), peak {mib(peak)} MiB (< 2048)")
        if "best_s" in theirs:
            print(f"  red-dwarf time / our time: {theirs['best_s'] / ours['best_s']:.1f}× (≥ 10×)")
        elif theirs.get("timeout"):
            print(f"  red-dwarf time / our time: > {REDDWARF_TIMEOUT / ours['best_s']:.1f}×")
        for key in ("tracemalloc_peak", "maxrss_delta"):
            if theirs.get(key) and ours.get(key):
                print(f"  red-dwarf {key} / ours: {theirs[key] / ours[key]:.1f}×")
    else:
        print(f"  ours: {NOT_AVAILABLE}")
        if "best_s" in theirs:
            print(f"  red-dwarf: {theirs['best_s']:.1f} s")
        elif theirs.get("timeout"):
            print(f"  red-dwarf: > {REDDWARF_TIMEOUT:.0f} s")

    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "opinionmaps.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--measure":
        measure(*sys.argv[2:5])
    else:
        main()
