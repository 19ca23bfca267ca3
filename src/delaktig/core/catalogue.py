"""The one catalogue of error messages: every code the platform raises, in every language.

Core's own codes are here; each app contributes its codes (prefixed ``<app_label>.``) through
``Contribution.errors`` in its ``contributions.py``. Messages are lazy translations with named
placeholders (``%(line)s``) that the error's ``params`` fill in; a plural message is
``ngettext_lazy(singular, plural, "count")``.
"""

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import contributions

CORE_MESSAGES: Mapping[str, str | Promise] = {
    "error": _("Något gick fel."),
    "permission_denied": _("Du har inte behörighet att göra det här."),
    "not_found": _("Det du letar efter finns inte, eller har tagits bort."),
    "conflict": _("Det går inte att göra i det här läget. Ladda om sidan och försök igen."),
    "invalid_transition": _("Det steget går inte att ta i det här läget."),
    "not_allowed_in_phase": _("Det går inte att delta just nu: ingen fas som tillåter det pågår."),
    "rate_limited": _("Du har skrivit många inlägg på kort tid. Vänta en stund och försök igen."),
    "validation_failed": _("Uppgifterna behöver rättas."),
}


def catalogue() -> dict[str, str | Promise]:
    """Every known code and its (lazy) message."""
    messages: dict[str, str | Promise] = dict(CORE_MESSAGES)
    for contribution in contributions.contributions():
        messages.update(contribution.errors)
    return messages


def message(code: str, params: Mapping[str, Any]) -> str:
    """The message for ``code`` in the active language, filled in with ``params``.

    An unknown code is a programming error: tests check that every raised code is in the
    catalogue, and in production the person still gets the general message.
    """
    template = catalogue().get(code, CORE_MESSAGES["error"])
    text = template % dict(params) if params else str(template)
    return str(text)
