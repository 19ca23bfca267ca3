"""The messages for the notifications app's error codes (see :mod:`delaktig.core.catalogue`)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MESSAGES: dict[str, str | Promise] = {
    "notifications.not_signed_in": _("Logga in för att ändra vilka meddelanden du får."),
    "notifications.unknown_kind": _("Det finns inget slags meddelande som heter %(kind)s."),
    "notifications.unknown_channel": _("Det finns ingen kanal som heter %(channel)s."),
}
