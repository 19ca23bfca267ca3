"""The identity app's error messages, by code (see :mod:`delaktig.core.catalogue`)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

MESSAGES: dict[str, str | Promise] = {
    "identity.invalid_number": _(
        "Personnumret eller samordningsnumret är inte giltigt. Kontrollera siffrorna."
    ),
    "identity.invalid_code": _(
        "Koden stämmer inte, har redan använts eller har gått ut. Kontrollera tecknen eller be "
        "om en ny kod."
    ),
    "identity.other_person": _(
        "Ditt konto är redan verifierat för en annan person. Koden kan bara användas av den "
        "den gavs till."
    ),
    "identity.too_many_code_attempts": _(
        "Du har provat många koder på kort tid. Vänta en kvart och försök igen."
    ),
    # Importing a population-register extract (``manage.py import_population_register``).
    "identity.register_unreadable": ngettext_lazy(
        "%(count)s rad i filen går inte att läsa.",
        "%(count)s rader i filen går inte att läsa.",
        "count",
    ),
    "identity.register_empty": _("Filen innehåller inga personer."),
    "identity.register_columns": _("Rad %(line)s: personnummer och kommunkod behövs."),
    "identity.register_bad_number": _(
        "Rad %(line)s: inte ett giltigt personnummer eller samordningsnummer."
    ),
    "identity.register_unknown_municipality": _("Rad %(line)s: okänd kommunkod %(value)s."),
}
