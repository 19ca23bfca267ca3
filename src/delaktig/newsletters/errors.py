"""The newsletters app's error messages, by code (see :mod:`delaktig.core.catalogue`)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MESSAGES: dict[str, str | Promise] = {
    "newsletters.language_not_offered": _("Välj ett av språken i listan."),
    "newsletters.municipality_not_offered": _("Välj en av kommunerna i listan."),
    "newsletters.too_many_requests": _(
        "Formuläret har skickats för många gånger. Vänta en stund och försök igen."
    ),
    "newsletters.no_verified_email": _(
        "Ditt konto har ingen bekräftad e-postadress. Bekräfta adressen först, eller fyll i "
        "formuläret som gäst."
    ),
    "newsletters.not_draft": _("Nyhetsbrevet är redan skickat och kan inte ändras."),
    "newsletters.subject_missing": _("Skriv en ämnesrad."),
    "newsletters.body_missing": _("Skriv brevets text."),
    "newsletters.no_segment": _(
        "Välj vem brevet ska gå till: prenumeranter, de som följer en process eller "
        "ledamöterna i ett råd."
    ),
    "newsletters.no_recipients": _(
        "Urvalet når ingen mottagare just nu. Ändra urvalet innan du skickar."
    ),
    "newsletters.other_organisation": _(
        "Processer och råd i urvalet måste höra till samma organisation som nyhetsbrevet."
    ),
}
