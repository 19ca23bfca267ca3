from typing import TYPE_CHECKING, Any

from django import template

from delaktig.assessments import selectors

if TYPE_CHECKING:
    from delaktig.followup.models import Activity
    from delaktig.participation.models import Process

register = template.Library()


@register.inclusion_tag("assessments/includes/linked_list.html")
def linked_assessments(
    activity: "Activity | None" = None, process: "Process | None" = None, level: int = 2
) -> dict[str, Any]:
    """The signed-off, published assessments about an activity or a process, with links.

    ``{% load assessments %}{% linked_assessments activity=activity %}``; ``level`` is the
    heading level of the section (2 by default). Renders nothing when there are none.
    """
    return {
        "assessments": list(selectors.signed_off_for(activity=activity, process=process)),
        "heading_level": level,
    }
