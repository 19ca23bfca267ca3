"""Markdown to sanitised HTML. Everything residents or staff write goes through here."""

from functools import lru_cache

import markdown as md
import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h2",
    "h3",
    "h4",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "abbr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "hreflang"}, "abbr": {"title"}, "th": {"scope"}}


# The HTML of recent texts up to this length is kept in each process: a page renders the same
# process description or information page for every reader (about 1 ms each), and the HTML
# depends on the text alone. At most 512 texts of 20,000 characters and their HTML.
KEPT_LENGTH = 20_000


def render_markdown(text: str) -> str:
    """Render Markdown and strip anything that is not plain, safe markup.

    Raw HTML in the source is escaped by the sanitiser, links get ``rel="noopener
    noreferrer nofollow"`` and only http(s) and mailto URLs survive.
    """
    text = text or ""
    return _kept(text) if len(text) <= KEPT_LENGTH else _render(text)


@lru_cache(maxsize=512)
def _kept(text: str) -> str:
    return _render(text)


def _render(text: str) -> str:
    html = md.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def plain_text(text: str, *, markdown: bool = False) -> str:
    """``text`` as one line of plain text (Markdown rendered, then its tags dropped and its
    entities decoded), for search indexes and excerpts."""
    import html
    import re

    from django.utils.html import strip_tags

    if markdown:
        text = html.unescape(strip_tags(render_markdown(text)))
    return re.sub(r"\s+", " ", text or "").strip()
