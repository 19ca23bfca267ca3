"""The messages for the opinionmaps app's error codes (see `delaktig.core.catalogue`)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MESSAGES: dict[str, str | Promise] = {
    "opinionmaps.topic_required": _("Skriv frågan eller ämnet som påståendena handlar om."),
    "opinionmaps.login_required": _("Logga in för att delta i opinionskartan."),
    "opinionmaps.invalid_vote": _("Välj håller med, håller inte med eller pass."),
    "opinionmaps.statement_not_in_map": _("Påståendet finns inte i den här kartan."),
    "opinionmaps.statement_not_votable": _("Påståendet går inte att rösta på."),
    "opinionmaps.statements_by_staff_only": _(
        "I den här kartan skriver bara personalen påståenden."
    ),
    "opinionmaps.empty_statement": _("Skriv ett påstående innan du skickar."),
    "opinionmaps.statement_too_long": _("Påståendet får vara högst %(max)d tecken."),
    "opinionmaps.duplicate_statement": _("Det påståendet finns redan i kartan."),
    "opinionmaps.upload_too_large": _("Filerna är för stora att importera (högst 50 MB)."),
    "opinionmaps.not_a_polis_export": _(
        "Filerna är inte en export från Polis. Det behövs votes.csv och comments.csv, "
        "gärna också participants-votes.csv."
    ),
    "opinionmaps.map_not_empty": _(
        "Kartan har redan påståenden eller röster. Importera till en ny, tom opinionskarta."
    ),
}
