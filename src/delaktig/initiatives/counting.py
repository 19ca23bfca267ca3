"""Folkinitiativ (Kommunallagen 8 kap. 2 §): which signatures count. Plain Python.

At least ten per cent of those entitled to vote must sign, and only signatures made in the
six months before the initiative is submitted count. One person counts once.
"""

import calendar
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


def six_months_before(day: date) -> date:
    """The same day six months earlier; the last day of that month if it has no such day."""
    month = day.month - 6
    year = day.year
    if month <= 0:
        month += 12
        year -= 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last_day))


@dataclass(frozen=True)
class SignatureRow:
    signed_on: date
    person: str  # keyed hash of the personnummer
    valid: bool  # name, address and handwritten signature present and legible


@dataclass(frozen=True)
class Count:
    valid: int
    required: int
    too_old: int
    duplicates: int
    invalid: int
    after_submission: int

    @property
    def reached(self) -> bool:
        return self.valid >= self.required

    def stored(self) -> dict[str, int]:
        """What is kept with the initiative (``required`` follows from its voters)."""
        return {
            "valid": self.valid,
            "too_old": self.too_old,
            "duplicates": self.duplicates,
            "invalid": self.invalid,
            "after_submission": self.after_submission,
        }

    @classmethod
    def from_stored(cls, stored: dict[str, int], *, entitled_voters: int) -> "Count":
        return cls(
            valid=stored["valid"],
            required=required_signatures(entitled_voters),
            too_old=stored["too_old"],
            duplicates=stored["duplicates"],
            invalid=stored["invalid"],
            after_submission=stored["after_submission"],
        )


def required_signatures(entitled_voters: int) -> int:
    return math.ceil(entitled_voters / 10)


def count_signatures(
    rows: Iterable[SignatureRow], *, submitted_on: date, entitled_voters: int
) -> Count:
    window_start = six_months_before(submitted_on)
    seen: set[str] = set()
    valid = too_old = duplicates = invalid = after = 0
    for row in sorted(rows, key=lambda r: r.signed_on):
        if not row.valid:
            invalid += 1
        elif row.signed_on > submitted_on:
            after += 1
        elif row.signed_on < window_start:
            too_old += 1
        elif row.person in seen:
            duplicates += 1
        else:
            seen.add(row.person)
            valid += 1
    return Count(valid, required_signatures(entitled_voters), too_old, duplicates, invalid, after)
