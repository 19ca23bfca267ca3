"""The councils app's error messages, by code (see :mod:`delaktig.core.catalogue`)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MESSAGES: dict[str, str | Promise] = {
    "councils.choose_own_councils": _("Välj ett eller flera av organisationens råd."),
    "councils.choose_referral_module": _("Välj en remissdel i en av organisationens processer."),
    "councils.deadline_in_past": _("Sista svarsdag måste ligga i framtiden."),
    "councils.answer_missing": _("Skriv svaret."),
    "councils.joint_answer_by_chair_or_secretary": _(
        "Rådets gemensamma svar lämnas av ordföranden eller sekreteraren."
    ),
    "councils.joint_answer_given": _("Rådet har redan lämnat sitt gemensamma svar."),
    "councils.how_used_missing": _("Beskriv hur svaren användes."),
    "councils.term_ends_before_start": _("Mandatperioden måste sluta efter att den börjar."),
    "councils.meeting_not_held": _(
        "Mötet har inte hållits än. Närvaro och ersättning registreras efter mötet."
    ),
}
