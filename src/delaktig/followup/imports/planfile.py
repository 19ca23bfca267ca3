"""Read an existing action plan from a spreadsheet: one row per activity.

No Django here: the Django layer passes the uploaded bytes in and gets a :class:`PlanFile`
back, or a :class:`PlanFileError` when the file as a whole cannot be used. Both carry stable
codes with ``params``, whose messages ``followup.imports.messages`` adds to the one catalogue.

Formats
-------
**CSV** with comma, semicolon or tab between fields (the one that makes the most sense of the
header wins; an Excel ``sep=;`` first line is honoured), UTF-8 with or without BOM, UTF-16
with a BOM (Excel's "Unicode text"), or cp1252 as older Excel versions save it.
**XLSX**, recognised by its ZIP signature or the ``.xlsx`` extension; the first worksheet is
read. Dates in cells count as their year, numbers formatted as percentages as the percent
the user sees (0.4 shown as "40 %" is 40).

Columns
-------
The header is the first non-empty row. Column names are matched without regard to case,
diacritics, punctuation or a trailing remark in brackets ("Framsteg (%)"), in Swedish or
English; see :data:`COLUMNS`. ``area`` and ``title`` are required. A ``period``/``tid``
column ("2023–2025", "2024") may stand in for the start and end columns; when those exist
too, they win and the period column is ignored. Other columns, and second columns for a
field already found, are ignored and listed in :attr:`PlanFile.ignored_columns`.

Rows
----
Fully empty rows are skipped. Every other row is checked, and each problem becomes a
:class:`RowError`; a row with any error is left out of :attr:`PlanFile.rows`, but reading
goes on, so the user can see everything to correct at once. Row numbers are those a
spreadsheet shows (the header is row 1 when it is the first row).

Area names that differ only in case or spacing are one area, spelt as first seen.

The table itself is read by :mod:`delaktig.core.tables`, as every file importer reads it;
this module knows the plan's columns and values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Final

from delaktig.core.errors import ValidationFailed
from delaktig.core.tables import (
    DASHES,
    MAX_COLUMNS,
    TABLE_ERROR_CODES,
    TableError,
    alias_table,
    fold,
    header_key,
    key,
    map_columns,
    read_table,
)

__all__ = [
    "ACTIVITY_STATUSES",
    "COLUMNS",
    "ERROR_CODES",
    "FILE_ERROR_CODES",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "PARSER_ROW_ERROR_CODES",
    "PERSPECTIVES",
    "ROW_ERROR_CODES",
    "PlanFile",
    "PlanFileError",
    "PlanRow",
    "RowError",
    "fold",
    "parse_year",
    "prefixed_code",
    "read_plan",
]

# The codes of followup.status.ActivityStatus, repeated here to keep this module free of Django
# (a test holds them equal).
ACTIVITY_STATUSES: Final = ("not_started", "ongoing", "done", "postponed", "cancelled")
# Statuses that need a reason (followup.status.NEEDS_REASON).
_NEEDS_REASON: Final = frozenset({"postponed", "cancelled"})

# The codes of participation.models.Perspective.Code.
PERSPECTIVES: Final = ("barn_och_unga", "jamstalldhet", "tillganglighet", "minoriteter", "miljo")

MAX_ROWS: Final = 2_000
MIN_YEAR: Final = 1990
MAX_YEAR: Final = 2100
# What the model columns hold.
MAX_TITLE: Final = 300
_MAX_LENGTHS: Final[Mapping[str, int]] = {
    "area": 200,
    "responsible_unit": 200,
    "contact_name": 150,
    "contact_email": 254,
}

# --- Errors --------------------------------------------------------------------------------

# The codes; imports.messages holds their messages (in the one catalogue of error messages).
_PREFIX: Final = "followup.planfile."
FILE_ERROR_CODES: Final[frozenset[str]] = frozenset(
    _PREFIX + code for code in (*TABLE_ERROR_CODES, "missing_column", "no_rows")
)
# What read_plan reports.
PARSER_ROW_ERROR_CODES: Final[frozenset[str]] = frozenset(
    _PREFIX + code
    for code in (
        "missing_area",
        "missing_title",
        "title_too_long",  # length, limit
        "too_long",  # length, limit
        "bad_year",  # value, min, max
        "years_out_of_order",  # start, end
        "bad_status",  # value
        "reason_required",  # status
        "bad_progress",  # value
        "bad_email",  # value
        "sdg_goal_not_target",  # value
        "unknown_sdg_target",  # value
        "bad_gender_goal",  # value
        "unknown_perspective",  # value
        "duplicate_activity",  # title, area, first_row
    )
)
# Row errors that the Django side adds when it checks readable rows against the database.
ROW_ERROR_CODES: Final[frozenset[str]] = PARSER_ROW_ERROR_CODES | {
    _PREFIX + "unknown_goal",  # numbers
    _PREFIX + "already_in_plan",  # title
}
ERROR_CODES: Final[frozenset[str]] = FILE_ERROR_CODES | ROW_ERROR_CODES


class PlanFileError(ValidationFailed):
    """The file cannot be read as an action plan; ``code`` and ``params`` say why."""

    def __init__(self, code: str, **params: Any) -> None:
        if code not in FILE_ERROR_CODES:
            raise ValueError(f"unknown plan file error code {code!r}")
        super().__init__(code, **params)

    @classmethod
    def from_table(cls, error: TableError) -> PlanFileError:
        """The table reader's refusal as the plan file's."""
        return cls(_PREFIX + error.code, **error.params)


def prefixed_code(code: str) -> str:
    """A code with its prefix: row errors stored with a plan import before the codes had one
    (``"bad_status"``), and those the Django side adds, are read with it."""
    return code if "." in code else _PREFIX + code


@dataclass(frozen=True)
class RowError:
    """A problem in one row; the row is left out of the plan. Data, not an exception: it is
    stored with the plan import and shown through the same catalogue as the errors."""

    row: int  # as the spreadsheet shows it
    # The column's header as written in the file (PlanFile.columns maps fields to headers);
    # "" if no column applies.
    column: str
    code: str  # one of ROW_ERROR_CODES
    params: dict[str, Any] = field(default_factory=dict)  # str and int values only

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", prefixed_code(self.code))
        if self.code not in ROW_ERROR_CODES:
            raise ValueError(f"unknown plan row error code {self.code!r}")

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column “{self.column}”" if self.column else "")
        params = ", ".join(f"{name}={value!r}" for name, value in sorted(self.params.items()))
        return f"{where}: {self.code}({params})"

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "code": self.code, "params": self.params}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RowError:
        return cls(
            row=int(data["row"]),
            column=str(data["column"]),
            code=str(data["code"]),
            params=dict(data.get("params") or {}),
        )


# --- Result --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanRow:
    """One readable activity."""

    area: str
    title: str
    description: str
    responsible_unit: str
    contact_name: str
    contact_email: str
    start_year: int | None
    end_year: int | None
    status: str  # one of ACTIVITY_STATUSES
    status_reason: str
    progress: int | None  # percent
    goals: tuple[str, ...]  # the strategy's goal numbers as written, e.g. ("1", "2.3")
    sdg_targets: tuple[str, ...]  # Agenda 2030 target codes, e.g. ("16.7", "5.a")
    gender_equality_goals: tuple[int, ...]  # 1–6
    perspectives: tuple[str, ...]  # codes from PERSPECTIVES
    row: int

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict (tuples become lists)."""
        return {
            "area": self.area,
            "title": self.title,
            "description": self.description,
            "responsible_unit": self.responsible_unit,
            "contact_name": self.contact_name,
            "contact_email": self.contact_email,
            "start_year": self.start_year,
            "end_year": self.end_year,
            "status": self.status,
            "status_reason": self.status_reason,
            "progress": self.progress,
            "goals": list(self.goals),
            "sdg_targets": list(self.sdg_targets),
            "gender_equality_goals": list(self.gender_equality_goals),
            "perspectives": list(self.perspectives),
            "row": self.row,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PlanRow:
        def optional_int(value: Any) -> int | None:
            return None if value is None else int(value)

        return cls(
            area=str(data["area"]),
            title=str(data["title"]),
            description=str(data.get("description", "")),
            responsible_unit=str(data.get("responsible_unit", "")),
            contact_name=str(data.get("contact_name", "")),
            contact_email=str(data.get("contact_email", "")),
            start_year=optional_int(data.get("start_year")),
            end_year=optional_int(data.get("end_year")),
            status=str(data.get("status", "not_started")),
            status_reason=str(data.get("status_reason", "")),
            progress=optional_int(data.get("progress")),
            goals=tuple(str(v) for v in data.get("goals", ())),
            sdg_targets=tuple(str(v) for v in data.get("sdg_targets", ())),
            gender_equality_goals=tuple(int(v) for v in data.get("gender_equality_goals", ())),
            perspectives=tuple(str(v) for v in data.get("perspectives", ())),
            row=int(data["row"]),
        )


@dataclass
class PlanFile:
    rows: list[PlanRow]  # readable rows, in file order
    errors: list[RowError]  # by row, then by column
    ignored_columns: list[str]  # headers as written
    format: str  # "csv" or "xlsx"
    columns: dict[str, str] = field(default_factory=dict)  # field -> header as written

    @property
    def areas(self) -> list[str]:
        """The areas of the readable rows, in the order they first appear."""
        return list(dict.fromkeys(row.area for row in self.rows))

    @property
    def error_rows(self) -> list[int]:
        """The rows left out because of errors, in order."""
        return sorted({error.row for error in self.errors})


COLUMNS: Final[Mapping[str, tuple[str, ...]]] = {
    "area": ("område", "insatsområde", "fokusområde", "area", "focus area"),
    "title": ("aktivitet", "insats", "åtgärd", "activity", "title"),
    "description": ("beskrivning", "description"),
    "responsible_unit": ("ansvarig", "ansvarig enhet", "responsible", "responsible unit"),
    "contact_name": ("kontaktperson", "kontakt", "contact", "contact person"),
    "contact_email": ("e-post", "epost", "mejl", "email", "e-mail"),
    "start_year": ("start", "startår", "start år", "från", "start year"),
    "end_year": ("slut", "klart", "slutår", "klart år", "till", "end", "end year"),
    "period": ("period", "tid"),
    "status": ("status",),
    "status_reason": ("skäl", "orsak", "reason"),
    "progress": ("framsteg", "procent", "progress"),
    "goals": ("mål", "goals"),
    "sdg_targets": (
        "agenda 2030",
        "agenda 2030-delmål",
        "delmål i agenda 2030",
        "sdg",
        "sdgs",
        "sdg targets",
        "globala mål",
        "globala målen",
    ),
    "gender_equality_goals": (
        "jämställdhetsmål",
        "jämställdhetspolitiska delmål",
        "jämställdhetspolitiskt delmål",
        "gender equality goals",
    ),
    "perspectives": ("perspektiv", "perspectives"),
}
REQUIRED: Final = ("area", "title")
_HEADERS: Final = alias_table(COLUMNS)

_STATUS_WORDS: Final[Mapping[str, tuple[str, ...]]] = {
    "not_started": (
        "ej påbörjad",
        "inte påbörjad",
        "ej startad",
        "inte startad",
        "ej påbörjat",
        "inte påbörjat",
        "not started",
    ),
    "ongoing": ("pågår", "pågående", "påbörjad", "startad", "ongoing", "in progress", "started"),
    "done": (
        "genomförd",
        "genomfört",
        "klar",
        "klart",
        "avslutad",
        "slutförd",
        "färdig",
        "done",
        "completed",
        "complete",
        "finished",
    ),
    "postponed": ("uppskjuten", "senarelagd", "pausad", "postponed", "delayed"),
    "cancelled": ("avbruten", "inställd", "struken", "cancelled", "canceled"),
}
_STATUSES: Final = {
    **{key(code): code for code in ACTIVITY_STATUSES},
    **{key(word): code for code, words in _STATUS_WORDS.items() for word in words},
}

_PERSPECTIVE_WORDS: Final[Mapping[str, tuple[str, ...]]] = {
    "barn_och_unga": (
        "barn och unga",
        "barn",
        "unga",
        "barnperspektiv",
        "barnrätt",
        "barnrättsperspektiv",
        "children",
        "children and young people",
        "children and youth",
        "young people",
        "youth",
    ),
    "jamstalldhet": ("jämställdhet", "jämställdhetsperspektiv", "gender equality", "gender"),
    "tillganglighet": (
        "tillgänglighet",
        "tillgänglighetsperspektiv",
        "funktionsnedsättning",
        "accessibility",
        "disability",
    ),
    "minoriteter": (
        "nationella minoriteter och urfolk",
        "nationella minoriteter och samer",
        "nationella minoriteter",
        "minoriteter",
        "samer",
        "urfolk",
        "national minorities and indigenous peoples",
        "national minorities",
        "minorities",
        "indigenous peoples",
        "sami",
    ),
    "miljo": (
        "miljö",
        "miljöperspektiv",
        "miljö och klimat",
        "klimat",
        "environment",
        "environment and climate",
        "climate",
    ),
}
_PERSPECTIVES: Final = {
    **{key(code): code for code in PERSPECTIVES},
    **{key(word): code for code, words in _PERSPECTIVE_WORDS.items() for word in words},
}

_LIST_SEPARATORS: Final = re.compile(r"[,;\n]+")
_CODE_SEPARATORS: Final = re.compile(r"[,;\s]+")
_EMAIL: Final = re.compile(r"[^@\s]+@[^@\s.][^@\s]*\.[^@\s.]{2,}")
_YEAR: Final = re.compile(r"(\d{4})(?:-\d{2}-\d{2})?")
_PERIOD: Final = re.compile(r"(\d{4})\s*-\s*(\d{4})?")
_PERCENT: Final = re.compile(r"(\d{1,3})\s*%?")


@lru_cache(maxsize=1)
def _sdg_targets() -> frozenset[str]:
    from delaktig.participation.agenda2030 import targets

    return frozenset(target.code for target in targets())


# --- Values --------------------------------------------------------------------------------


def _one_line(text: str) -> str:
    return " ".join(text.split())


def parse_year(text: str, *, low: int = MIN_YEAR, high: int = MAX_YEAR) -> int | None:
    """The year in "2024" or in a date ("2024-03-01", as a date cell reads), if in range."""
    match = _YEAR.fullmatch(text.strip())
    if not match:
        return None
    year = int(match[1])
    return year if low <= year <= high else None


def _split(text: str, separators: re.Pattern[str]) -> list[str]:
    """The non-empty items of a list cell, without repeats, in order."""
    return list(dict.fromkeys(p.strip() for p in separators.split(text) if p.strip()))


class _RowReader:
    """Reads one row, collecting its errors."""

    def __init__(self, number: int, cells: Mapping[str, str], headers: Mapping[str, str]):
        self.number = number
        self.cells = cells
        self.headers = headers
        self.errors: list[RowError] = []

    def get(self, name: str) -> str:
        return self.cells.get(name, "")

    def error(self, name: str, code: str, **params: Any) -> None:
        self.errors.append(RowError(self.number, self.headers.get(name, ""), code, params))

    def text(self, name: str, *, one_line: bool = True) -> str:
        """The cell's text (on one line, spaces collapsed), checked against its length limit."""
        value = self.get(name)
        if one_line:
            value = _one_line(value)
        limit = _MAX_LENGTHS.get(name)
        if limit is not None and len(value) > limit:
            self.error(name, "followup.planfile.too_long", length=len(value), limit=limit)
        return value

    def year(self, name: str) -> int | None:
        raw = self.get(name)
        if not raw:
            return None
        year = parse_year(raw)
        if year is None:
            self.error(name, "followup.planfile.bad_year", value=raw, min=MIN_YEAR, max=MAX_YEAR)
        return year

    def period(self) -> tuple[int | None, int | None]:
        raw = self.get("period").translate(DASHES)
        if not raw:
            return None, None
        match = _PERIOD.fullmatch(raw)
        if match:
            start, end = parse_year(match[1]), (parse_year(match[2]) if match[2] else None)
            if start is None or (match[2] and end is None):
                self.error(
                    "period", "followup.planfile.bad_year", value=raw, min=MIN_YEAR, max=MAX_YEAR
                )
            return start, end
        year = parse_year(raw)
        if year is None:
            self.error(
                "period", "followup.planfile.bad_year", value=raw, min=MIN_YEAR, max=MAX_YEAR
            )
        return year, year

    def status(self) -> str | None:
        raw = self.get("status")
        if not raw:
            return "not_started"
        status = _STATUSES.get(key(raw))
        if status is None:
            self.error("status", "followup.planfile.bad_status", value=raw)
        return status

    def progress(self) -> int | None:
        raw = self.get("progress")
        if not raw:
            return None
        match = _PERCENT.fullmatch(raw)
        if match and int(match[1]) <= 100:
            return int(match[1])
        self.error("progress", "followup.planfile.bad_progress", value=raw)
        return None

    def email(self) -> str:
        raw = self.text("contact_email")
        if raw and not _EMAIL.fullmatch(raw):
            self.error("contact_email", "followup.planfile.bad_email", value=raw)
        return raw

    def sdg_targets(self) -> tuple[str, ...]:
        known = _sdg_targets()
        found: list[str] = []
        for token in _split(self.get("sdg_targets"), _CODE_SEPARATORS):
            code = token.lower().rstrip(".")
            if code in known:
                found.append(code)
            elif code.isdigit() and 1 <= int(code) <= 17:
                self.error("sdg_targets", "followup.planfile.sdg_goal_not_target", value=token)
            else:
                self.error("sdg_targets", "followup.planfile.unknown_sdg_target", value=token)
        return tuple(dict.fromkeys(found))

    def gender_goals(self) -> tuple[int, ...]:
        found: list[int] = []
        for token in _split(self.get("gender_equality_goals"), _CODE_SEPARATORS):
            number = token.rstrip(".")
            if number.isdigit() and 1 <= int(number) <= 6:
                found.append(int(number))
            else:
                self.error(
                    "gender_equality_goals", "followup.planfile.bad_gender_goal", value=token
                )
        return tuple(dict.fromkeys(found))

    def perspectives(self) -> tuple[str, ...]:
        found: list[str] = []
        for token in _split(self.get("perspectives"), _LIST_SEPARATORS):
            code = _PERSPECTIVES.get(key(token))
            if code is None:
                self.error("perspectives", "followup.planfile.unknown_perspective", value=token)
            else:
                found.append(code)
        return tuple(dict.fromkeys(found))


def _read_row(
    reader: _RowReader, areas: dict[str, str], seen: dict[tuple[str, str], int]
) -> PlanRow | None:
    area = reader.text("area")
    if not area:
        reader.error("area", "followup.planfile.missing_area")
    else:
        area = areas.setdefault(fold(area), area)
    title = _one_line(reader.get("title"))
    if not title:
        reader.error("title", "followup.planfile.missing_title")
    elif len(title) > MAX_TITLE:
        reader.error(
            "title", "followup.planfile.title_too_long", length=len(title), limit=MAX_TITLE
        )
    if area and title:
        pair = (fold(area), fold(title))
        first = seen.setdefault(pair, reader.number)
        if first != reader.number:
            reader.error(
                "title",
                "followup.planfile.duplicate_activity",
                area=area,
                title=title,
                first_row=first,
            )
    description = reader.get("description")
    responsible_unit = reader.text("responsible_unit")
    contact_name = reader.text("contact_name")
    contact_email = reader.email()

    if "period" in reader.headers:
        start_year, end_year = reader.period()
        end_name = "period"
    else:
        start_year, end_year = reader.year("start_year"), reader.year("end_year")
        end_name = "end_year"
    if start_year is not None and end_year is not None and end_year < start_year:
        reader.error(
            end_name, "followup.planfile.years_out_of_order", start=start_year, end=end_year
        )

    status = reader.status()
    status_reason = reader.get("status_reason")
    if status in _NEEDS_REASON and not status_reason:
        name = "status_reason" if "status_reason" in reader.headers else "status"
        reader.error(name, "followup.planfile.reason_required", status=status)
    progress = reader.progress()
    goals = tuple(_split(reader.get("goals"), _LIST_SEPARATORS))
    sdg_targets = reader.sdg_targets()
    gender_goals = reader.gender_goals()
    perspectives = reader.perspectives()

    if reader.errors or status is None:
        return None
    return PlanRow(
        area=area,
        title=title,
        description=description,
        responsible_unit=responsible_unit,
        contact_name=contact_name,
        contact_email=contact_email,
        start_year=start_year,
        end_year=end_year,
        status=status,
        status_reason=status_reason,
        progress=progress,
        goals=goals,
        sdg_targets=sdg_targets,
        gender_equality_goals=gender_goals,
        perspectives=perspectives,
        row=reader.number,
    )


def _plan_header_score(header: Sequence[str]) -> int:
    return sum(1 for cell in header if header_key(cell) in _HEADERS)


def read_plan(data: bytes, filename: str) -> PlanFile:
    """Read an action plan from CSV or XLSX bytes; ``filename`` is a hint for the format."""
    try:
        table = read_table(data, filename, header_score=_plan_header_score, max_rows=MAX_ROWS)
    except TableError as error:
        raise PlanFileError.from_table(error) from error

    positions, ignored = map_columns(table.header, _HEADERS)
    for name in REQUIRED:
        if name not in positions:
            raise PlanFileError(
                "followup.planfile.missing_column", column=name, names=list(COLUMNS[name])
            )
    if "period" in positions and ({"start_year", "end_year"} & positions.keys()):
        ignored.append(table.header[positions.pop("period")])
    # In the order of the header (linear: header.index per column would be quadratic).
    first_index: dict[str, int] = {}
    for index, cell in enumerate(table.header):
        first_index.setdefault(cell, index)
    ignored.sort(key=first_index.__getitem__)
    if not table.rows:
        raise PlanFileError("followup.planfile.no_rows")
    headers = {name: table.header[index] for name, index in positions.items()}
    order = {table.header[index]: index for index in sorted(positions.values(), reverse=True)}

    rows: list[PlanRow] = []
    errors: list[RowError] = []
    areas: dict[str, str] = {}
    seen: dict[tuple[str, str], int] = {}
    for number, cells in table.rows:
        values = {
            name: (cells[index] if index < len(cells) else "") for name, index in positions.items()
        }
        reader = _RowReader(number, values, headers)
        row = _read_row(reader, areas, seen)
        if row is not None:
            rows.append(row)
        errors.extend(sorted(reader.errors, key=lambda e: order.get(e.column, len(order))))
    return PlanFile(
        rows=rows, errors=errors, ignored_columns=ignored, format=table.format, columns=headers
    )
