"""Precision and recall of the screening detectors on the labelled Swedish test set.

Runs `delaktig.screening.screen` over tests/data/screening/dev.jsonl (the development set),
validation.jsonl (written independently, read and run while developing to check that a change
generalises) and heldout.jsonl (never read when writing the detectors; only these aggregate
figures are looked at, once, at the end), scoring per text per label. Also the false-positive
rates on clean texts and the time per text against a floor (lower-casing plus one compiled
regex over the same texts).
Run with `make bench`; `--set dev` runs one set (repeatable), `--misses` lists the errors of
the dev and validation sets (never of the held-out set).
"""

import argparse
import json
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from delaktig.screening import HARMFUL_LABELS, PERSONAL_DATA_LABELS, screen  # noqa: E402

DATA = ROOT / "tests" / "data" / "screening"
SETS = {
    "dev": DATA / "dev.jsonl",
    "validation": DATA / "validation.jsonl",
    "heldout": DATA / "heldout.jsonl",
}
MISSES_ALLOWED = {"dev", "validation"}  # the held-out set's texts are never printed
ORDER = [
    "personnummer",
    "samordningsnummer",
    "phone",
    "email",
    "address",
    "health_named",
    "threat",
    "hate",
    "harassment",
]
PERSONAL = "personal data (any)"
HARMFUL = "harmful (any)"


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def grouped(labels: set[str]) -> set[str]:
    out = set(labels)
    if labels & PERSONAL_DATA_LABELS:
        out.add(PERSONAL)
    if labels & HARMFUL_LABELS:
        out.add(HARMFUL)
    return out


def ratio(a: int, b: int) -> float | None:
    return round(a / b, 3) if b else None


def score(rows: list[dict[str, Any]], predicted: list[set[str]]) -> dict[str, Any]:
    table = {}
    for label in [*ORDER, PERSONAL, HARMFUL]:
        tp = fp = fn = support = 0
        for row, pred in zip(rows, predicted, strict=True):
            gold = label in grouped(set(row["labels"]))
            guess = label in grouped(pred)
            support += gold
            tp += gold and guess
            fp += guess and not gold
            fn += gold and not guess
        table[label] = {
            "support": support,
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "precision": ratio(tp, tp + fp),
            "recall": ratio(tp, tp + fn),
        }
    clean = [(r, p) for r, p in zip(rows, predicted, strict=True) if not r["labels"]]
    hard = [(r, p) for r, p in clean if r.get("note", "").startswith("hard clean:")]
    return {
        "texts": len(rows),
        "labels": table,
        "clean_texts": len(clean),
        "clean_flagged_any": sum(bool(p) for _, p in clean),
        "clean_fp_rate": ratio(sum(bool(p) for _, p in clean), len(clean)),
        "hard_clean_texts": len(hard),
        "hard_clean_fp_rate": ratio(sum(bool(p) for _, p in hard), len(hard)),
        "clean_debate_harmful_fp_rate": ratio(
            sum(bool(p & HARMFUL_LABELS) for _, p in clean), len(clean)
        ),
    }


def median_us(job: Callable[[str], object], texts: list[str], rounds: int = 5) -> float:
    """The median over texts of each text's fastest time, in microseconds."""
    per_text = []
    for text in texts:
        best = float("inf")
        for _ in range(rounds):
            begin = time.perf_counter()
            job(text)
            best = min(best, time.perf_counter() - begin)
        per_text.append(best * 1e6)
    return statistics.median(per_text)


FLOOR = re.compile(r"\d{6,8}[-+]?\d{4}|\S+@\S+|\b(?:hot|hat|döda|jävla)\w*")


def floor(text: str) -> object:
    return FLOOR.findall(text.lower())


def print_table(name: str, result: dict[str, Any]) -> None:
    print(f"\n== {name}: {result['texts']} texts ==")
    print(f"{'label':<22}{'support':>8}{'TP':>5}{'FP':>5}{'FN':>5}{'precision':>11}{'recall':>8}")
    for label, row in result["labels"].items():
        p = "-" if row["precision"] is None else f"{row['precision']:.3f}"
        r = "-" if row["recall"] is None else f"{row['recall']:.3f}"
        print(
            f"{label:<22}{row['support']:>8}{row['tp']:>5}{row['fp']:>5}{row['fn']:>5}{p:>11}{r:>8}"
        )
    print(
        f"false-positive rate on clean texts: {result['clean_fp_rate']} "
        f"({result['clean_flagged_any']}/{result['clean_texts']}); on hard clean texts: "
        f"{result['hard_clean_fp_rate']} (of {result['hard_clean_texts']}); harmful "
        f"false-positive rate on clean debate: {result['clean_debate_harmful_fp_rate']}"
    )
    print(
        f"time per text: median {result['median_us']:.1f} µs, floor {result['floor_us']:.2f}"
        f" µs, ratio {result['time_ratio']:.0f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", choices=sorted(SETS), action="append")
    parser.add_argument("--misses", action="store_true", help="list dev and validation errors")
    args = parser.parse_args()
    report: dict[str, Any] = {}
    for name in args.set or list(SETS):
        rows = load(SETS[name])
        predicted = [set(screen(row["text"]).labels) for row in rows]
        result = score(rows, predicted)
        texts = [row["text"] for row in rows]
        result["median_us"] = round(median_us(lambda t: screen(t), texts), 1)
        result["floor_us"] = round(median_us(floor, texts), 2)
        result["time_ratio"] = round(result["median_us"] / result["floor_us"], 1)
        report[name] = result
        print_table(name, result)
        if args.misses and name in MISSES_ALLOWED:
            for row, pred in zip(rows, predicted, strict=True):
                if set(row["labels"]) != pred:
                    print(f"  {row['id']} gold={sorted(row['labels'])} got={sorted(pred)}")
                    print(f"      {row['text']}")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    if args.set is None:
        (out / "screening.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
