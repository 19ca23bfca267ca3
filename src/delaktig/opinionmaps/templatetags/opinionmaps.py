"""Opinion maps in templates: one statement's votes in words."""

from typing import Any

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def share_text(share: Any) -> str:
    """ "40 % håller med, 35 % inte, 25 % pass (120 röster)", or that nobody voted. A filter,
    not an included template: the results table has one for each statement and group, and
    an include each cost more than the rest of the row (``bench/pages.py``)."""
    if not share.voted:
        return _("inga röster")
    text = ngettext(
        "%(agree)s %% håller med, %(disagree)s %% inte, %(passed)s %% pass (%(counter)s röst)",
        "%(agree)s %% håller med, %(disagree)s %% inte, %(passed)s %% pass (%(counter)s röster)",
        share.voted,
    )
    return text % {
        "agree": share.agree,
        "disagree": share.disagree,
        "passed": share.passed,
        "counter": share.voted,
    }
