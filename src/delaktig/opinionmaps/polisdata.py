"""Read and write Polis open-data exports (``votes.csv``, ``comments.csv``,
``participants-votes.csv``), as published at github.com/compdemocracy/openData."""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt

from delaktig.opinionmaps.maths import Id, VoteMatrix

VOTE_COLUMNS = ("timestamp", "comment-id", "voter-id", "vote")
MODERATED_OUT = -1


class NotAPolisExportError(ValueError):
    """The folder lacks the files or columns of a Polis export."""


@dataclass(frozen=True)
class Comment:
    id: Id
    author_id: Id | None
    text: str
    moderated: int  # 1 accepted, 0 not moderated yet, -1 moderated out
    timestamp: int | None  # milliseconds since the epoch


@dataclass
class Conversation:
    """A Polis conversation: the latest vote of each participant on each statement."""

    votes: VoteMatrix  # every participant and every statement, moderated ones included
    vote_timestamps: npt.NDArray[np.int64]  # aligned with ``vote_cells``
    vote_cells: npt.NDArray[np.int64]  # (n_votes, 3): participant index, statement index, vote
    comments: dict[Id, Comment]
    polis_groups: dict[Id, int]  # Polis' own group-id per participant, where present
    n_vote_rows: int  # rows of votes.csv, re-votes included

    @property
    def participant_ids(self) -> list[Id]:
        return self.votes.participant_ids

    @property
    def statement_ids(self) -> list[Id]:
        return self.votes.statement_ids

    def moderated_out(self) -> set[Id]:
        return {c.id for c in self.comments.values() if c.moderated == MODERATED_OUT}

    def vote_matrix(self) -> VoteMatrix:
        """The votes the maths uses: statements moderated out are left out, as Polis does."""
        out = self.moderated_out()
        keep = [j for j, s in enumerate(self.statement_ids) if s not in out]
        return replace(
            self.votes.take_columns(keep), moderated_out=len(self.statement_ids) - len(keep)
        )


def _parse_id(raw: str) -> Id:
    raw = raw.strip()
    return int(raw) if raw.lstrip("-").isdigit() else raw


def _read_rows(path: Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    if not path.is_file():
        raise NotAPolisExportError(f"{path.name} is missing in {path.parent}")
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise NotAPolisExportError(f"{path} lacks the column(s) {', '.join(missing)}")
        return list(reader)


def read_export(folder: str | Path) -> Conversation:
    """Read a Polis export folder; of repeated votes the latest (by timestamp) wins."""
    root = Path(folder)
    if not root.is_dir():
        raise NotAPolisExportError(f"{root} is not a folder")
    vote_rows = _read_rows(root / "votes.csv", VOTE_COLUMNS)
    comment_rows = _read_rows(root / "comments.csv", ("comment-id", "moderated"))
    pv_path = root / "participants-votes.csv"
    pv_rows = _read_rows(pv_path, ("participant", "group-id")) if pv_path.is_file() else []

    try:
        ts = np.array([int(r["timestamp"]) for r in vote_rows], dtype=np.int64)
        vote = np.array([int(r["vote"]) for r in vote_rows], dtype=np.int64)
    except ValueError as exc:
        raise NotAPolisExportError(f"votes.csv: {exc}") from exc
    voters = [_parse_id(r["voter-id"]) for r in vote_rows]
    voted = [_parse_id(r["comment-id"]) for r in vote_rows]

    comments: dict[Id, Comment] = {}
    for r in comment_rows:
        cid = _parse_id(r["comment-id"])
        author = r.get("author-id", "")
        stamp = r.get("timestamp", "")
        comments[cid] = Comment(
            id=cid,
            author_id=_parse_id(author) if author else None,
            text=r.get("comment-body", ""),
            moderated=int(r["moderated"] or 0),
            timestamp=int(stamp) if stamp else None,
        )
    polis_groups = {
        _parse_id(r["participant"]): int(r["group-id"]) for r in pv_rows if r["group-id"]
    }

    key = _sort_key
    pids = sorted(set(voters) | {_parse_id(r["participant"]) for r in pv_rows}, key=key)
    sids = sorted(set(voted) | set(comments), key=key)
    p_index = {p: i for i, p in enumerate(pids)}
    s_index = {s: j for j, s in enumerate(sids)}
    rows = np.array([p_index[p] for p in voters], dtype=np.int64)
    cols = np.array([s_index[s] for s in voted], dtype=np.int64)

    # Keep the latest vote per cell: sort by (cell, timestamp, file position), take the last.
    cell = rows * max(len(sids), 1) + cols
    order = np.lexsort((np.arange(len(cell)), ts, cell))
    last = np.ones(len(order), dtype=bool)
    last[:-1] = cell[order][1:] != cell[order][:-1]
    keep = order[last]
    matrix = VoteMatrix.from_triples(pids, sids, rows[keep], cols[keep], vote[keep])
    return Conversation(
        votes=matrix,
        vote_timestamps=ts[keep],
        vote_cells=np.column_stack([rows[keep], cols[keep], vote[keep]]),
        comments=comments,
        polis_groups=polis_groups,
        n_vote_rows=len(vote_rows),
    )


def _sort_key(pid: Id) -> tuple[int, int, str]:
    return (0, pid, "") if isinstance(pid, int) else (1, 0, str(pid))


def _datetime(ms: int | None) -> str:
    if ms is None:
        return ""
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%a %b %d %H:%M:%S UTC %Y")


def write_export(conversation: Conversation, folder: str | Path) -> None:
    """Write ``votes.csv``, ``comments.csv`` and ``participants-votes.csv`` into ``folder``."""
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    pids, sids = conversation.participant_ids, conversation.statement_ids
    cells = conversation.vote_cells
    stamps = conversation.vote_timestamps
    order = np.lexsort((cells[:, 1], cells[:, 0], stamps))
    with (root / "votes.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["timestamp", "datetime", "comment-id", "voter-id", "vote"])
        for i in order:
            p, s, v = cells[i]
            w.writerow([int(stamps[i]), _datetime(int(stamps[i])), sids[s], pids[p], int(v)])

    agrees = np.bincount(cells[cells[:, 2] == 1, 1], minlength=len(sids))
    disagrees = np.bincount(cells[cells[:, 2] == -1, 1], minlength=len(sids))
    s_index = {s: j for j, s in enumerate(sids)}
    with (root / "comments.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            ["timestamp", "datetime", "comment-id", "author-id", "agrees", "disagrees"]
            + ["moderated", "comment-body"]
        )
        for c in conversation.comments.values():
            j = s_index[c.id]
            author = "" if c.author_id is None else c.author_id
            stamp = "" if c.timestamp is None else c.timestamp
            w.writerow(
                [stamp, _datetime(c.timestamp), c.id, author, int(agrees[j]), int(disagrees[j])]
                + [c.moderated, c.text]
            )

    authored: dict[Id, int] = {}
    for c in conversation.comments.values():
        if c.author_id is not None:
            authored[c.author_id] = authored.get(c.author_id, 0) + 1
    dense = np.full((len(pids), len(sids)), "", dtype=object)
    for p, s, v in cells:
        dense[p, s] = str(int(v))
    with (root / "participants-votes.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"] + sids
        )
        for i, pid in enumerate(pids):
            row = dense[i]
            group = conversation.polis_groups.get(pid, "")
            n_votes = int(np.count_nonzero(row != ""))
            w.writerow(
                [pid, group, authored.get(pid, 0), n_votes]
                + [int(np.count_nonzero(row == "1")), int(np.count_nonzero(row == "-1"))]
                + list(row)
            )
