"""Follow-up in templates: where a participation process shows up (the activities it
informed), and an activity's status."""

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

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
        activity.get_status_display(),
    )
    if activity.progress is None or activity.is_done:
        return status
    done = _("%(progress)s %% klart") % {"progress": activity.progress}
    return format_html('{} <span class="meta">({})</span>', status, done)
