"""A verified resident's age in whole years (identity.ages, no database)."""

from dataclasses import dataclass
from datetime import date

import pytest

from delaktig.identity.ages import age_on


@dataclass
class Verified:
    birth_date: date | None


def test_a_year_older_on_the_birthday_not_the_day_before() -> None:
    born = date(2012, 6, 15)
    assert age_on(born, date(2025, 6, 14)) == 12
    assert age_on(born, date(2025, 6, 15)) == 13
    assert age_on(born, date(2025, 12, 31)) == 13
    assert age_on(born, date(2026, 1, 1)) == 13
    assert age_on(born, born) == 0


def test_a_leap_day_birthday_counts_from_the_first_of_march_in_other_years() -> None:
    born = date(2012, 2, 29)
    assert age_on(born, date(2025, 2, 28)) == 12
    assert age_on(born, date(2025, 3, 1)) == 13
    assert age_on(born, date(2028, 2, 28)) == 15
    assert age_on(born, date(2028, 2, 29)) == 16


def test_a_verification_gives_its_birth_date_and_unknown_stays_unknown() -> None:
    assert age_on(Verified(date(2011, 3, 1)), date(2024, 3, 1)) == 13
    assert age_on(Verified(None), date(2024, 3, 1)) is None
    assert age_on(None, date(2024, 3, 1)) is None


def test_a_day_before_the_birth_is_refused() -> None:
    with pytest.raises(ValueError, match="before the birth"):
        age_on(date(2012, 6, 15), date(2012, 6, 14))
