"""Markdown to sanitised HTML. Everything residents or staff write goes through here."""

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


def render_markdown(text: str) -> str:
    """Render Markdown and strip anything that is not plain, safe markup.

    Raw HTML in the source is escaped by the sanitiser, links get ``rel="noopener
    noreferrer nofollow"`` and only http(s) and mailto URLs survive.
    """
    html = md.markdown(text or "", extensions=["tables", "sane_lists"], output_format="html")
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
