"""The languages the platform knows, and the language content is read in for this request.

Two things are chosen apart:

- the *interface* language (Django's ``get_language()``): menus, buttons, messages. Only a
  catalogue marked reviewed is offered (``delaktig.core.catalogues``); Swedish otherwise;
- the *content* language (:func:`content_language`): the language in which the organisation's
  own texts (processes, meetings, pages …) are shown where a reviewed, current translation
  exists. A Sami reader gets the Sami texts with a Swedish interface.

No Django import: this is the list every layer reads, and the context variable the middleware
sets (``core.middleware.SwedishFirstLocaleMiddleware``) and e-mail code overrides per recipient.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


def _(text: str) -> str:
    """Marks a language's Swedish name for the interface's catalogue (makemessages picks up
    ``_()``); :attr:`Language.name` translates it when it is shown."""
    return text


SOURCE = "sv"
EASY_READ = "lattlast"


@dataclass(frozen=True)
class Language:
    code: str
    """Ours: in URLs (``?sprak=se``), cookies and stored translations."""
    name_local: str
    """The language's name in itself, as the language switcher shows it."""
    name_sv: str
    """The name in Swedish (translated in the interface's catalogue: :attr:`name`)."""
    tag: str
    """BCP 47, for ``lang`` and ``hreflang``."""
    rtl: bool = False
    minority: bool = False
    """A national minority language under lag (2009:724)."""

    @property
    def name(self) -> str:
        """The name in the interface's language ("nordsamiska", "Northern Sami")."""
        from django.utils.translation import gettext

        return gettext(self.name_sv)


LANGUAGES: tuple[Language, ...] = (
    Language("sv", "svenska", _("svenska"), "sv"),
    # Lättläst is a variant of Swedish, not a language: its texts are lang="sv".
    Language(EASY_READ, "lättläst svenska", _("lättläst svenska"), "sv"),
    Language("en", "English", _("engelska"), "en"),
    Language("fi", "suomi", _("finska"), "fi", minority=True),
    Language("fit", "meänkieli", _("meänkieli"), "fit", minority=True),
    Language("se", "davvisámegiella", _("nordsamiska"), "se", minority=True),
    Language("sma", "åarjelsaemien gïele", _("sydsamiska"), "sma", minority=True),
    Language("smj", "julevsámegiella", _("lulesamiska"), "smj", minority=True),
    Language("rom", "romani chib", _("romani chib"), "rom", minority=True),
    Language("yi", "ייִדיש", _("jiddisch"), "yi", rtl=True, minority=True),
)
BY_CODE = {language.code: language for language in LANGUAGES}
# Codes a translation may be stored in (everything but the source).
TRANSLATION_CODES = tuple(language.code for language in LANGUAGES if language.code != SOURCE)


def language(code: str) -> Language:
    """The language with ``code``; Swedish for an unknown code."""
    return BY_CODE.get(code, BY_CODE[SOURCE])


def is_known(code: object) -> bool:
    return isinstance(code, str) and code in BY_CODE


_content: ContextVar[str] = ContextVar("delaktig_content_language", default=SOURCE)


def content_language() -> str:
    """The content language of the request (or e-mail) being made; Swedish by default."""
    return _content.get()


def activate_content_language(code: str) -> None:
    _content.set(code if is_known(code) else SOURCE)


@contextmanager
def content_language_override(code: str) -> Iterator[None]:
    token = _content.set(code if is_known(code) else SOURCE)
    try:
        yield
    finally:
        _content.reset(token)
