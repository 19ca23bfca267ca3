"""The parser's errors in the interface's language, by their stable codes."""

from django.utils.translation import gettext as _

from .scb import PopulationFileError


def _messages() -> dict[str, str]:
    return {
        "empty": _("Filen är tom."),
        "unreadable_encoding": _("Filens teckenkodning går inte att läsa. Spara den som UTF-8."),
        "unsupported_format": _(
            "Filen är inte en CSV- eller JSON-stat2-tabell (den ser ut som %(detected)s). "
            "Spara tabellen från Statistikdatabasen som CSV eller JSON-stat2."
        ),
        "invalid_json": _("Filen är inte giltig JSON."),
        "not_json_stat": _("JSON-filen är inte en JSON-stat2-tabell."),
        "json_stat_version": _(
            "Filen är JSON-stat version %(version)s. Spara tabellen på nytt som JSON-stat2."
        ),
        "malformed_json_stat": _("JSON-stat2-tabellen hänger inte ihop: %(detail)s."),
        "too_large": _("Tabellen har %(cells)s celler, fler än de %(limit)s som kan importeras."),
        "too_many_columns": _(
            "Tabellen har fler än %(limit)s kolumner. Spara den från Statistikdatabasen med "
            "region, ålder och kön som rader."
        ),
        "bad_csv": _("CSV-filen gick inte att läsa: %(detail)s."),
        "no_header": _(
            "CSV-filen saknar en rubrikrad som namnger tabellens variabler (region, ålder, kön)."
        ),
        "no_value_column": _(
            "Rubrikraden saknar en kolumn med siffrorna (ett år som ”2024” eller ”Folkmängd”)."
        ),
        "ragged_row": _("Raden har %(found)s fält, men rubrikraden har %(expected)s."),
        "missing_dimension": _("Tabellen saknar variabeln %(dimension)s."),
        "unexpected_dimension": _(
            "Tabellen har variabeln ”%(dimension)s”, som inte går att summera säkert. Spara "
            "tabellen utan den, eller med bara dess totalsumma."
        ),
        "several_contents": _(
            "Tabellen har flera mått (%(contents)s). Spara den med bara folkmängd."
        ),
        "several_years": _("Tabellen har flera år (%(years)s). Spara ett år i taget."),
        "bad_year": _("”%(value)s” är inte ett år."),
        "bad_region_code": _(
            "”%(value)s” är inte en regionkod från SCB (00 för riket, två siffror för ett län, "
            "fyra för en kommun)."
        ),
        "region_without_code": _(
            "Regionen ”%(value)s” saknar kod. Spara tabellen med kod och namn, till exempel "
            "”2303 Ragunda”."
        ),
        "unknown_age": _("Åldern ”%(value)s” går inte att tolka."),
        "age_band_straddles": _(
            "Åldersklassen ”%(value)s” spänner över åldersgrupperna %(bands)s. Spara "
            "ettårsklasser eller klasser som ryms inom grupperna."
        ),
        "overlapping_ages": _(
            "Åldrarna ”%(value)s” och ”%(other)s” överlappar, så personer skulle räknas två gånger."
        ),
        "age_gap": _("Tabellen täcker inte åldrarna %(ages)s (åldersgrupp %(age_group)s)."),
        "unknown_sex": _("Könet ”%(value)s” går inte att tolka."),
        "missing_sex": _("Tabellen saknar siffror för könet ”%(sex)s”."),
        "incomplete_region": _(
            "%(region)s saknar siffror för åldersgrupp %(age_group)s, kön ”%(sex)s”."
        ),
        "missing_value": _("Siffran för %(region)s, ålder ”%(age)s”, kön ”%(sex)s” saknas."),
        "bad_number": _("”%(value)s” är inte ett antal personer."),
        "duplicate_row": _(
            "Siffran för %(region)s, ålder ”%(age)s”, kön ”%(sex)s” står mer än en gång."
        ),
        "no_data": _(
            "Tabellen har inga siffror per region, ålder och kön (bara summor, eller ingenting)."
        ),
    }


class _Params(dict[str, object]):
    """Missing names show as empty rather than failing the message."""

    def __missing__(self, key: str) -> str:
        return ""


def error_message(error: PopulationFileError) -> str:
    template = _messages().get(error.code)
    if template is None:
        return str(error)
    params = _Params(
        {
            k: ", ".join(map(str, v)) if isinstance(v, list | tuple) else v
            for k, v in error.params.items()
        }
    )
    message = template % params
    line = error.params.get("line")
    if line is not None:
        message = _("Rad %(line)s: %(message)s") % {"line": line, "message": message}
    return message
