from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When

from .models import Organisation


def primary_organisation() -> Organisation | None:
    """The organisation the installation is run by: the region if there is one."""
    return (
        Organisation.objects.select_related("accessibility_statement", "settings")
        .annotate(
            rank=Case(
                When(kind=Organisation.Kind.REGION, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "pk")
        .first()
    )


def official_organisations(user: Any) -> QuerySet[Organisation]:
    """The organisations a person may act for as an official: all, for an administrator."""
    from delaktig.accounts.roles import is_administrator, staff_organisation_ids

    if is_administrator(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=staff_organisation_ids(user, ("official",)))
