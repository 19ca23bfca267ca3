from datetime import date

import pytest

from delaktig.identity.personnummer import (
    InvalidIdentityNumber,
    identity_hash,
    luhn_check_digit,
    parse,
)

TODAY = date(2026, 11, 23)


def test_luhn_matches_the_tax_agency_example() -> None:
    # Skatteverket's worked example: 811218-987 gives check digit 6.
    assert luhn_check_digit("811218987") == 6


@pytest.mark.parametrize(
    ("text", "born"),
    [
        ("811218-9876", date(1981, 12, 18)),
        ("8112189876", date(1981, 12, 18)),
        ("198112189876", date(1981, 12, 18)),
        ("19811218-9876", date(1981, 12, 18)),
        (" 811218 9876 ", date(1981, 12, 18)),
    ],
)
def test_valid_forms(text: str, born: date) -> None:
    number = parse(text, today=TODAY)
    assert number.birth_date == born and not number.coordination
    assert number.normalised == "198112189876"


def test_samordningsnummer_adds_sixty_to_the_day() -> None:
    nine = "701063239"  # 1970-10-03 as coordination number (day 63)
    number = parse(f"{nine[:6]}-{nine[6:]}{luhn_check_digit(nine)}", today=TODAY)
    assert number.coordination and number.birth_date == date(1970, 10, 3)
    assert number.normalised.startswith("19701063")


def test_plus_separator_means_a_hundred_years_or_more() -> None:
    nine = "201010123"
    check = luhn_check_digit(nine)
    assert parse(f"201010-123{check}", today=TODAY).birth_date == date(2020, 10, 10)
    assert parse(f"201010+123{check}", today=TODAY).birth_date == date(1920, 10, 10)


@pytest.mark.parametrize(
    "text",
    [
        "811218-9875",
        "811318-9876",
        "810229-1234",
        "abc",
        "",
        "12345",
        "811292-9876",
        "20301218-1234",
    ],
)
def test_invalid_numbers_are_refused(text: str) -> None:
    with pytest.raises(InvalidIdentityNumber):
        parse(text, today=TODAY)


def test_hash_is_keyed_stable_and_ignores_the_written_form() -> None:
    a = identity_hash(parse("811218-9876", today=TODAY), key=b"k1")
    b = identity_hash(parse("198112189876", today=TODAY), key=b"k1")
    c = identity_hash(parse("811218-9876", today=TODAY), key=b"k2")
    assert a == b and a != c and "9876" not in a
