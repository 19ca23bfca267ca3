"""Follow-up in templates: where a participation process shows up (the activities it
informed), an activity's status, and the rows of a plan's activity tables."""

import html
from collections.abc import Iterable
from functools import cache
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from delaktig.core.links import pk_url
from delaktig.translations.access import prefetch

register = template.Library()


@register.inclusion_tag("followup/includes/process_activities.html")
def process_activities(process: Any) -> dict[str, Any]:
    """Published plans' activities that name ``process`` as one they built on."""
    from ..models import Activity

    query = (
        Activity.objects.filter(
            processes=process, area__plan__published=True, area__plan__strategy__published=True
        )
        .select_related("area__plan__strategy")
        .order_by("area__plan__title", "area__position", "position")
    )
    activities = list(query)
    prefetch([*activities, *(activity.area.plan for activity in activities)])
    return {"activities": activities}


@register.filter
def activity_status(activity: Any) -> SafeString:
    """The status in words, marked by its class, and how far the work has come unless done.
    A filter, not an included template: a plan's page shows it for each of its hundreds of
    activities (``bench/pages.py``)."""
    status = format_html(
        '<span class="status-text status-text--{}">{}</span>',
        activity.status,
        _status_label(activity.status),
    )
    if activity.progress is None or activity.is_done:
        return status
    done = _("%(progress)s %% klart") % {"progress": activity.progress}
    return format_html('{} <span class="meta">({})</span>', status, done)


@cache
def _status_labels() -> dict[str, Any]:
    from ..models import ActivityStatus

    return dict(ActivityStatus.choices)


def _status_label(code: str) -> str:
    """The status's label in the active language. Not ``get_status_display``, which builds
    a dictionary of every choice on each call."""
    return str(_status_labels().get(code, code))


def _escape(value: Any) -> str:
    """Django's ``conditional_escape`` without its lazy-text wrapper, which cost a row of the
    plan's table more than the rest of it: safe text as it is, anything else escaped by
    ``html.escape`` (as Django's ``escape`` does)."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


@register.simple_tag
def activity_rows(strategy: Any, area: Any, activities: Iterable[Any]) -> SafeString:
    """The ``<tr>`` of each activity in an area's table on the plan page: number, title
    (linked), the dialogues it built on, unit, period and status. Written here rather than
    in the template, where each of a plan's hundreds of rows cost a hundred microseconds of
    variable lookups (``bench/pages.py``, "action plan"); the address and each status are
    made once per page, not once per row, and each value is escaped once (``_escape``)."""
    url = pk_url("followup:activity", slug=strategy.slug)
    statuses: dict[tuple[str, Any], SafeString] = {}
    position = _escape(area.position)
    rows = []
    for activity in activities:
        title = activity.t.title
        key = (activity.status, None if activity.is_done else activity.progress)
        if (status := statuses.get(key)) is None:
            status = statuses[key] = activity_status(activity)
        rows.append(
            f"<tr>\n<td>{position}.{_escape(activity.position)}</td>\n"
            f'<th scope="row"><a href="{_escape(url(activity.pk))}"{title.attrs}>'
            f"{_escape(title)}</a>{_dialogues(getattr(activity, 'dialogue_count', 0))}</th>\n"
            f"<td>{_escape(activity.responsible_unit or '–')}</td>\n"
            f"<td>{_escape(activity.period or '–')}</td>\n<td>{status}</td>\n</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value escaped by _escape


def _dialogues(count: int) -> SafeString | str:
    if not count:
        return ""
    return format_html(
        '<br><span class="meta">{}</span>',
        ngettext(
            "%(counter)s medborgardialog låg till grund",
            "%(counter)s medborgardialoger låg till grund",
            count,
        )
        % {"counter": count},
    )
