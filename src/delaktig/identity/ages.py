"""A verified resident's age on a given day, from the birth date in their personnummer.

No Django here. Age is counted in whole years as Swedish law does: a person is a year older on
their birthday, and someone born on 29 February becomes a year older on 1 March in a year
that is not a leap year.
"""

from datetime import date
from typing import Protocol


class HasBirthDate(Protocol):
    @property
    def birth_date(self) -> date | None: ...


def age_on(born: "date | HasBirthDate | None", day: date) -> int | None:
    """Whole years of age on ``day``, or None when the birth date is unknown.

    ``born`` is a birth date or anything with a ``birth_date`` (a Verification). A day before
    the birth is a mistake by the caller and raises ValueError.
    """
    birth = born if isinstance(born, date) or born is None else born.birth_date
    if birth is None:
        return None
    if day < birth:
        raise ValueError("day is before the birth date")
    # (2, 28) < (2, 29): someone born on a leap day is not a year older until 1 March.
    before_birthday = (day.month, day.day) < (birth.month, birth.day)
    return day.year - birth.year - int(before_birthday)
