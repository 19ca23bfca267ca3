"""Reading the query-string and form values a view parses itself.

Django forms clean their own fields; these helpers are for the values a view reads directly:
a filter in the query string (``?datum=2026-04-30``), a page number, the id in a hidden input
(``<input type="hidden" name="question" value="12">``). A missing or empty value gives the
default. A value that cannot be read raises :class:`BadParameter`, which Django answers with
the 400 page (``templates/400.html`` through :func:`delaktig.core.views.bad_request`): it says
which value was wrong and, for a GET, links to the same page without it, so the rest of what
the person chose is kept.

NUL characters never get this far: :class:`delaktig.core.middleware.RejectNulMiddleware`
refuses them in the path and in every query and form value.
"""

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import BadRequest
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

# The largest value of a 64-bit primary key (BigAutoField) on every database.
MAX_ID = 2**63 - 1

_INTEGER = re.compile(r"[+-]?[0-9]{1,19}")


class BadInput(BadRequest):
    """Input that cannot be read. ``message`` is translated and shown on the 400 page;
    ``name`` is the query or form parameter it came from, if any."""

    def __init__(self, message: str, *, name: str | None = None) -> None:
        self.message = message
        self.name = name
        super().__init__(message)


class BadParameter(BadInput):
    def __init__(self, name: str) -> None:
        super().__init__(
            _("Värdet för ”%(name)s” i adressen eller formuläret går inte att läsa.")
            % {"name": name},
            name=name,
        )


def _raw(data: Any, name: str) -> str:
    value = data.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def _integer(raw: str, name: str, minimum: int | None, maximum: int | None) -> int:
    # ASCII digits only: str.isdigit() and int() take others ("²" passes one, not the other).
    if not _INTEGER.fullmatch(raw):
        raise BadParameter(name)
    value = int(raw)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise BadParameter(name)
    return value


def int_param(
    data: Any,
    name: str,
    default: int | None = None,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int | None:
    """``data[name]`` as an integer between ``minimum`` and ``maximum`` (when given)."""
    raw = _raw(data, name)
    return _integer(raw, name, minimum, maximum) if raw else default


def id_param(data: Any, name: str) -> int | None:
    """``data[name]`` as the id of a row: a positive integer that fits a 64-bit key."""
    return int_param(data, name, minimum=1, maximum=MAX_ID)


def id_list_param(data: Any, name: str) -> list[int]:
    """Every value of ``name`` (ticked boxes) as the id of a row; empty values left out."""
    values = (value.strip() for value in data.getlist(name) if isinstance(value, str))
    return [_integer(value, name, 1, MAX_ID) for value in values if value]


def date_param(data: Any, name: str, default: date | None = None) -> date | None:
    """``data[name]`` as an ISO date (``2026-04-30``)."""
    raw = _raw(data, name)
    if not raw:
        return default
    try:
        value = parse_date(raw)
    except ValueError:  # well formed but not a date: 2026-13-45
        value = None
    if value is None:
        raise BadParameter(name)
    return value


def choice_param(
    data: Any, name: str, choices: Iterable[str], default: str | None = None
) -> str | None:
    """``data[name]``, which must be one of ``choices``."""
    raw = _raw(data, name)
    if not raw:
        return default
    if raw not in set(choices):
        raise BadParameter(name)
    return raw
