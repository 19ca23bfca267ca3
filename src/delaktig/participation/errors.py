"""The participation app's error messages, by code (see :mod:`delaktig.core.catalogue`)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MESSAGES: dict[str, str | Promise] = {
    "participation.cover_alt_missing": _(
        "Skriv en alternativtext som säger vad bilden visar, eller markera att bilden bara "
        "är dekorativ."
    ),
    "participation.cover_image_missing": _("Välj en bild att ladda upp."),
    "participation.feedback_missing": _(
        "Skriv återkopplingen först: vad ni hörde, vad som beslutades och varför."
    ),
    "participation.archive_before_feedback": _(
        "En process kan inte arkiveras innan återkopplingen är publicerad."
    ),
    "participation.feedback_before_publishing": _(
        "Återkoppling skrivs när processen är publicerad."
    ),
    "participation.unknown_module_kind": _("Okänd deltagandeform."),
    "participation.module_kind_not_enabled": _(
        "Organisationen har inte aktiverat den deltagandeformen."
    ),
    "participation.module_of_other_process": _("Deltagandeformen hör till en annan process."),
    "participation.unknown_phase_type": _("Den typen av fas finns inte för deltagandeformen."),
    "participation.phase_ends_before_start": _("En fas måste sluta efter att den börjar."),
    "participation.body_of_other_organisation": _("Organet hör till en annan organisation."),
    "participation.decision_expected_past": _(
        "Datumet då beslut väntas har redan passerat. Ange ett datum från och med i dag."
    ),
    "participation.decision_expected_before_start": _(
        "Beslut kan inte väntas innan processen börjar (%(start)s)."
    ),
    "participation.template_toml": _(
        "Mallens innehåll går inte att läsa: kontrollera rad %(line)s (citattecken, "
        "hakparenteser och likhetstecken)."
    ),
    "participation.template_not_table": _(
        "Mallen ska ha en tabell här: %(what)s (till exempel [process] eller [[phases]])."
    ),
    "participation.template_not_list": _(
        "Mallen ska ha en lista med högst %(max)s delar här: %(what)s."
    ),
    "participation.template_unknown_key": _("Mallen har en uppgift som inte används: %(what)s."),
    "participation.template_missing": _("Mallen saknar en uppgift: %(what)s."),
    "participation.template_not_text": _("Uppgiften %(what)s i mallen ska vara en text."),
    "participation.template_too_long": _(
        "Uppgiften %(what)s i mallen får vara högst %(max)s tecken."
    ),
    "participation.template_not_number": _(
        "Uppgiften %(what)s i mallen ska vara ett heltal från %(low)s till %(high)s."
    ),
    "participation.template_unknown_code": _(
        "Uppgiften %(what)s i mallen har en kod som inte finns: %(value)s."
    ),
    "participation.template_duplicate_module": _(
        "Två deltagandeformer i mallen har samma nyckel: %(key)s."
    ),
    "participation.template_unknown_module_kind": _(
        "Mallen har en deltagandeform som inte finns: %(kind)s."
    ),
    "participation.template_unknown_module": _(
        "Fasen ”%(phase)s” i mallen hör till en deltagandeform som mallen inte har: %(module)s."
    ),
    "participation.template_unknown_phase_type": _(
        "Fasen ”%(phase)s” i mallen har en typ som deltagandeformen inte har: %(phase_type)s."
    ),
    "participation.template_start_in_past": _("Startdagen kan inte vara före i dag."),
}
