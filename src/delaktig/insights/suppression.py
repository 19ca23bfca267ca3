"""Small-group suppression for statistics about people. No Django here.

A count below the minimum group size is never shown; where a table has exactly one
suppressed cell, the next-smallest cell is suppressed too, so that the hidden one cannot
be worked out from the total (secondary suppression).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Cell:
    label: str
    count: int | None  # None: suppressed

    @property
    def suppressed(self) -> bool:
        return self.count is None


def suppress(counts: Mapping[str, int], *, min_size: int) -> list[Cell]:
    """Return the cells in the given order with small groups suppressed."""
    hidden = {k for k, v in counts.items() if 0 < v < min_size}
    if len(hidden) == 1:
        visible = sorted(((v, k) for k, v in counts.items() if k not in hidden and v > 0))
        if visible:
            hidden.add(visible[0][1])
    return [Cell(k, None if k in hidden else v) for k, v in counts.items()]


def total_is_safe(cells: list[Cell]) -> bool:
    """Whether the total may be shown beside these cells.

    With exactly one hidden cell, the total minus the visible cells gives the hidden count
    away (secondary suppression found no other non-empty cell to hide with it).
    """
    return sum(1 for cell in cells if cell.suppressed) != 1


def age_group(birth_year: int, year: int) -> str:
    """The age band used across the platform, from the age reached during ``year``."""
    age = year - birth_year
    bands = [
        (0, 17, "0–17"),
        (18, 29, "18–29"),
        (30, 44, "30–44"),
        (45, 64, "45–64"),
        (65, 79, "65–79"),
    ]
    for low, high, label in bands:
        if low <= age <= high:
            return label
    return "80+" if age >= 80 else "0–17"


AGE_GROUPS = ["0–17", "18–29", "30–44", "45–64", "65–79", "80+"]


def suppress_table(
    counts: Sequence[Sequence[int]], row_totals: Sequence[int], *, min_size: int
) -> tuple[list[list[bool]], list[bool]]:
    """Which cells and row totals of a group × answer table to hide.

    The table sits beside figures that are shown in full: each answer's total over all groups
    (its column total) and the number who answered. So a hidden figure must never be the only
    hidden one in its row, its column, or among the row totals, or it could be worked out by
    subtraction:

    - a group smaller than ``min_size`` is hidden whole, zeros included (a zero would tell
      what everybody in the small group answered);
    - if exactly one group is hidden that way, the smallest other group is hidden with it;
    - in the groups shown, counts from 1 to ``min_size - 1`` are hidden;
    - then, until nothing changes, a row or a column with exactly one hidden cell has its
      smallest shown non-zero cell hidden as well.

    Returns ``(hidden cells, hidden row totals)``.
    """
    rows = len(counts)
    cols = len(counts[0]) if rows else 0
    hidden_rows = [0 < total < min_size for total in row_totals]
    if sum(hidden_rows) == 1:
        others = [(t, i) for i, t in enumerate(row_totals) if not hidden_rows[i] and t > 0]
        if others:
            hidden_rows[min(others)[1]] = True
    hidden = [
        [hidden_rows[i] or 0 < counts[i][j] < min_size for j in range(cols)] for i in range(rows)
    ]

    def hide_smallest(cells: list[tuple[int, int]]) -> bool:
        candidates = [(counts[i][j], i, j) for i, j in cells if not hidden[i][j] and counts[i][j]]
        if not candidates:
            return False
        _count, i, j = min(candidates)
        hidden[i][j] = True
        return True

    changed = True
    while changed:
        changed = False
        for i in range(rows):
            if sum(hidden[i]) == 1:
                changed |= hide_smallest([(i, j) for j in range(cols)])
        for j in range(cols):
            if sum(hidden[i][j] for i in range(rows)) == 1:
                changed |= hide_smallest([(i, j) for i in range(rows)])
    return hidden, hidden_rows
