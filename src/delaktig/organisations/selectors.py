from django.db.models import Case, IntegerField, Value, When

from .models import Organisation


def primary_organisation() -> Organisation | None:
    """The organisation the installation is run by: the region if there is one."""
    return (
        Organisation.objects.select_related("accessibility_statement", "settings", "branding")
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
