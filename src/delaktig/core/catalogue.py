"""The one catalogue of error messages: every code the platform raises, in every language.

Core's own codes are here; each app contributes its codes (prefixed ``<app_label>.``) through
``Contribution.errors`` in its ``contributions.py``. Messages are lazy translations with named
placeholders (``%(line)s``) that the error's ``params`` fill in; a plural message is
``ngettext_lazy(singular, plural, "count")``.
"""

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import contributions


class Message:
    """A catalogue entry whose parameters are shaped before they fill the template.

    For messages where a code needs its label (``status="done"`` → "Genomförd"), a list is
    joined, or a row number goes first. ``render(template, params)`` returns the finished text
    in the active language; ``str()`` gives the template (what translators and tests see).
    """

    def __init__(
        self, template: str | Promise, render: Callable[[str | Promise, Mapping[str, Any]], str]
    ) -> None:
        self.template = template
        self.render = render

    def __mod__(self, params: Mapping[str, Any]) -> str:
        return self.render(self.template, params)

    def __str__(self) -> str:
        return str(self.template)


Entry = str | Promise | Message


class ShownParams(dict[str, object]):
    """Parameters ready to fill a template: a name the error did not give shows as empty
    rather than failing the message."""

    def __missing__(self, key: str) -> str:
        return ""


def shown_params(params: Mapping[str, Any]) -> ShownParams:
    """``params`` as a :class:`Message`'s text shows them: a list or tuple joined with ", ",
    a missing name empty. A renderer adds its own labels to the result before filling in."""
    return ShownParams(
        {
            name: ", ".join(map(str, value)) if isinstance(value, list | tuple) else value
            for name, value in params.items()
        }
    )


CORE_MESSAGES: Mapping[str, Entry] = {
    "error": _("Något gick fel."),
    "permission_denied": _("Du har inte behörighet att göra det här."),
    "not_found": _("Det du letar efter finns inte, eller har tagits bort."),
    "conflict": _("Det går inte att göra i det här läget. Ladda om sidan och försök igen."),
    "invalid_transition": _("Det steget går inte att ta i det här läget."),
    "not_allowed_in_phase": _("Det går inte att delta just nu: ingen fas som tillåter det pågår."),
    "rate_limited": _("Du har skrivit många inlägg på kort tid. Vänta en stund och försök igen."),
    "validation_failed": _("Uppgifterna behöver rättas."),
    # The open-data API (core/api.py, opendata/api.py).
    "api.bad_cursor": _(
        "Markören för nästa sida går inte att läsa. Använd next_cursor från sidan före, "
        "eller börja om utan cursor."
    ),
    "api.invalid_parameter": _("Parametern %(name)s har ett värde som inte går att använda."),
    "api.rate_limited": _(
        "För många anrop från samma klient. Försök igen om %(seconds)s sekunder."
    ),
    "api.unknown_organisation": _("Det finns ingen organisation med kortnamnet ”%(slug)s”."),
    # The live preview of the Markdown editor (core.views.markdown_preview).
    "preview.too_long": _("Texten är för lång för att förhandsgranska (högst %(limit)s tecken)."),
    "preview.rate_limited": _(
        "Förhandsgranskningen har uppdaterats många gånger på kort tid. Vänta en stund."
    ),
    # A ZIP file that is not unpacked (core.uploads.ArchiveRefused).
    "archive.not_a_zip": _("Filen är ingen ZIP-fil som går att läsa."),
    "archive.too_many_members": _("ZIP-filen innehåller fler än %(limit)s filer."),
    "archive.too_large": _("ZIP-filen blir större än %(limit)s MB när den packas upp."),
    "archive.member_too_large": _("”%(name)s” i ZIP-filen blir större än %(limit)s MB uppackad."),
    "archive.too_compressed": _(
        "”%(name)s” i ZIP-filen blir mer än %(limit)s gånger större när den packas upp, "
        "så den läses inte."
    ),
    "archive.encrypted": _(
        "”%(name)s” i ZIP-filen är krypterad. Packa filerna på nytt utan lösenord."
    ),
    "archive.unsupported_method": _(
        "”%(name)s” i ZIP-filen är packad på ett sätt som inte går att läsa. Packa filerna "
        "på nytt som en vanlig ZIP-fil."
    ),
    "archive.damaged": _("”%(name)s” i ZIP-filen är skadad och går inte att packa upp."),
    # An uploaded image that is not stored (core.images.read_image).
    "image.too_large": _("Bilden är större än %(limit)s MB. Välj en mindre fil."),
    "image.not_an_image": _(
        "Filen går inte att läsa som en bild. Välj en bild i formatet JPEG, PNG eller WebP."
    ),
    "image.unsupported_type": _(
        "Bilder i formatet %(kind)s tas inte emot. Välj en bild i formatet JPEG, PNG eller WebP."
    ),
    "image.too_many_pixels": _("Bilden har fler än %(megapixels)s miljoner pixlar."),
    "image.too_small": _(
        "Bilden är för liten: den behöver vara minst %(min_width)s × %(min_height)s pixlar."
    ),
}


def catalogue() -> dict[str, Entry]:
    """Every known code and its (lazy) message."""
    messages: dict[str, Entry] = dict(CORE_MESSAGES)
    for contribution in contributions.contributions():
        messages.update(contribution.errors)
    return messages


def message(code: str, params: Mapping[str, Any]) -> str:
    """The message for ``code`` in the active language, filled in with ``params``.

    An unknown code is a programming error: tests check that every raised code is in the
    catalogue, and in production the person still gets the general message.
    """
    template = catalogue().get(code, CORE_MESSAGES["error"])
    if isinstance(template, Message):
        return template % params
    return str(template % dict(params)) if params else str(template)
