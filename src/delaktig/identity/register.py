"""Importing a population-register extract: personnummer and kommunkod, hashed on import."""

import csv
import io
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from delaktig.core.catalogue import message
from delaktig.core.errors import DelaktigError, ValidationFailed
from delaktig.organisations.models import Municipality

from .models import RegisterEntry
from .personnummer import InvalidIdentityNumber, identity_hash, parse
from .services import hash_key

Problem = dict[str, str | int]


def _problem(code: str, line: int, **params: str | int) -> Problem:
    return {"code": f"identity.register_{code}", "line": line, **params}


def problem_messages(error: DelaktigError) -> list[str]:
    """The line-by-line problems of an ``identity.register_unreadable`` error, as text."""
    problems: list[Problem] = error.params.get("problems", [])
    return [message(str(problem["code"]), problem) for problem in problems]


def read_register(data: bytes, *, today: datetime | None = None) -> dict[str, str]:
    """Parse ``personnummer;kommunkod`` lines (a header line is allowed; comma or semicolon)
    into {identity hash: kommunkod}. Every line must be readable, or nothing is imported:
    ``identity.register_unreadable`` lists the ``problems`` (each a code, its line and
    parameters), ``identity.register_empty`` says there was no one in the file."""
    text = data.decode("utf-8-sig", errors="strict")
    dialect = ";" if text.count(";") >= text.count(",") else ","
    day = (today or timezone.now()).date()
    key = hash_key()
    known = set(Municipality.objects.values_list("code", flat=True))
    rows: dict[str, str] = {}
    problems: list[Problem] = []
    for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=dialect), start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if number == 1 and not any(ch.isdigit() for ch in cells[0]):
            continue  # a header
        if len(cells) < 2:
            problems.append(_problem("columns", number))
            continue
        try:
            parsed = parse(cells[0], today=day)
        except InvalidIdentityNumber:
            problems.append(_problem("bad_number", number))
            continue
        if cells[1] not in known:
            problems.append(_problem("unknown_municipality", number, value=cells[1]))
            continue
        rows[identity_hash(parsed, key=key)] = cells[1]
    if problems:
        raise ValidationFailed(
            "identity.register_unreadable", count=len(problems), problems=problems
        )
    if not rows:
        raise ValidationFailed("identity.register_empty")
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
