"""The messages for the discussions app's error codes (see `delaktig.core.catalogue`)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MESSAGES: dict[str, str | Promise] = {
    "discussions.empty_comment": _("Skriv något innan du skickar."),
    "discussions.reply_to_reply": _("Det går bara att svara på en kommentar, inte på ett svar."),
    "discussions.no_report_reason": _("Välj ett skäl."),
}
