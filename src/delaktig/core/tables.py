"""Read a table from an uploaded file's bytes: the one table reader every file importer uses.

No Django here (the parsers that use it are pure, and tested without Django). An importer
passes the bytes in and gets a :class:`Table` back, or a :class:`TableError` with a ``code``
from :data:`TABLE_ERROR_CODES` and its ``params``; it raises that again as its own error
(``followup.imports.planfile``, ``followup.imports.indicatorfile``, the CSV path of
``population.scb``), whose message says what that importer accepts.

Bytes to text (:func:`decode_text`)
    What the file is, judged from its first bytes and never from its name (a ZIP, an old
    Excel file, a PDF, a binary file are refused); UTF-8 with or without BOM, UTF-16 with a
    BOM (Excel's "Unicode text"), or cp1252 as older Excel versions and SCB exports save it.
    :func:`text_kind` tells JSON, HTML, XML and PC-Axis text apart from CSV.

CSV (:func:`read_csv`, :func:`csv_records`)
    Comma, semicolon or tab between fields: the one whose first record makes the most sense
    to the importer's ``header_score`` wins; an Excel ``sep=;`` first line is honoured. Records
    are numbered as a spreadsheet numbers its rows (a cell with a line break in it does not
    start a new row).

XLSX (:func:`read_xlsx`)
    The first worksheet, once the ZIP container's declared sizes are known to be safe to
    unpack (:func:`delaktig.core.uploads.open_zip`). Dates in cells read as ISO dates, numbers
    formatted as percentages as the percent the user sees (0.4 shown as "40 %" is "40 %").

Limits
    At most ``max_rows`` rows below the header and :data:`MAX_COLUMNS` columns with something
    in them (empty cells at the end of a row do not count). The delimiter is sniffed on the
    first :data:`SNIFF_CHARS` characters only, so a header of a million columns is refused
    after a fixed amount of work.

Words (:func:`fold`, :func:`key`, :func:`header_key`)
    Headers and categories are matched without regard to case, diacritics, dashes or
    punctuation, in Swedish or English.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final

from .errors import ValidationFailed
from .uploads import ZIP_SIGNATURE, ArchiveRefused, open_zip

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

__all__ = [
    "DASHES",
    "DELIMITERS",
    "MAX_COLUMNS",
    "SNIFF_CHARS",
    "TABLE_ERROR_CODES",
    "HeaderScore",
    "Table",
    "TableError",
    "alias_table",
    "binary_kind",
    "cell_text",
    "csv_records",
    "decode_text",
    "fold",
    "header_key",
    "key",
    "looks_like_xlsx",
    "map_columns",
    "read_csv",
    "read_table",
    "read_xlsx",
    "text_kind",
    "width",
]

# Columns with something in them. A plan has sixteen known columns, an SCB table a handful; a
# spreadsheet kept for other purposes a few dozen more.
MAX_COLUMNS: Final = 200
# The delimiter is sniffed on the start of the file only: a header of 200 columns is far
# shorter, and a header of a million is then not split three times over.
SNIFF_CHARS: Final = 256 * 1024
DELIMITERS: Final = (";", ",", "\t")

# --- Errors --------------------------------------------------------------------------------

# Why a file is no table. An importer raises each again under its own prefixed code
# ("followup.planfile.empty", "population.empty"), with these params.
TABLE_ERROR_CODES: Final = frozenset(
    {
        "empty",
        "unreadable_encoding",
        "unsupported_format",  # detected: "xls", "zip", "pdf", "json", "html", "px", …
        "bad_csv",  # line, detail (the csv module's words)
        "bad_xlsx",
        "no_header",
        "too_many_rows",  # limit
        "too_many_columns",  # limit
        "unpacked_too_large",  # limit (MB)
        "too_compressed",  # limit (times)
        "too_many_parts",  # limit
    }
)


class TableError(ValidationFailed):
    """The file cannot be read as a table at all; ``code`` is one of :data:`TABLE_ERROR_CODES`.

    Importers raise it again under their own code, whose message names what they accept;
    one that escaped would still be a 400 with the general message, never a 500.
    """

    def __init__(self, code: str, **params: Any) -> None:
        if code not in TABLE_ERROR_CODES:
            raise ValueError(f"unknown table error code {code!r}")
        super().__init__(code, **params)


@dataclass(frozen=True)
class Table:
    """A header and the non-empty rows below it, every cell as stripped text."""

    format: str  # "csv" or "xlsx"
    header_row: int
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]  # (row number, cells)


# A header's score: how many of its cells the importer recognises (0: no header).
HeaderScore = Callable[[Sequence[str]], int]

# --- Words ---------------------------------------------------------------------------------

DASHES: Final = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Casefolded, without diacritics (å → a), dashes as "-", whitespace collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.translate(DASHES))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def key(text: str) -> str:
    """Letters and digits only: "Start-år" → "startar", "1+2" → "12"."""
    return re.sub(r"[^0-9a-z]+", "", fold(text))


def header_key(header: str) -> str:
    """A header as matched against aliases: "Framsteg (%)" → "framsteg"."""
    return key(re.sub(r"\([^()]*\)\s*$", "", header))


def alias_table(columns: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """Header key → field, from field → aliases."""
    table: dict[str, str] = {}
    for name, aliases in columns.items():
        for alias in aliases:
            alias_key = header_key(alias)
            if table.setdefault(alias_key, name) != name:
                raise ValueError(f"alias {alias!r} is ambiguous")
    return table


def map_columns(
    header: Sequence[str], aliases: Mapping[str, str]
) -> tuple[dict[str, int], list[str]]:
    """Field → column index (the first column for each field), and the ignored headers."""
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for index, cell in enumerate(header):
        if not cell:
            continue
        name = aliases.get(header_key(cell))
        if name is None or name in positions:
            ignored.append(cell)
        else:
            positions[name] = index
    return positions, ignored


def width(cells: Sequence[str]) -> int:
    """The number of cells up to the last one with something in it."""
    count = len(cells)
    while count and not cells[count - 1].strip():
        count -= 1
    return count


# --- Bytes to text -------------------------------------------------------------------------


def looks_like_xlsx(data: bytes, filename: str) -> bool:
    return data.startswith(ZIP_SIGNATURE) or filename.lower().endswith((".xlsx", ".xlsm"))


def binary_kind(data: bytes) -> str | None:
    """What a file that is no text is ("xlsx", "zip", "xls", "pdf", "binary"), else None."""
    if data.startswith(ZIP_SIGNATURE):
        return "xlsx" if b"xl/" in data else "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    if b"\x00" in data[:8192]:
        return "binary"
    return None


def decode_text(data: bytes) -> str:
    """The file as text: UTF-8 (with or without BOM), UTF-16 with a BOM, else cp1252."""
    if not data.strip():
        raise TableError("empty")
    detected = binary_kind(data)
    if detected is not None:
        raise TableError("unsupported_format", detected=detected)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings: tuple[str, ...] = ("utf-16",)
    elif data.startswith(codecs.BOM_UTF8):
        encodings = ("utf-8-sig",)
    else:
        encodings = ("utf-8", "cp1252")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        text = text.lstrip("\ufeff")
        if not text.strip():
            raise TableError("empty")
        return text
    raise TableError("unreadable_encoding")


_PC_AXIS: Final = re.compile(r"(CHARSET|AXIS-VERSION|CODEPAGE|LANGUAGE|CREATION-DATE)\s*=")


def text_kind(text: str) -> str | None:
    """The kind of text that evidently is no CSV ("json", "html", "xml", "px"), else None."""
    head = text.lstrip()[:2048]
    if head.startswith(("{", "[")):
        return "json"
    if head.startswith("<"):
        lowered = head.lower()
        return "html" if "<html" in lowered or "<!doctype html" in lowered else "xml"
    if _PC_AXIS.match(head):
        return "px"
    return None


# --- CSV -----------------------------------------------------------------------------------


def csv_records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Every record of CSV text with its number (from 1, as a spreadsheet numbers rows).

    Cells are as written, spaces after a delimiter skipped; a blank line is an empty record.
    A record the csv module cannot read (a field over its limit, a NUL) is ``bad_csv``.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True)
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            yield number, record
    except csv.Error as error:
        raise TableError("bad_csv", line=number + 1, detail=str(error)) from None


def _first_record(text: str, delimiter: str) -> list[str] | None:
    """The first non-empty record when split by ``delimiter``; None if every record is empty.

    A record the csv module cannot read gives an empty list: this delimiter makes no sense.
    """
    try:
        for _, record in csv_records(text, delimiter):
            cells = [cell.strip() for cell in record]
            if any(cells):
                return cells
    except TableError:
        return []
    return None


def _sniff(text: str, header_score: HeaderScore, max_columns: int) -> str:
    best = DELIMITERS[0]
    best_rank = (-1, -1)
    for delimiter in DELIMITERS:
        header = _first_record(text[:SNIFF_CHARS], delimiter)
        if header is None:
            # Nothing but delimiters and blanks: the file is empty whichever is used.
            return delimiter
        # Only as many cells as a header may have are scored: a header wider than that is
        # refused by _collect, and scoring 200,000 cells three times would cost seconds.
        header = header[: max_columns + 1]
        rank = (header_score(header), sum(1 for cell in header if cell))
        if rank > best_rank:
            best, best_rank = delimiter, rank
    return best


def _collect(
    records: Iterator[tuple[int, Sequence[str]]],
    *,
    file_format: str,
    header_score: HeaderScore,
    max_rows: int,
    max_columns: int,
) -> Table:
    """The header (the first row with something in it) and the rows below it."""
    header: tuple[str, ...] | None = None
    header_row = 0
    rows: list[tuple[int, tuple[str, ...]]] = []
    for number, record in records:
        cells_width = width(record)
        if cells_width == 0:
            continue
        if cells_width > max_columns:
            raise TableError("too_many_columns", limit=max_columns)
        cells = tuple(record[:cells_width])
        if header is None:
            header, header_row = cells, number
            if header_score(header) == 0:
                raise TableError("no_header")
            continue
        if len(rows) >= max_rows:
            raise TableError("too_many_rows", limit=max_rows)
        rows.append((number, cells))
    if header is None:
        raise TableError("empty")
    return Table(file_format, header_row, header, tuple(rows))


def read_csv(
    text: str, *, header_score: HeaderScore, max_rows: int, max_columns: int = MAX_COLUMNS
) -> Table:
    """Split CSV text into a :class:`Table`, sniffing the delimiter by ``header_score``."""
    hint = re.match(r"\"?sep=(.)\"?[ \t]*\r?\n", text, flags=re.IGNORECASE)
    if hint:
        delimiter = hint[1]
        text = text[hint.end() :]
    else:
        delimiter = _sniff(text, header_score, max_columns)
    # A header too wide is refused from the start of the file, before the whole of it is split.
    header = _first_record(text[:SNIFF_CHARS], delimiter)
    if header is not None and width(header) > max_columns:
        raise TableError("too_many_columns", limit=max_columns)
    records = (
        (number, [cell.strip() for cell in record])
        for number, record in csv_records(text, delimiter)
    )
    return _collect(
        records,
        file_format="csv",
        header_score=header_score,
        max_rows=max_rows,
        max_columns=max_columns,
    )


# --- XLSX ----------------------------------------------------------------------------------


def _plain_number(number: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 2024, 12.3, 0.00001."""
    return format(number.normalize(), "f")


def cell_text(value: object, number_format: str | None = None) -> str:
    """A spreadsheet cell as the text a CSV file would hold for it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, int | float | Decimal):
        try:
            number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        except InvalidOperation:
            return str(value)
        if not number.is_finite():
            return str(value)
        if number_format and "%" in number_format:
            return f"{_plain_number(number * 100)} %"
        return _plain_number(number)
    return str(value).strip()


def _zip_kind(names: set[str]) -> str:
    """What a ZIP file with these members holds ("xlsx", "ods", "docx", ...)."""
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "content.xml" in names:
        return "ods"
    if any(name.startswith("word/") for name in names):
        return "docx"
    if any(name.startswith("ppt/") for name in names):
        return "pptx"
    return "zip"


# The ZIP check's refusals that say the workbook unpacks to too much, as table errors.
_TOO_LARGE: Final[Mapping[str, str]] = {
    "too_large": "unpacked_too_large",
    "member_too_large": "unpacked_too_large",
    "too_compressed": "too_compressed",
    "too_many_members": "too_many_parts",
}


def _open_xlsx(data: bytes) -> set[str]:
    """The member names of an XLSX file, once its declared sizes are known to be safe to
    unpack (see delaktig.core.uploads); a TableError otherwise."""
    try:
        with open_zip(data) as archive:
            return set(archive.namelist())
    except ArchiveRefused as error:
        if error.reason == "not_a_zip" and binary_kind(data) == "xls":
            raise TableError("unsupported_format", detected="xls") from error
        if error.reason in _TOO_LARGE:
            raise TableError(_TOO_LARGE[error.reason], limit=error.params["limit"]) from error
        # Not a ZIP, encrypted, an unknown compression method: no XLSX file that can be read.
        raise TableError("bad_xlsx") from error


def read_xlsx(
    data: bytes, *, header_score: HeaderScore, max_rows: int, max_columns: int = MAX_COLUMNS
) -> Table:
    """The first worksheet of an XLSX file as a :class:`Table`.

    The ZIP container is checked first (:func:`delaktig.core.uploads.open_zip`), so a small
    file that unpacks to gigabytes is refused before openpyxl reads its shared strings."""
    if not data.strip():
        raise TableError("empty")
    kind = _zip_kind(_open_xlsx(data))
    if kind != "xlsx":
        raise TableError("unsupported_format", detected=kind)

    # Imported here: the CSV path and the pure tests need no openpyxl.
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        # openpyxl warns about styles and extensions it does not read; none matter here.
        warnings.simplefilter("ignore")
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as error:
            raise TableError("bad_xlsx") from error
        try:
            return _collect(
                _sheet_records(workbook),
                file_format="xlsx",
                header_score=header_score,
                max_rows=max_rows,
                max_columns=max_columns,
            )
        except TableError:
            raise
        except Exception as error:
            raise TableError("bad_xlsx") from error
        finally:
            workbook.close()


def _sheet_records(workbook: Workbook) -> Iterator[tuple[int, list[str]]]:
    """The rows of the workbook's first sheet, numbered from 1, as the text of their cells."""
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    sheets = workbook.worksheets
    if not sheets:
        raise TableError("empty")
    sheet = sheets[0]
    if not isinstance(sheet, ReadOnlyWorksheet):
        raise TableError("bad_xlsx")
    # The stored dimensions may be wrong; without them every cell is read.
    sheet.reset_dimensions()
    for number, row in enumerate(sheet.iter_rows(), start=1):
        yield number, [cell_text(c.value, getattr(c, "number_format", None)) for c in row]


def read_table(data: bytes, filename: str, *, header_score: HeaderScore, max_rows: int) -> Table:
    """CSV or XLSX bytes as a :class:`Table`; any other kind of file is a TableError.

    ``filename`` is only a hint: an XLSX file is known by its ZIP signature."""
    if not data.strip():
        raise TableError("empty")
    if looks_like_xlsx(data, filename):
        return read_xlsx(data, header_score=header_score, max_rows=max_rows)
    text = decode_text(data)
    detected = text_kind(text)
    if detected is not None:
        raise TableError("unsupported_format", detected=detected)
    return read_csv(text, header_score=header_score, max_rows=max_rows)
