"""Template helpers for the knowledge bank's follow-up table."""

from datetime import datetime

from django import template

from delaktig.accounts.models import Role

from ..models import Part
from ..selectors import Person

register = template.Library()


@register.filter
def role_labels(person: Person) -> str:
    labels = dict(Role.Kind.choices)
    return ", ".join(str(labels[kind]) for kind in person.roles)


@register.simple_tag
def cell(person: Person, part: Part) -> datetime | str | None:
    """When ``person`` went through ``part``; "n/a" when it is not meant for them."""
    if not part.is_for(person.audiences):
        return "n/a"
    return person.done.get(part.pk)
