"""The messages for the followup app's error codes (see :mod:`delaktig.core.catalogue`).

The plan and indicator file parsers' own codes are in ``imports/messages.py``.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

MESSAGES: dict[str, str | Promise] = {
    # Strategies, goals, plans, areas, activities and indicators.
    "followup.duplicate": _("Det finns redan en likadan post."),
    "followup.years_out_of_order": _("Slutåret kan inte vara före startåret."),
    "followup.goals_elsewhere": _("Målen måste höra till strategin."),
    "followup.goal_elsewhere": _("Målet måste höra till strategin."),
    "followup.status_missing": _("Välj en status."),
    "followup.reason_missing": _("Skriv skälet till att aktiviteten skjuts upp eller avbryts."),
    "followup.progress_out_of_range": _("Ange hur långt aktiviteten har kommit som 0–100 procent."),
    "followup.nothing_reported": _("Skriv vad som har hänt eller ändra status."),
    "followup.area_has_activities": _("Området har aktiviteter. Flytta eller ta bort dem först."),
    "followup.plan_has_activities": _("Planen har aktiviteter. Ta bort dem först."),
    "followup.strategy_has_contents": _(
        "Strategin har handlingsplaner, indikatorer eller anslutna aktörer. Ta bort dem först."
    ),
    "followup.sex_missing": _("Välj totalt, kvinnor eller män."),
    "followup.not_by_sex": _(
        "Indikatorn redovisas inte per kön. Ändra det i indikatorns inställningar först."
    ),
    # Importing indicator values and plans.
    "followup.several_kpis": _(
        "Filen har flera nyckeltal (%(kpis)s). Ange indikatorns Kolada-nyckeltal så att rätt "
        "rader väljs."
    ),
    "followup.no_values_for_kpi": _("Filen har inga värden för nyckeltalet %(kpi)s."),
    "followup.municipalities_outside": ngettext_lazy(
        "Rad %(lines)s: kommunkoden %(codes)s hör inte till organisationens område.",
        "Raderna %(lines)s: kommunkoderna %(codes)s hör inte till organisationens område.",
        "count",
    ),
    "followup.already_imported": _("Filen är redan importerad."),
    # Joining a strategy.
    "followup.not_joinable": _("Det går inte att ansluta sig till den här strategin."),
    "followup.already_joined": _(
        "Den här aktören har redan anslutit sig till strategin eller ansökt om det. Kontakta "
        "den som samordnar strategin om något behöver ändras."
    ),
    "followup.request_pending": _(
        "Du har redan en ansökan om anslutning till strategin som väntar på besked. Vänta tills "
        "den är behandlad innan du skickar en ny."
    ),
    "followup.too_many_requests": _(
        "Det har kommit många ansökningar om anslutning på kort tid. Vänta en stund och försök "
        "igen; det du skrev finns kvar."
    ),
    "followup.invalid_confirmation": _(
        "Länken stämmer inte eller har gått ut. Be den som skickade ansökan att kontakta den som "
        "samordnar strategin."
    ),
    "followup.request_text_missing": _("Beskriv vad ni åtar er att göra."),
    "followup.register_text_missing": _("Beskriv vad aktören åtar sig att göra."),
    "followup.contact_missing": _("Ange kontaktpersonens namn och e-postadress."),
    "followup.goals_not_in_strategy": _("Välj bara mål som hör till strategin."),
    "followup.actor_name_missing": _("Skriv aktörens namn."),
    "followup.actor_kind_missing": _("Välj vilken typ av aktör det är."),
    "followup.actor_elsewhere": _("Aktören är registrerad hos en annan organisation."),
    "followup.already_decided": _("Anslutningen är redan behandlad."),
    "followup.decline_reason_missing": _("Skriv varför anslutningen inte godkänns."),
    "followup.not_active": _("Bara en aktiv anslutning kan avslutas."),
    # A joined actor's activities.
    "followup.activity_title_missing": _("Skriv vad aktiviteten heter."),
    "followup.year_outside_period": _("Året ska ligga inom strategins period, %(period)s."),
    "followup.not_joined": _("Bara en ansluten aktör kan redovisa aktiviteter."),
    # Networks.
    "followup.network_moved": _("Ett nätverk kan inte flyttas till en annan organisation."),
    "followup.strategy_elsewhere": _("Strategin hör till en annan organisation."),
    "followup.network_name_missing": _("Ange nätverkets namn och adress."),
    "followup.network_slug_taken": _("Adressen används redan av ett annat nätverk."),
    "followup.already_member": _("Aktören är redan medlem i nätverket."),
    "followup.meeting_title_missing": _("Skriv träffens rubrik."),
    "followup.document_title_missing": _("Skriv dokumentets rubrik."),
    "followup.file_missing": _("Välj en fil."),
    "followup.file_too_large": _("Filen är större än 10 MB."),
    "followup.file_type_not_allowed": _("Filen är inte en tillåten typ. Tillåtna är %(types)s."),
}
