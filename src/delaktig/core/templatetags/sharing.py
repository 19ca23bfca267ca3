"""Sharing a page without third-party scripts: Open Graph and Twitter-card metadata
(``includes/og_meta.html``) and plain share links (``includes/share.html``).

Both includes load this library themselves, so a page adds them with one ``{% include %}``.
"""

from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from django import template

from delaktig.core import sites
from delaktig.core.languages import SOURCE, content_language, language

register = template.Library()

# og:locale wants language_TERRITORY; the languages are those of Sweden (English as en_GB).
_TERRITORY = {"en": "en_GB", "fi": "fi_FI"}


@register.filter
def absolute_url(path: Any, organisation: Any = None) -> str:
    """``/processer/x/`` → ``https://<site>/processer/x/``; an absolute URL as it is. With an
    organisation (``url|absolute_url:site_scope``, the host's own organisation) on its own
    host name (``core.sites``)."""
    value = str(path or "")
    if not value or urlsplit(value).scheme:
        return value
    return sites.absolute_url(value, organisation)


@register.simple_tag
def page_language() -> str:
    """The content language of the page, when it is not Swedish: shared links carry it
    (``?sprak=``) so the reader gets the same language."""
    code = content_language()
    return "" if code == SOURCE else code


@register.filter
def with_language(url: str, code: str) -> str:
    if not code:
        return url
    return url + ("&" if "?" in url else "?") + urlencode({"sprak": code})


@register.filter
def og_locale(text: Any) -> str:
    """The Open Graph locale of ``text``: the language it is shown in where it knows it
    (``translations.access.Shown``), else the request's content language."""
    code = str(getattr(text, "language", "") or content_language())
    tag = language(code).tag
    return _TERRITORY.get(tag, f"{tag}_SE")


@register.simple_tag
def share_urls(title: Any, url: str) -> dict[str, str]:
    """The addresses of the share links, every value percent-encoded."""
    text = str(title)
    return {
        "email": "mailto:?"
        + urlencode({"subject": text, "body": f"{text}\n{url}"}, quote_via=quote),
        "facebook": "https://www.facebook.com/sharer/sharer.php?"
        + urlencode({"u": url}, quote_via=quote),
        "linkedin": "https://www.linkedin.com/sharing/share-offsite/?"
        + urlencode({"url": url}, quote_via=quote),
        "x": "https://twitter.com/intent/tweet?"
        + urlencode({"text": text, "url": url}, quote_via=quote),
    }
