"""Swedish personnummer and samordningsnummer: parsing, validation and a keyed hash.

No Django here. A number is never stored in clear: callers keep :func:`identity_hash`, a
keyed HMAC of the normalised 12-digit form, so one person can be recognised across accounts
(one support per person) without the number itself being kept.
"""

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date

_PATTERN = re.compile(r"^(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{3})(\d)$")


class InvalidIdentityNumber(ValueError):
    """The text is not a valid personnummer or samordningsnummer."""


@dataclass(frozen=True)
class IdentityNumber:
    birth_date: date
    serial: str  # three digits
    check: int
    coordination: bool  # samordningsnummer: day + 60

    @property
    def normalised(self) -> str:
        """The 12-digit form, YYYYMMDDNNNC, with the day as written (60 added if coordination)."""
        day = self.birth_date.day + (60 if self.coordination else 0)
        return f"{self.birth_date:%Y%m}{day:02d}{self.serial}{self.check}"

    @property
    def sex_digit_is_odd(self) -> bool:
        return int(self.serial[-1]) % 2 == 1


def luhn_check_digit(nine_digits: str) -> int:
    """The Luhn check digit over YYMMDDNNN, as the Swedish Tax Agency computes it."""
    total = 0
    for index, char in enumerate(nine_digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return (10 - total % 10) % 10


def parse(text: str, *, today: date) -> IdentityNumber:
    """Parse 10 or 12 digits, with or without a '-' or '+' separator.

    For the 10-digit form the century is the latest one that does not put the birth date in
    the future, and '+' (used from the year a person turns 100) moves it one century back.
    """
    compact = re.sub(r"\s", "", text or "")
    match = _PATTERN.match(compact)
    if not match:
        raise InvalidIdentityNumber("format")
    century, yy, mm, dd, separator, serial, check = match.groups()
    day = int(dd)
    coordination = day > 60
    if coordination:
        day -= 60
    if century:
        year = int(century + yy)
    else:
        year = today.year - (today.year - int(yy)) % 100
        try:
            if date(year, int(mm), day) > today:
                year -= 100
        except ValueError:
            pass
        if separator == "+":
            year -= 100
    try:
        birth = date(year, int(mm), day)
    except ValueError:
        raise InvalidIdentityNumber("date") from None
    if birth > today:
        raise InvalidIdentityNumber("date")
    if luhn_check_digit(f"{yy}{mm}{dd}{serial}") != int(check):
        raise InvalidIdentityNumber("check_digit")
    return IdentityNumber(birth, serial, int(check), coordination)


def identity_hash(number: IdentityNumber, *, key: bytes) -> str:
    """A keyed, irreversible fingerprint of the person. Same person, same hash."""
    return hmac.new(key, number.normalised.encode("ascii"), hashlib.sha256).hexdigest()
