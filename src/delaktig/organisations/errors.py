"""The organisations app's error messages, by code (see :mod:`delaktig.core.catalogue`)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MESSAGES: dict[str, str | Promise] = {
    "organisations.unknown_retention_rule": _("Det finns ingen gallringsregel som heter %(key)s."),
    "organisations.retention_too_short": _("Uppgifterna måste sparas i minst %(min_days)s dagar."),
}
