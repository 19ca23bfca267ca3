"""The population app's error messages: the SCB file parser's codes, in the one catalogue.

Registered through ``Contribution.errors`` in ``contributions.py``, so a
:class:`~delaktig.population.scb.PopulationFileError` reads the same on the upload page, in
``manage.py import_population`` and in the API. An error that concerns one row of a CSV file
(``params["line"]``) begins with the row: "Rad 4: …".
"""

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from delaktig.core.catalogue import Entry, Message, shown_params


def _filled(template: str | Promise, params: Mapping[str, Any]) -> str:
    """Lists joined, missing names empty, and the row first where there is one."""
    message = str(template % shown_params(params))
    line = params.get("line")
    if line is not None:
        message = _("Rad %(line)s: %(message)s") % {"line": line, "message": message}
    return message


_TEMPLATES: dict[str, Promise] = {
    "population.empty": gettext_lazy("Filen är tom."),
    "population.unreadable_encoding": gettext_lazy(
        "Filens teckenkodning går inte att läsa. Spara den som UTF-8."
    ),
    "population.unsupported_format": gettext_lazy(
        "Filen är inte en CSV- eller JSON-stat2-tabell (den ser ut som %(detected)s). "
        "Spara tabellen från Statistikdatabasen som CSV eller JSON-stat2."
    ),
    "population.invalid_json": gettext_lazy("Filen är inte giltig JSON."),
    "population.not_json_stat": gettext_lazy("JSON-filen är inte en JSON-stat2-tabell."),
    "population.json_stat_version": gettext_lazy(
        "Filen är JSON-stat version %(version)s. Spara tabellen på nytt som JSON-stat2."
    ),
    "population.malformed_json_stat": gettext_lazy(
        "JSON-stat2-tabellen hänger inte ihop: %(detail)s."
    ),
    "population.too_large": gettext_lazy(
        "Tabellen har %(cells)s celler, fler än de %(limit)s som kan importeras."
    ),
    "population.too_many_columns": gettext_lazy(
        "Tabellen har fler än %(limit)s kolumner. Spara den från Statistikdatabasen med "
        "region, ålder och kön som rader."
    ),
    "population.bad_csv": gettext_lazy("CSV-filen gick inte att läsa: %(detail)s."),
    "population.no_header": gettext_lazy(
        "CSV-filen saknar en rubrikrad som namnger tabellens variabler (region, ålder, kön)."
    ),
    "population.no_value_column": gettext_lazy(
        "Rubrikraden saknar en kolumn med siffrorna (ett år som ”2024” eller ”Folkmängd”)."
    ),
    "population.ragged_row": gettext_lazy(
        "Raden har %(found)s fält, men rubrikraden har %(expected)s."
    ),
    "population.missing_dimension": gettext_lazy("Tabellen saknar variabeln %(dimension)s."),
    "population.unexpected_dimension": gettext_lazy(
        "Tabellen har variabeln ”%(dimension)s”, som inte går att summera säkert. Spara "
        "tabellen utan den, eller med bara dess totalsumma."
    ),
    "population.several_contents": gettext_lazy(
        "Tabellen har flera mått (%(contents)s). Spara den med bara folkmängd."
    ),
    "population.several_years": gettext_lazy(
        "Tabellen har flera år (%(years)s). Spara ett år i taget."
    ),
    "population.bad_year": gettext_lazy("”%(value)s” är inte ett år."),
    "population.bad_region_code": gettext_lazy(
        "”%(value)s” är inte en regionkod från SCB (00 för riket, två siffror för ett län, "
        "fyra för en kommun)."
    ),
    "population.region_without_code": gettext_lazy(
        "Regionen ”%(value)s” saknar kod. Spara tabellen med kod och namn, till exempel "
        "”2303 Ragunda”."
    ),
    "population.unknown_age": gettext_lazy("Åldern ”%(value)s” går inte att tolka."),
    "population.age_band_straddles": gettext_lazy(
        "Åldersklassen ”%(value)s” spänner över åldersgrupperna %(bands)s. Spara "
        "ettårsklasser eller klasser som ryms inom grupperna."
    ),
    "population.overlapping_ages": gettext_lazy(
        "Åldrarna ”%(value)s” och ”%(other)s” överlappar, så personer skulle räknas två gånger."
    ),
    "population.age_gap": gettext_lazy(
        "Tabellen täcker inte åldrarna %(ages)s (åldersgrupp %(age_group)s)."
    ),
    "population.unknown_sex": gettext_lazy("Könet ”%(value)s” går inte att tolka."),
    "population.missing_sex": gettext_lazy("Tabellen saknar siffror för könet ”%(sex)s”."),
    "population.incomplete_region": gettext_lazy(
        "%(region)s saknar siffror för åldersgrupp %(age_group)s, kön ”%(sex)s”."
    ),
    "population.missing_value": gettext_lazy(
        "Siffran för %(region)s, ålder ”%(age)s”, kön ”%(sex)s” saknas."
    ),
    "population.bad_number": gettext_lazy("”%(value)s” är inte ett antal personer."),
    "population.duplicate_row": gettext_lazy(
        "Siffran för %(region)s, ålder ”%(age)s”, kön ”%(sex)s” står mer än en gång."
    ),
    "population.no_data": gettext_lazy(
        "Tabellen har inga siffror per region, ålder och kön (bara summor, eller ingenting)."
    ),
}

MESSAGES: dict[str, Entry] = {
    code: Message(template, _filled) for code, template in _TEMPLATES.items()
}
