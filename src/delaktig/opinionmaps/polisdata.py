"""Read and write Polis open-data exports (``votes.csv``, ``comments.csv``,
``participants-votes.csv``), as published at github.com/compdemocracy/openData."""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from delaktig.core import exports
from delaktig.core.errors import ValidationFailed
from delaktig.opinionmaps.maths import Id, VoteHistory, VoteMatrix

# The files of an export this module reads and writes.
FILES = ("votes.csv", "comments.csv", "participants-votes.csv")
VOTE_COLUMNS = ("timestamp", "comment-id", "voter-id", "vote")
MODERATED_OUT = -1
NOT_MODERATED = 0  # Polis: not moderated yet


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
    vote_timestamps: npt.NDArray[np.int64]  # aligned with ``vote_cells``: the latest vote
    vote_cells: npt.NDArray[np.int64]  # (n_votes, 3): participant index, statement index, vote
    comments: dict[Id, Comment]
    polis_groups: dict[Id, int]  # Polis' own group-id per participant, where present
    n_vote_rows: int  # rows of votes.csv, re-votes included
    # When each cell was first voted on, aligned with ``vote_cells`` (a re-vote keeps it).
    first_timestamps: npt.NDArray[np.int64] | None = None

    @property
    def participant_ids(self) -> list[Id]:
        return self.votes.participant_ids

    @property
    def statement_ids(self) -> list[Id]:
        return self.votes.statement_ids

    def moderated_out(self) -> set[Id]:
        return {c.id for c in self.comments.values() if c.moderated == MODERATED_OUT}

    def vote_history(self) -> VoteHistory:
        """When each participant first voted on each statement, moderated ones included:
        who Polis put in the conversation as it grew (``maths.ever_in_conv``)."""
        times = self.first_timestamps
        if times is None:
            times = self.vote_timestamps
        return VoteHistory(
            participant_ids=self.participant_ids,
            rows=self.vote_cells[:, 0],
            cols=self.vote_cells[:, 1],
            times=times,
        )

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


class _Ids:
    """Parses ids, keeping one object per id: a vote file names the same few thousand voters
    and statements over and over."""

    def __init__(self) -> None:
        self.seen: dict[str, Id] = {}

    def __call__(self, raw: str) -> Id:
        try:
            return self.seen[raw]
        except KeyError:
            parsed = self.seen[raw] = _parse_id(raw)
            return parsed


def _read_columns(
    path: Path, columns: Mapping[str, Callable[[str], Any]], required: tuple[str, ...]
) -> dict[str, list[Any]]:
    """The named columns of a CSV file, each cell converted as it is read, in one pass.

    Only these columns are kept (participants-votes.csv has one per statement besides), so
    memory follows the rows, not the width. A cell missing from a short row reads as "".
    """
    if not path.is_file():
        raise _not_an_export(f"{path.name} is missing in {path.parent}")
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader, [])
            # The last of repeated names wins, as with csv.DictReader.
            positions = {name: index for index, name in enumerate(header)}
            missing = [c for c in required if c not in positions]
            if missing:
                raise _not_an_export(f"{path} lacks the column(s) {', '.join(missing)}")
            # A column the file lacks (only optional ones get here) reads as "" throughout.
            absent = sys.maxsize
            wanted = [
                (name, positions.get(name, absent), convert) for name, convert in columns.items()
            ]
            found: dict[str, list[Any]] = {name: [] for name in columns}
            for row in reader:
                if not row:
                    continue  # a blank line
                width = len(row)
                for name, index, convert in wanted:
                    found[name].append(convert(row[index] if index < width else ""))
        except csv.Error as exc:  # a NUL byte, a field over the csv module's limit
            raise _not_an_export(f"{path.name}, line {reader.line_num}: {exc}") from exc
    return found


def _optional(convert: Callable[[str], Any]) -> Callable[[str], Any]:
    return lambda raw: convert(raw) if raw else None


def read_export(folder: str | Path) -> Conversation:
    """Read a Polis export folder; of repeated votes the latest (by timestamp) wins.

    Raises :class:`ValidationFailed` ``opinionmaps.not_a_polis_export`` (with a ``detail`` in
    English) for a folder that lacks the files or columns of an export.
    """
    root = Path(folder)
    if not root.is_dir():
        raise _not_an_export(f"{root} is not a folder")
    parse_id = _Ids()
    votes = _read_votes(root, parse_id)
    comments = _read_comments(root, parse_id)
    listed, polis_groups = _read_polis_groups(root, parse_id)
    voters, voted = votes["voter-id"], votes["comment-id"]
    try:
        ts = np.array(votes["timestamp"], dtype=np.int64)
        vote = np.array(votes["vote"], dtype=np.int64)
    except OverflowError as exc:
        raise _not_an_export(f"votes.csv: {exc}") from exc

    key = _sort_key
    pids = sorted(set(voters) | set(listed), key=key)
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
    first = np.ones(len(order), dtype=bool)
    first[1:] = last[:-1]
    earliest = order[first]  # the same cells, in the same order
    matrix = VoteMatrix.from_triples(pids, sids, rows[keep], cols[keep], vote[keep])
    return Conversation(
        votes=matrix,
        vote_timestamps=ts[keep],
        vote_cells=np.column_stack([rows[keep], cols[keep], vote[keep]]),
        comments=comments,
        polis_groups=polis_groups,
        n_vote_rows=len(voters),
        first_timestamps=ts[earliest],
    )


def _not_an_export(detail: str) -> ValidationFailed:
    return ValidationFailed("opinionmaps.not_a_polis_export", detail=detail)


def _read_votes(root: Path, parse_id: _Ids) -> dict[str, list[Any]]:
    """The columns of ``votes.csv``: timestamp, vote, voter-id and comment-id."""
    try:
        return _read_columns(
            root / "votes.csv",
            {"timestamp": int, "vote": int, "voter-id": parse_id, "comment-id": parse_id},
            VOTE_COLUMNS,
        )
    except ValueError as exc:
        raise _not_an_export(f"votes.csv: {exc}") from exc


def _read_comments(root: Path, parse_id: _Ids) -> dict[Id, Comment]:
    """The statements of ``comments.csv`` by id."""
    columns = _read_columns(
        root / "comments.csv",
        {
            "comment-id": parse_id,
            "moderated": lambda raw: int(raw or 0),
            "author-id": _optional(parse_id),
            "timestamp": _optional(int),
            "comment-body": str,
        },
        ("comment-id", "moderated"),
    )
    comments: dict[Id, Comment] = {}
    for cid, author, text, moderated, stamp in zip(
        columns["comment-id"],
        columns["author-id"],
        columns["comment-body"],
        columns["moderated"],
        columns["timestamp"],
        strict=True,
    ):
        comments[cid] = Comment(
            id=cid, author_id=author, text=text, moderated=moderated, timestamp=stamp
        )
    return comments


def _read_polis_groups(root: Path, parse_id: _Ids) -> tuple[list[Id], dict[Id, int]]:
    """(every participant listed, Polis' own group of each where it has one) from
    ``participants-votes.csv``, which an export may lack."""
    path = root / "participants-votes.csv"
    if not path.is_file():
        return [], {}
    pv = _read_columns(
        path, {"participant": parse_id, "group-id": _optional(int)}, ("participant", "group-id")
    )
    groups = {
        pid: group
        for pid, group in zip(pv["participant"], pv["group-id"], strict=True)
        if group is not None
    }
    return pv["participant"], groups


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
        w = exports.writer(fh)
        w.writerow(["timestamp", "datetime", "comment-id", "voter-id", "vote"])
        for i in order:
            p, s, v = cells[i]
            w.writerow([int(stamps[i]), _datetime(int(stamps[i])), sids[s], pids[p], int(v)])

    agrees = np.bincount(cells[cells[:, 2] == 1, 1], minlength=len(sids))
    disagrees = np.bincount(cells[cells[:, 2] == -1, 1], minlength=len(sids))
    s_index = {s: j for j, s in enumerate(sids)}
    with (root / "comments.csv").open("w", newline="", encoding="utf-8") as fh:
        w = exports.writer(fh)
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
        w = exports.writer(fh)
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
