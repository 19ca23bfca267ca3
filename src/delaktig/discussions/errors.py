"""The messages for the discussions app's error codes (see `delaktig.core.catalogue`)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MESSAGES: dict[str, str | Promise] = {
    "discussions.empty_comment": _("Skriv något innan du skickar."),
    "discussions.reply_to_reply": _("Det går bara att svara på en kommentar, inte på ett svar."),
    "discussions.no_report_reason": _("Välj ett skäl."),
    "discussions.no_hide_reason": _("Ange ett skäl. Det visas i kommentarens ställe."),
    "discussions.no_review_reply": _("Skriv ett svar till den som skrev kommentaren."),
    "discussions.comment_not_hidden": _("Kommentaren är inte dold."),
    "discussions.review_already_requested": _(
        "Du har redan begärt omprövning av det här beslutet."
    ),
    "discussions.no_review_pending": _("Ingen begäran om omprövning väntar för kommentaren."),
}
