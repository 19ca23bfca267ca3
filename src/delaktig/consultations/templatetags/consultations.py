"""A comment on a consultation passage, and its agree button, written in Python.

A passage's page shows 25 comments at a time; through two included templates each cost about
400 µs (``bench/pages.py``, "consultation passage", 10 of its 35 ms). Here each is a few
``format_html`` calls. The agree button is also what the agree view sends back to htmx
(``_agree.html``), so both come from ``agree_box``.
"""

from typing import Any

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse
from django.utils.html import format_html, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from delaktig.core.html import time_element

register = template.Library()


def _author(comment: Any) -> str:
    return str(comment.author_name or _("Borttagen användare"))


def _csrf_input(context: template.Context) -> str:
    """What ``{% csrf_token %}`` writes: Django's own node."""
    return CsrfTokenNode().render(context)


@register.simple_tag(takes_context=True)
def agree_box(context: template.Context, item: Any) -> SafeString:
    """How many agree with a published comment and, for those who may, the button to agree
    or take it back; or, on one's own comment, that it is one's own."""
    comment = item.comment
    count = comment.agreements_count
    said = _("1 person håller med") if count == 1 else _("%(n)s personer håller med") % {"n": count}
    action: SafeString | str = ""
    if item.can_agree:
        url = reverse("consultations:agree", args=[context["module"].pk, comment.pk])
        action = format_html(
            '<form method="post" action="{url}" class="agree__form" hx-post="{url}" '
            'hx-target="#agree-{pk}" hx-swap="outerHTML">{csrf}\n'
            '<input type="hidden" name="next" value="{here}?synpunkt={pk}#synpunkt-{pk}">\n'
            '<button type="submit" class="button button--secondary agree__button" '
            'id="agree-button-{pk}" name="agree" value="{value}">{label}'
            '<span class="visually-hidden"> {whose}</span></button>\n</form>',
            url=url,
            pk=comment.pk,
            csrf=_csrf_input(context),
            here=context.get("here", ""),
            value="0" if item.agreed else "1",
            label=_("Ta tillbaka att jag håller med") if item.agreed else _("Håll med"),
            whose=_("(synpunkten från %(name)s)") % {"name": _author(comment)},
        )
    elif item.own:
        action = format_html('<p class="help">{}</p>', _("Det här är din synpunkt."))
    return format_html(
        '<div class="agree" id="agree-{}">\n<p class="agree__count">{}</p>\n{}\n</div>',
        comment.pk,
        said,
        action,
    )


@register.simple_tag(takes_context=True)
def consultation_comment(context: template.Context, item: Any) -> SafeString:
    """The ``<article>`` of one comment on a passage's page: who (an invited organisation
    through whom), when, the version and passage it was made on where they differ, whether
    it waits for review (only its author sees it then), the text, who agrees, and the
    authority's answer once the compilation is published."""
    comment = item.comment
    author = _author(comment)
    who: str = author
    if comment.invitation is not None:
        who = _("%(organisation)s (genom %(name)s)") % {
            "organisation": comment.invitation.name,
            "name": author,
        }
    made_on: SafeString | str = ""
    if item.made_on:
        made_on = format_html(
            ' · <span class="made-on">{}</span>',
            _("Gjord på version %(version)s, stycke %(number)s")
            % {"version": item.made_on[0], "number": item.made_on[1]},
        )
    held = comment.status == "held"
    parts = [
        format_html(
            '<p class="comment__meta" id="synpunkt-{}-meta"><strong>{}</strong> {}{}</p>',
            comment.pk,
            who,
            time_element(comment.created, "j F Y"),
            made_on,
        )
    ]
    if held:
        parts.append(
            format_html(
                '<p class="status-label status-label--held">{}</p> <p class="help">{}</p>',
                _("Väntar på granskning"),
                _("Bara du ser synpunkten tills en moderator har läst den."),
            )
        )
    # linebreaks escapes the text itself and returns a plain str, as Django's filter does.
    body = mark_safe(linebreaks(comment.text, autoescape=True))  # noqa: S308
    parts.append(format_html('<div class="comment__body">{}</div>', body))
    if comment.status == "published":
        parts.append(agree_box(context, item))
    answer = comment.answer
    if context.get("published") and answer is not None:
        change: SafeString | str = ""
        if answer.change:
            change = format_html(
                '<p class="consultation-answer__change"><strong>{}</strong> {}</p>',
                _("Ändring i dokumentet:"),
                answer.change,
            )
        parts.append(
            format_html(
                '<div class="consultation-answer">\n<p class="consultation-answer__stance">'
                "<strong>{} {}</strong></p>\n"
                '<div class="consultation-answer__reason">{}</div>\n{}\n</div>',
                _("Svar:"),
                answer.get_stance_display(),
                mark_safe(linebreaks(answer.reason, autoescape=True)),  # noqa: S308
                change,
            )
        )
    return format_html(
        '<article class="comment consultation-comment{}" id="synpunkt-{}" '
        'aria-labelledby="synpunkt-{}-meta">\n{}\n</article>',
        " consultation-comment--held" if held else "",
        comment.pk,
        comment.pk,
        mark_safe("\n".join(parts)),  # noqa: S308 - each part made by format_html
    )
