"""Where a participation process shows up in follow-up: the activities it informed."""

from typing import Any

from django import template

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
