"""Small-group suppression for statistics about people. No Django here.

A count below the minimum group size is never shown; where a table has exactly one
suppressed cell, the next-smallest cell is suppressed too, so that the hidden one cannot
be worked out from the total (secondary suppression).
"""

from collections.abc import Mapping
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
