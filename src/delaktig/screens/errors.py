"""The screens app's error messages, by code (see :mod:`delaktig.core.catalogue`)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MESSAGES: dict[str, str | Promise] = {
    "screens.seconds_out_of_range": _("Ange mellan %(low)s och %(high)s sekunder."),
    "screens.nothing_to_show": _("Välj minst en sorts sak som skärmen ska visa."),
}
