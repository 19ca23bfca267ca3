"""The participation app's error messages, by code (see :mod:`delaktig.core.catalogue`)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MESSAGES: dict[str, str | Promise] = {
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
}
