"""The plan and indicator file parsers' errors in the interface's language, by their codes."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .indicatorfile import IndicatorFileError, IndicatorRowError
from .planfile import PlanFileError, RowError
from .status import ActivityStatus

__all__ = [
    "file_error_message",
    "indicator_error_message",
    "indicator_error_messages",
    "indicator_messages",
    "indicator_row_message",
    "plan_error_message",
    "plan_messages",
    "row_error_message",
]


def _file_messages() -> dict[str, str]:
    """What both kinds of file can have wrong as a whole."""
    return {
        "empty": _("Filen är tom."),
        "unreadable_encoding": _(
            "Filens teckenkodning går inte att läsa. Spara den som CSV med UTF-8."
        ),
        "bad_csv": _("CSV-filen går inte att läsa på rad %(line)s."),
        "bad_xlsx": _("Excelfilen går inte att läsa. Den kan vara skadad."),
        "no_header": _(
            "Första raden ska vara en rubrikrad som namnger kolumnerna, men ingen av "
            "rubrikerna känns igen."
        ),
        "missing_column": _(
            "Kolumnen för %(column)s saknas. Rubriken kan till exempel vara %(names)s."
        ),
        "too_many_rows": _("Filen har fler än %(limit)s rader."),
        "too_many_columns": _(
            "Filen har fler än %(limit)s kolumner. Ta bort kolumnerna som inte ska importeras."
        ),
        "unpacked_too_large": _(
            "Excelfilen blir större än %(limit)s MB när den packas upp, och läses därför inte."
        ),
        "too_compressed": _(
            "En del av Excelfilen blir mer än %(limit)s gånger större när den packas upp, och "
            "filen läses därför inte. Spara den på nytt från Excel."
        ),
        "too_many_parts": _("Excelfilen består av fler än %(limit)s delar och läses inte."),
    }


def plan_messages() -> dict[str, str]:
    """Every code of ``planfile``, file-level and row-level, with its message."""
    return {
        **_file_messages(),
        "unsupported_format": _(
            "Filen är inte en CSV- eller Excelfil (xlsx), utan ser ut att vara %(detected)s. "
            "Spara planen som CSV eller som Excelarbetsbok."
        ),
        "no_rows": _("Filen har en rubrikrad men inga rader under den."),
        "missing_area": _("Insatsområde saknas."),
        "missing_title": _("Aktiviteten saknas."),
        "title_too_long": _(
            "Aktiviteten har %(length)s tecken, men den får ha högst %(limit)s tecken."
        ),
        "too_long": _("Texten har %(length)s tecken, men den får ha högst %(limit)s tecken."),
        "bad_year": _("”%(value)s” är inte ett år mellan %(min)s och %(max)s."),
        "years_out_of_order": _("Aktiviteten slutar (%(end)s) innan den börjar (%(start)s)."),
        "bad_status": _(
            "”%(value)s” är ingen status. Skriv ej påbörjad, pågår, genomförd, uppskjuten "
            "eller avbruten."
        ),
        "reason_required": _("Statusen ”%(status)s” behöver ett skäl."),
        "bad_progress": _("”%(value)s” är inte ett antal procent mellan 0 och 100."),
        "bad_email": _("”%(value)s” är ingen e-postadress."),
        "sdg_goal_not_target": _(
            "”%(value)s” är ett av de globala målen. Aktiviteter kopplas till delmål: ange "
            "delmålen, till exempel %(value)s.1."
        ),
        "unknown_sdg_target": _("”%(value)s” är inget delmål i Agenda 2030."),
        "bad_gender_goal": _(
            "”%(value)s” är inget av de jämställdhetspolitiska delmålen. Ange siffrorna 1–6."
        ),
        "unknown_perspective": _(
            "”%(value)s” är inget perspektiv. Skriv barn och unga, jämställdhet, "
            "tillgänglighet, nationella minoriteter och urfolk eller miljö."
        ),
        "duplicate_activity": _(
            "Aktiviteten ”%(title)s” i insatsområdet ”%(area)s” finns redan på rad %(first_row)s."
        ),
        "unknown_goal": _("Strategin har inget mål %(numbers)s."),
        "already_in_plan": _("Aktiviteten ”%(title)s” finns redan i planen."),
    }


def indicator_messages() -> dict[str, str]:
    """Every code of ``indicatorfile`` with its message, but ``rows_invalid``, which counts."""
    return {
        **_file_messages(),
        "unsupported_format": _(
            "Filen är inte en CSV-, Excel- (xlsx) eller JSON-fil, utan ser ut att vara "
            "%(detected)s."
        ),
        "no_rows": _("Filen innehåller inga värden."),
        "invalid_json": _("Filen är inte giltig JSON."),
        "unknown_json": _("JSON-filen är inget svar från Koladas API."),
        "bad_year": _("”%(value)s” är inte ett år mellan %(min)s och %(max)s."),
        "bad_value": _("”%(value)s” är inget tal."),
        "value_too_large": _("”%(value)s” är ett för stort tal."),
        "bad_sex": _("”%(value)s” är inget kön. Skriv totalt, kvinnor eller män (T, K eller M)."),
        "bad_municipality": _(
            "”%(value)s” är ingen kommunkod. Ange kommunen med sin kod på fyra siffror, till "
            "exempel 0180."
        ),
        "bad_kpi": _("”%(value)s” är inget nyckeltal (ett id som N00945)."),
        "too_long": _("Kommentaren har %(length)s tecken, men den får ha högst %(limit)s tecken."),
        "bad_entry": _("Posten är inget värde från Kolada."),
        "duplicate_value": _(
            "Samma år (%(year)s), kön (%(sex)s), kommun (%(municipality)s) och nyckeltal "
            "(%(kpi)s) finns redan på rad %(first_line)s."
        ),
    }


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


class _Params(dict[str, object]):
    """Missing names show as empty rather than failing the message."""

    def __missing__(self, key: str) -> str:
        return ""


def _shown(value: object) -> object:
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    return value


def _params(params: Mapping[str, Any]) -> _Params:
    shown = _Params({key: _shown(value) for key, value in params.items()})
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


def _message(templates: Mapping[str, str], code: str, params: Mapping[str, Any]) -> str:
    template = templates.get(code)
    if template is None:
        return code
    return template % _params(params)


def plan_error_message(code: str, params: Mapping[str, Any]) -> str:
    """A plan file's error, file-level or row-level, without the row."""
    return _message(plan_messages(), code, params)


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
    if code == "rows_invalid":
        count = int(params.get("count", 0))
        message = ngettext(
            "Inget har importerats, eftersom filen har ett fel.",
            "Inget har importerats, eftersom filen har %(count)s fel.",
            count,
        ) % {"count": count}
        shown = int(params.get("shown", count))
        if shown < count:
            message += " " + _("De första %(shown)s visas.") % {"shown": shown}
        return message
    return _message(indicator_messages(), code, params)


def indicator_row_message(error: IndicatorRowError) -> str:
    """A row error with its line: "Rad 7: …"."""
    message = indicator_error_message(error.code, error.params)
    return _("Rad %(row)s: %(message)s") % {"row": error.line, "message": message}


def indicator_error_messages(error: IndicatorFileError) -> list[str]:
    """The file's error, then each reported row error with its line."""
    return [indicator_error_message(error.code, error.params)] + [
        indicator_row_message(row_error) for row_error in error.errors
    ]


def file_error_message(error: PlanFileError | IndicatorFileError) -> str:
    """The message for either parser's file-level error."""
    if isinstance(error, PlanFileError):
        return plan_error_message(error.code, error.params)
    return indicator_error_message(error.code, error.params)
