"""The incidents app's error messages, by code (see :mod:`delaktig.core.catalogue`)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MESSAGES: dict[str, str | Promise] = {
    "incidents.description_missing": _("Beskriv vad som hände."),
    "incidents.concerned_name_missing": _("Skriv namnet på den som utsattes."),
    "incidents.occurred_in_future": _("Datumet kan inte vara i framtiden."),
    "incidents.link_of_other_organisation": _(
        "Processen eller mötet hör till en annan organisation än rapporten."
    ),
    "incidents.case_number_invalid": _(
        "Polisens diarienummer ser inte ut som ett K-nummer. Skriv det som det står på "
        "anmälan, till exempel K123456-25 eller 5000-K123456-25."
    ),
    "incidents.case_number_without_report": _(
        "Kryssa i att händelsen är polisanmäld om du skriver ett diarienummer."
    ),
    "incidents.unknown_support": _("Välj stöd bland alternativen i listan."),
    "incidents.share_reason_missing": _("Skriv varför incidenten delas."),
    "incidents.share_not_related": _(
        "Incidenter kan bara delas med en region och dess kommuner, inte med den egna "
        "organisationen."
    ),
    "incidents.share_without_security": _(
        "Organisationen har ingen säkerhetsfunktion på plattformen att dela med."
    ),
    "incidents.already_shared": _("Incidenten är redan delad med %(organisation)s."),
    "incidents.share_already_revoked": _("Delningen är redan upphävd."),
}
