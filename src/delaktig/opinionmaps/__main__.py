"""``python -m delaktig.opinionmaps analyze DIR --json [--seed N]``"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from typing import Any

from delaktig.core.errors import ValidationFailed
from delaktig.opinionmaps.maths import Result, analyze
from delaktig.opinionmaps.polisdata import read_export


def result_json(result: Result) -> dict[str, Any]:
    return {
        "k": result.k,
        "silhouette": result.silhouette,
        "seconds": result.seconds,
        "participants": len(result.participant_ids),
        "in_conv": int(result.in_conv.sum()),
        "groups": result.groups,
        "repness": [[asdict(r) for r in group] for group in result.repness],
        "consensus": [c.statement for c in result.consensus],
        "consensus_details": [asdict(c) for c in result.consensus],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m delaktig.opinionmaps")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("analyze", help="opinion groups of a Polis open-data export folder")
    run.add_argument("folder")
    run.add_argument("--json", action="store_true", help="print the result as JSON")
    run.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        conversation = read_export(args.folder)
    except ValidationFailed as exc:  # opinionmaps.not_a_polis_export, the only one raised
        print(f"error: not a Polis export: {exc.params.get('detail', exc)}", file=sys.stderr)
        return 2
    result = analyze(
        conversation.vote_matrix(), seed=args.seed, history=conversation.vote_history()
    )
    data = result_json(result)
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
    else:
        print(f"k={result.k} silhouette={result.silhouette:.3f} seconds={result.seconds:.2f}")
        for g, members in enumerate(result.groups):
            reps = ", ".join(f"{r.statement}:{r.direction}" for r in result.repness[g])
            print(f"group {g}: {len(members)} participants; representative {reps}")
        print("consensus:", ", ".join(str(s) for s in data["consensus"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
