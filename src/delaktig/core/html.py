"""Pieces of HTML that template tags write in Python for the long pages (a discussion's
comments, a passage's), the same as the templates' filters would."""

from datetime import datetime

from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString


def time_element(value: datetime, shown: str) -> SafeString:
    """``<time datetime="…">…</time>`` of ``value`` in the site's time zone, shown in Django's
    date format ``shown`` (as ``{{ value|date:shown }}``)."""
    local = timezone.localtime(value)
    return format_html(
        '<time datetime="{}">{}</time>',
        dateformat.format(local, "c"),
        dateformat.format(local, shown),
    )
