"""A comment in a discussion's thread, written in Python.

The thread shows 25 top-level comments a page with their replies. Through an include per
comment, each cost about 200 µs of template lookups (``bench/pages.py``, the process page);
here each is one ``format_html``, with the two addresses reversed once per thread.
"""

from collections.abc import Callable
from typing import Any, cast

from django import template
from django.utils.html import format_html, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from delaktig.core.html import time_element
from delaktig.core.links import pk_url

register = template.Library()


def _url(context: template.Context, name: str) -> Callable[[int], str]:
    """``name``'s address for a comment's id, made once per render of the thread."""
    urls = cast(
        dict[str, Callable[[int], str]],
        context.render_context.setdefault("discussions_urls", {}),  # type: ignore[arg-type]
    )
    if name not in urls:
        urls[name] = pk_url(name, key="comment_pk")
    return urls[name]


@register.simple_tag(takes_context=True)
def thread_comment(context: template.Context, comment: Any) -> SafeString:
    """The ``<article>`` of one comment: who wrote it and when, then the text and a link to
    report it; or, where a moderator hid it, the reason in its place and, for its author, a
    link to the decision and a review."""
    name = comment.author.public_name
    meta = format_html(
        '<p class="comment__meta" id="comment-{}-meta"><strong>{}</strong> {}</p>',
        comment.pk,
        name,
        time_element(comment.created, "j F Y H:i"),
    )
    if comment.is_hidden:
        user = context.get("user")
        own = ""
        if user is not None and user.is_authenticated and user.pk == comment.author_id:
            own = format_html(
                '<p class="comment__review">{} <a href="{}">{}</a></p>',
                _("Det här är din kommentar."),
                _url(context, "discussions:comment_decision")(comment.pk),
                _("Läs beslutet och skälen, eller begär omprövning"),
            )
        body = format_html(
            '<p class="comment__hidden"><strong>{}</strong> {} {}</p>{}',
            _("Kommentaren är dold av en moderator."),
            _("Skäl:"),
            comment.hidden_reason,
            own,
        )
        classes = "comment comment--hidden"
    else:
        body = format_html(
            '<div class="comment__body">{}</div>\n<p class="comment__actions"><a href="{}">{}'
            '<span class="visually-hidden"> {}</span></a></p>',
            # Escaped by linebreaks itself, which returns a plain str (as Django's filter).
            mark_safe(linebreaks(comment.body, autoescape=True)),  # noqa: S308
            _url(context, "discussions:comment_report")(comment.pk),
            _("Anmäl"),
            _("kommentaren från %(name)s") % {"name": name},
        )
        classes = "comment"
    return format_html(
        '<article class="{}" id="comment-{}" aria-labelledby="comment-{}-meta">\n{}\n{}\n'
        "</article>",
        classes,
        comment.pk,
        comment.pk,
        meta,
        body,
    )
