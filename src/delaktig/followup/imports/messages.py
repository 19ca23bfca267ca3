"""The plan and indicator file parsers' error messages, in the interface's language.

:data:`MESSAGES` holds every code of ``planfile`` and ``indicatorfile`` beside it: the
file errors they raise and the row errors they report (data, stored with a plan import). It is
followup's part of the one catalogue of error messages (:mod:`delaktig.core.catalogue`), so a
``PlanFileError`` reads the same on the import page, in a command and in the API. The
functions below show the row errors, with their row, from the same messages.

Each message shows its ``params`` as people read them: a column's label for its field name
("insatsområde" for ``area``), a status's or sex's label for its code, the names a column may
have in quotes, a dash for a KPI or municipality that is not given.
"""

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from delaktig.core.catalogue import Entry, Message, ShownParams, shown_params

from ..status import ActivityStatus
from .indicatorfile import ERROR_CODES as INDICATOR_CODES
from .indicatorfile import IndicatorFileError, IndicatorRowError
from .planfile import ERROR_CODES as PLAN_CODES
from .planfile import PlanFileError, RowError, prefixed_code

__all__ = [
    "MESSAGES",
    "file_error_message",
    "indicator_error_message",
    "indicator_error_messages",
    "indicator_messages",
    "indicator_row_message",
    "plan_error_message",
    "plan_messages",
    "row_error_message",
]

_PLAN = "followup.planfile."
_INDICATOR = "followup.indicatorfile."


# --- Showing parameters --------------------------------------------------------------------


def _field_labels() -> dict[str, str]:
    return {
        "area": _("insatsområde"),
        "title": _("aktivitet"),
        "year": _("år"),
        "value": _("värde"),
    }


def _sex_labels() -> dict[str, str]:
    return {"alla": _("totalt"), "kvinna": _("kvinnor"), "man": _("män")}


def _format_labels() -> dict[str, str]:
    return {
        "xls": _("en äldre Excelfil (xls)"),
        "xlsb": _("en binär Excelfil (xlsb)"),
        "ods": _("ett OpenDocument-kalkylark (ods)"),
        "docx": _("ett Word-dokument"),
        "pptx": _("en PowerPoint-presentation"),
        "pdf": _("en PDF-fil"),
        "zip": _("en ZIP-fil"),
        "json": _("en JSON-fil"),
        "html": _("en webbsida (HTML)"),
        "xml": _("en XML-fil"),
        "binary": _("en binärfil"),
    }


def _params(params: Mapping[str, Any]) -> ShownParams:
    shown = shown_params(params)
    if "column" in params:
        shown["column"] = _field_labels().get(str(params["column"]), str(params["column"]))
    if isinstance(params.get("names"), list | tuple):
        shown["names"] = ", ".join(f"”{name}”" for name in params["names"])
    if "status" in params:
        status = str(params["status"])
        shown["status"] = (
            str(ActivityStatus(status).label) if status in ActivityStatus.values else status
        )
    if "sex" in params:
        shown["sex"] = _sex_labels().get(str(params["sex"]), str(params["sex"]))
    if "detected" in params:
        detected = str(params["detected"])
        shown["detected"] = _format_labels().get(detected, detected)
    for key in ("municipality", "kpi"):
        if key in params and not params[key]:
            shown[key] = "–"
    return shown


def _filled(template: str | Promise, params: Mapping[str, Any]) -> str:
    return str(template % _params(params))


def _rows_invalid(template: str | Promise, params: Mapping[str, Any]) -> str:
    """How many errors, and how many of them are shown, if not all."""
    count = int(params.get("count", 0))
    message = str(template % {"count": count})
    shown = int(params.get("shown", count))
    if shown < count:
        message += " " + _("De första %(shown)s visas.") % {"shown": shown}
    return message


# --- The messages --------------------------------------------------------------------------


def _table_messages(prefix: str) -> dict[str, str | Promise]:
    """What both kinds of file can have wrong as a whole."""
    messages: dict[str, str | Promise] = {
        "empty": gettext_lazy("Filen är tom."),
        "unreadable_encoding": gettext_lazy(
            "Filens teckenkodning går inte att läsa. Spara den som CSV med UTF-8."
        ),
        "bad_csv": gettext_lazy("CSV-filen går inte att läsa på rad %(line)s."),
        "bad_xlsx": gettext_lazy("Excelfilen går inte att läsa. Den kan vara skadad."),
        "no_header": gettext_lazy(
            "Första raden ska vara en rubrikrad som namnger kolumnerna, men ingen av "
            "rubrikerna känns igen."
        ),
        "missing_column": gettext_lazy(
            "Kolumnen för %(column)s saknas. Rubriken kan till exempel vara %(names)s."
        ),
        "too_many_rows": gettext_lazy("Filen har fler än %(limit)s rader."),
        "too_many_columns": gettext_lazy(
            "Filen har fler än %(limit)s kolumner. Ta bort kolumnerna som inte ska importeras."
        ),
        "unpacked_too_large": gettext_lazy(
            "Excelfilen blir större än %(limit)s MB när den packas upp, och läses därför inte."
        ),
        "too_compressed": gettext_lazy(
            "En del av Excelfilen blir mer än %(limit)s gånger större när den packas upp, och "
            "filen läses därför inte. Spara den på nytt från Excel."
        ),
        "too_many_parts": gettext_lazy(
            "Excelfilen består av fler än %(limit)s delar och läses inte."
        ),
    }
    return {prefix + code: message for code, message in messages.items()}


_PLAN_MESSAGES: dict[str, str | Promise] = {
    **_table_messages(_PLAN),
    _PLAN + "unsupported_format": gettext_lazy(
        "Filen är inte en CSV- eller Excelfil (xlsx), utan ser ut att vara %(detected)s. "
        "Spara planen som CSV eller som Excelarbetsbok."
    ),
    _PLAN + "no_rows": gettext_lazy("Filen har en rubrikrad men inga rader under den."),
    _PLAN + "missing_area": gettext_lazy("Insatsområde saknas."),
    _PLAN + "missing_title": gettext_lazy("Aktiviteten saknas."),
    _PLAN + "title_too_long": gettext_lazy(
        "Aktiviteten har %(length)s tecken, men den får ha högst %(limit)s tecken."
    ),
    _PLAN + "too_long": gettext_lazy(
        "Texten har %(length)s tecken, men den får ha högst %(limit)s tecken."
    ),
    _PLAN + "bad_year": gettext_lazy("”%(value)s” är inte ett år mellan %(min)s och %(max)s."),
    _PLAN + "years_out_of_order": gettext_lazy(
        "Aktiviteten slutar (%(end)s) innan den börjar (%(start)s)."
    ),
    _PLAN + "bad_status": gettext_lazy(
        "”%(value)s” är ingen status. Skriv ej påbörjad, pågår, genomförd, uppskjuten "
        "eller avbruten."
    ),
    _PLAN + "reason_required": gettext_lazy("Statusen ”%(status)s” behöver ett skäl."),
    _PLAN + "bad_progress": gettext_lazy("”%(value)s” är inte ett antal procent mellan 0 och 100."),
    _PLAN + "bad_email": gettext_lazy("”%(value)s” är ingen e-postadress."),
    _PLAN + "sdg_goal_not_target": gettext_lazy(
        "”%(value)s” är ett av de globala målen. Aktiviteter kopplas till delmål: ange "
        "delmålen, till exempel %(value)s.1."
    ),
    _PLAN + "unknown_sdg_target": gettext_lazy("”%(value)s” är inget delmål i Agenda 2030."),
    _PLAN + "bad_gender_goal": gettext_lazy(
        "”%(value)s” är inget av de jämställdhetspolitiska delmålen. Ange siffrorna 1–6."
    ),
    _PLAN + "unknown_perspective": gettext_lazy(
        "”%(value)s” är inget perspektiv. Skriv barn och unga, jämställdhet, "
        "tillgänglighet, nationella minoriteter och urfolk eller miljö."
    ),
    _PLAN + "duplicate_activity": gettext_lazy(
        "Aktiviteten ”%(title)s” i insatsområdet ”%(area)s” finns redan på rad %(first_row)s."
    ),
    _PLAN + "unknown_goal": gettext_lazy("Strategin har inget mål %(numbers)s."),
    _PLAN + "already_in_plan": gettext_lazy("Aktiviteten ”%(title)s” finns redan i planen."),
}

_INDICATOR_MESSAGES: dict[str, str | Promise] = {
    **_table_messages(_INDICATOR),
    _INDICATOR + "unsupported_format": gettext_lazy(
        "Filen är inte en CSV-, Excel- (xlsx) eller JSON-fil, utan ser ut att vara %(detected)s."
    ),
    _INDICATOR + "no_rows": gettext_lazy("Filen innehåller inga värden."),
    _INDICATOR + "invalid_json": gettext_lazy("Filen är inte giltig JSON."),
    _INDICATOR + "unknown_json": gettext_lazy("JSON-filen är inget svar från Koladas API."),
    _INDICATOR + "bad_year": gettext_lazy("”%(value)s” är inte ett år mellan %(min)s och %(max)s."),
    _INDICATOR + "bad_value": gettext_lazy("”%(value)s” är inget tal."),
    _INDICATOR + "value_too_large": gettext_lazy("”%(value)s” är ett för stort tal."),
    _INDICATOR + "bad_sex": gettext_lazy(
        "”%(value)s” är inget kön. Skriv totalt, kvinnor eller män (T, K eller M)."
    ),
    _INDICATOR + "bad_municipality": gettext_lazy(
        "”%(value)s” är ingen kommunkod. Ange kommunen med sin kod på fyra siffror, till "
        "exempel 0180."
    ),
    _INDICATOR + "bad_kpi": gettext_lazy("”%(value)s” är inget nyckeltal (ett id som N00945)."),
    _INDICATOR + "too_long": gettext_lazy(
        "Kommentaren har %(length)s tecken, men den får ha högst %(limit)s tecken."
    ),
    _INDICATOR + "bad_entry": gettext_lazy("Posten är inget värde från Kolada."),
    _INDICATOR + "duplicate_value": gettext_lazy(
        "Samma år (%(year)s), kön (%(sex)s), kommun (%(municipality)s) och nyckeltal "
        "(%(kpi)s) finns redan på rad %(first_line)s."
    ),
}

# Every code of both parsers, for the catalogue (followup's Contribution.errors).
MESSAGES: dict[str, Entry] = {
    **{code: Message(message, _filled) for code, message in _PLAN_MESSAGES.items()},
    **{code: Message(message, _filled) for code, message in _INDICATOR_MESSAGES.items()},
    _INDICATOR + "rows_invalid": Message(
        ngettext_lazy(
            "Inget har importerats, eftersom filen har ett fel.",
            "Inget har importerats, eftersom filen har %(count)s fel.",
            "count",
        ),
        _rows_invalid,
    ),
}


# --- Showing errors ------------------------------------------------------------------------


def _message(code: str, params: Mapping[str, Any]) -> str:
    """The message for ``code`` filled in with ``params``; the code itself if it has none."""
    template = MESSAGES.get(code)
    if template is None:
        return code
    return str(template % params)


def plan_messages() -> dict[str, str]:
    """Every code of ``planfile``, file-level and row-level, with its message."""
    return {code: str(MESSAGES[code]) for code in sorted(PLAN_CODES)}


def indicator_messages() -> dict[str, str]:
    """Every code of ``indicatorfile`` with its message, but ``rows_invalid``, which counts."""
    return {
        code: str(MESSAGES[code])
        for code in sorted(INDICATOR_CODES)
        if code != _INDICATOR + "rows_invalid"
    }


def plan_error_message(code: str, params: Mapping[str, Any]) -> str:
    """A plan file's error, file-level or row-level, without the row.

    A row error stored before the codes had their prefix (``"bad_status"``) reads the same."""
    return _message(prefixed_code(code), params)


def row_error_message(error: RowError) -> str:
    """A row error with its place: "Rad 7, kolumn ”Status”: …"."""
    message = plan_error_message(error.code, error.params)
    if error.column:
        return _("Rad %(row)s, kolumn ”%(column)s”: %(message)s") % {
            "row": error.row,
            "column": error.column,
            "message": message,
        }
    return _("Rad %(row)s: %(message)s") % {"row": error.row, "message": message}


def indicator_error_message(code: str, params: Mapping[str, Any]) -> str:
    """An indicator file's error, file-level or row-level, without the line."""
    return _message(code, params)


def indicator_row_message(error: IndicatorRowError) -> str:
    """A row error with its line: "Rad 7: …"."""
    message = indicator_error_message(error.code, error.params)
    return _("Rad %(row)s: %(message)s") % {"row": error.line, "message": message}


def indicator_error_messages(error: IndicatorFileError) -> list[str]:
    """The file's error, then each reported row error with its line."""
    return error.message.split("\n")


def file_error_message(error: PlanFileError | IndicatorFileError) -> str:
    """The message for either parser's file-level error."""
    return _message(error.code, error.params)
