"""Our opinion maps against red-dwarf, on five real Polis conversations.

Both sides read the same local export (no network): red-dwarf gets the latest vote per
participant and statement as the list of vote records its Polis pipeline takes. Each side's
groups are compared with the groups Polis itself computed (`group-id` in
`participants-votes.csv`) by the adjusted Rand index, on the participants both have.
"""

import statistics
import warnings
from pathlib import Path

from sklearn.metrics import adjusted_rand_score

from delaktig.opinionmaps.maths import analyze
from delaktig.opinionmaps.polisdata import Conversation, read_export

DATA = Path(__file__).parent / "data" / "polis"
CONVERSATIONS = (
    "15-per-hour-seattle",
    "brexit-consensus",
    "canadian-electoral-reform",
    "scoop-hivemind.biodiversity",
    "bg2050-volunteers",
)


def agreement(found: dict[object, int], polis: dict[object, int]) -> float:
    common = [pid for pid in polis if pid in found]
    return float(
        adjusted_rand_score([polis[pid] for pid in common], [found[pid] for pid in common])
    )


def reddwarf_groups(conversation: Conversation) -> dict[object, int]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pydantic warns about red-dwarf's models on import
        from reddwarf.implementations.polis import run_pipeline

    pids, sids = conversation.participant_ids, conversation.statement_ids
    records = [
        {"participant_id": pids[p], "statement_id": sids[s], "vote": v, "modified": t}
        for (p, s, v), t in zip(
            conversation.vote_cells.tolist(), conversation.vote_timestamps.tolist(), strict=True
        )
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas deprecations inside red-dwarf
        result = run_pipeline(
            votes=records,
            mod_out_statement_ids=sorted(conversation.moderated_out()),
            random_state=0,
        )
    labels = result.participants_df["cluster_id"].dropna()
    return {pid: int(group) for pid, group in labels.items()}


def our_groups(conversation: Conversation) -> dict[object, int]:
    result = analyze(conversation.vote_matrix(), seed=0, history=conversation.vote_history())
    return {
        pid: int(group)
        for pid, group in zip(result.participant_ids, result.labels.tolist(), strict=True)
        if group >= 0
    }


def test_our_groups_match_polis_better_than_reddwarf() -> None:
    ours, theirs = [], []
    for name in CONVERSATIONS:
        conversation = read_export(DATA / name)
        assert conversation.polis_groups, name
        theirs.append(agreement(reddwarf_groups(conversation), conversation.polis_groups))
        ours.append(agreement(our_groups(conversation), conversation.polis_groups))
    # The target (23), not a figure tuned to these five: at least 0.1 above
    # red-dwarf in the same run. With Polis' cold start ours gives the same groups for any
    # seed; red-dwarf's seed 0 is one of its own (bench/opinionmaps.py reports 0-19).
    assert statistics.fmean(ours) >= statistics.fmean(theirs) + 0.1, (ours, theirs)
