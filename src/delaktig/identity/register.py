"""Importing a population-register extract: personnummer and kommunkod, hashed on import."""

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from delaktig.organisations.models import Municipality

from .models import RegisterEntry
from .personnummer import InvalidIdentityNumber, identity_hash, parse
from .services import hash_key


@dataclass(frozen=True)
class RegisterError:
    line: int
    reason: str


class RegisterFileError(Exception):
    def __init__(self, errors: list[RegisterError]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"line {e.line}: {e.reason}" for e in errors[:10]))


def read_register(data: bytes, *, today: datetime | None = None) -> dict[str, str]:
    """Parse ``personnummer;kommunkod`` lines (a header line is allowed; comma or semicolon)
    into {identity hash: kommunkod}. Every line must be readable, or nothing is imported."""
    text = data.decode("utf-8-sig", errors="strict")
    dialect = ";" if text.count(";") >= text.count(",") else ","
    day = (today or timezone.now()).date()
    key = hash_key()
    known = set(Municipality.objects.values_list("code", flat=True))
    rows: dict[str, str] = {}
    errors: list[RegisterError] = []
    for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=dialect), start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if number == 1 and not any(ch.isdigit() for ch in cells[0]):
            continue  # a header
        if len(cells) < 2:
            errors.append(RegisterError(number, "expected personnummer and kommunkod"))
            continue
        try:
            parsed = parse(cells[0], today=day)
        except InvalidIdentityNumber:
            errors.append(RegisterError(number, "not a valid personnummer or samordningsnummer"))
            continue
        if cells[1] not in known:
            errors.append(RegisterError(number, f"unknown kommunkod {cells[1]!r}"))
            continue
        rows[identity_hash(parsed, key=key)] = cells[1]
    if not rows and not errors:
        errors.append(RegisterError(0, "the file holds no people"))
    if errors:
        raise RegisterFileError(errors)
    return rows


def register_replace(*, rows: dict[str, str], now: datetime | None = None) -> int:
    """Replace the whole register with ``rows`` (hash → kommunkod), in one transaction."""
    now = now or timezone.now()
    municipalities = dict(Municipality.objects.values_list("code", "pk"))
    with transaction.atomic():
        RegisterEntry.objects.all().delete()
        RegisterEntry.objects.bulk_create(
            [
                RegisterEntry(
                    identity_hash=digest, municipality_id=municipalities[code], imported_at=now
                )
                for digest, code in rows.items()
            ],
            batch_size=2000,
        )
    return len(rows)
