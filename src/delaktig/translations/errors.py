"""The translations app's error messages, by code (see :mod:`delaktig.core.catalogue`)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MESSAGES: dict[str, str | Promise] = {
    "translations.unknown_language": _("Det språket finns inte bland organisationens språk."),
    "translations.not_your_language": _(
        "Du översätter inte till %(language)s för den här organisationen."
    ),
    "translations.not_translatable": _("Den texten går inte att översätta."),
    "translations.nothing_to_review": _("Det finns ingen aktuell översättning att granska."),
    "translations.changed_meanwhile": _(
        "Den svenska texten ändrades medan du översatte. Läs den nya texten och spara igen; "
        "det du skrev finns kvar i rutan."
    ),
    "translations.saved_meanwhile": _(
        "Någon annan sparade en översättning av den här texten medan du arbetade. Jämför med "
        "den sparade översättningen och spara igen; det du skrev finns kvar i rutan."
    ),
    "translations.file_unreadable": _(
        "Filen gick inte att läsa som XLIFF eller PO. Exportera den igen från ert "
        "översättningsverktyg och prova en gång till."
    ),
    "translations.file_wrong_language": _(
        "Filen är en översättning till %(found)s, inte till %(language)s."
    ),
    "translations.file_too_large": _("Filen är större än %(limit)s MB."),
    "translations.file_no_language": _(
        "Filen säger inte vilket språk den är översatt till. Ange målspråket i ert "
        "översättningsverktyg och exportera filen igen."
    ),
    "translations.no_languages": _("Välj minst ett språk som personen översätter till."),
    "translations.unknown_person": _(
        "Det finns inget konto med den e-postadressen. Personen behöver skapa ett konto först."
    ),
    "translations.not_a_translator": _("Personen är inte översättare här."),
}
