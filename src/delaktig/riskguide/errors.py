"""The riskguide app's error messages, by code (see :mod:`delaktig.core.catalogue`)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MESSAGES: dict[str, str | Promise] = {
    "riskguide.four_eyes": _(
        "Den som har skrivit eller ändrat riskanalysen kan inte godkänna den. "
        "En annan tjänsteperson i organisationen behöver göra det."
    ),
    "riskguide.not_editable": _(
        "Bara utkast kan ändras. Skicka tillbaka analysen eller börja revidera den först."
    ),
    "riskguide.title_missing": _("Skriv en rubrik."),
    "riskguide.title_too_long": _("Rubriken får vara högst 200 tecken."),
    "riskguide.subject_missing": _("Välj en process, ett möte eller ett råd som analysen gäller."),
    "riskguide.subject_not_one": _(
        "En analys gäller en process, ett möte eller ett råd – ett av dem."
    ),
    "riskguide.no_risks": _(
        "Beskriv minst en risk i steg 1 innan analysen skickas för godkännande."
    ),
    "riskguide.not_rated": _(
        "Bedöm sannolikhet och konsekvens för varje risk i steg 2 innan analysen skickas för "
        "godkännande: %(risks)s."
    ),
    "riskguide.no_measures": _(
        "Skriv åtgärder och vem som ansvarar för varje risk i steg 3 innan analysen skickas "
        "för godkännande: %(risks)s."
    ),
    "riskguide.risk_invalid": _("Risken behöver en beskrivning, ett slag och vem som utsätts."),
    "riskguide.risk_unknown": _("Risken finns inte längre i analysen. Ladda om sidan."),
    "riskguide.rating_invalid": _("Sannolikhet och konsekvens bedöms från 1 till 4."),
    "riskguide.reason_missing": _("Skriv ett skäl."),
    "riskguide.already_marked": _("Det är redan markerat att den kan väcka starka känslor."),
}
