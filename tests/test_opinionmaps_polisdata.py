from pathlib import Path

import numpy as np
import pytest

from delaktig.core.errors import ValidationFailed
from delaktig.opinionmaps.polisdata import read_export, write_export

DATA = Path(__file__).parent / "data" / "polis"

# From ATTRIBUTION.md: voters, statements voted on, rows of votes.csv (re-votes included).
TABLE = {
    "15-per-hour-seattle": (339, 54, 2995),
    "brexit-consensus": (204, 50, 5312),
    "canadian-electoral-reform": (448, 174, 12018),
    "scoop-hivemind.biodiversity": (536, 314, 29802),
    "bg2050-volunteers": (126, 371, 14341),
}


@pytest.mark.parametrize("name", sorted(TABLE))
def test_read_counts(name: str) -> None:
    conv = read_export(DATA / name)
    voters, statements, rows = TABLE[name]
    seen = conv.votes.seen
    assert int((np.asarray(seen.sum(axis=1)).ravel() > 0).sum()) == voters
    assert int((np.asarray(seen.sum(axis=0)).ravel() > 0).sum()) == statements
    assert conv.n_vote_rows == rows
    assert seen.nnz < rows  # re-votes collapsed to one cell each
    assert conv.polis_groups and set(conv.polis_groups.values()) <= {0, 1, 2, 3, 4}
    moderated = conv.moderated_out()
    assert len(conv.vote_matrix().statement_ids) == len(conv.statement_ids) - len(moderated)


def test_latest_revote_wins(tmp_path: Path) -> None:
    (tmp_path / "votes.csv").write_text(
        "timestamp,datetime,comment-id,voter-id,vote\n"
        "300,x,0,1,-1\n100,x,0,1,1\n200,x,0,1,0\n50,x,1,1,0\n"
    )
    (tmp_path / "comments.csv").write_text(
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
        "1,x,0,1,0,0,1,a\n2,x,1,1,0,0,-1,b\n"
    )
    conv = read_export(tmp_path)
    assert conv.votes.values.toarray().tolist() == [[-1.0, 0.0]]
    assert conv.votes.seen.toarray().tolist() == [[1.0, 1.0]]  # a pass is a vote
    assert conv.vote_matrix().statement_ids == [0]  # comment 1 is moderated out
    assert conv.polis_groups == {}


@pytest.mark.parametrize("name", ["15-per-hour-seattle", "bg2050-volunteers"])
def test_write_export_round_trip(name: str, tmp_path: Path) -> None:
    conv = read_export(DATA / name)
    write_export(conv, tmp_path)
    again = read_export(tmp_path)
    assert again.participant_ids == conv.participant_ids
    assert again.statement_ids == conv.statement_ids
    assert (again.votes.values != conv.votes.values).nnz == 0
    assert (again.votes.seen != conv.votes.seen).nnz == 0
    assert again.comments == conv.comments
    assert again.polis_groups == conv.polis_groups
    assert np.array_equal(np.sort(again.vote_timestamps), np.sort(conv.vote_timestamps))


def test_not_an_export(tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed, match="opinionmaps.not_a_polis_export"):
        read_export(tmp_path)
    (tmp_path / "votes.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ValidationFailed, match="opinionmaps.not_a_polis_export"):
        read_export(tmp_path)
