"""The messages for the meetings app's error codes (see `delaktig.core.catalogue`)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MESSAGES: dict[str, str | Promise] = {
    "meetings.registration_closed": _("Det går inte att anmäla sig till det här mötet."),
    "meetings.ends_before_start": _("Mötet måste sluta efter att det börjar."),
    "meetings.remote_link_missing": _("Ange länken för att delta på distans."),
    "meetings.body_of_other_organisation": _("Organet hör till en annan organisation."),
    "meetings.already_registered": _("Du är redan anmäld till mötet."),
    "meetings.no_question_time": _("Mötet har ingen frågestund."),
    "meetings.question_deadline_passed": _("Sista dag för frågor till det här mötet har passerat."),
    "meetings.question_incomplete": _("Skriv din fråga och namnet som ska visas."),
    "meetings.question_limit_reached": _(
        "Du har redan ställt så många frågor som reglerna tillåter till mötet."
    ),
    "meetings.decline_without_reason": _("Förklara varför frågan inte tas upp."),
    "meetings.answer_incomplete": _("Skriv vem som svarade och vad svaret var."),
    "meetings.agenda_position_taken": _("Dagordningen har redan en punkt %(number)s."),
}
