"""What the population pages read."""

from django.db.models import Count, QuerySet, Sum

from delaktig.insights.suppression import AGE_GROUPS
from delaktig.organisations.models import Organisation

from .models import PopulationTable

# A region's code, name, and (women, men) for each of AGE_GROUPS.
GridRow = tuple[str, str, list[tuple[int, int]]]


def tables_of(*, organisations: QuerySet[Organisation]) -> QuerySet[PopulationTable]:
    """The organisations' tables with how many people and regions each holds."""
    return (
        PopulationTable.objects.filter(organisation__in=organisations)
        .select_related("organisation")
        .annotate(people=Sum("counts__count"), regions=Count("counts__region_code", distinct=True))
    )


def table_grid(*, table: PopulationTable) -> list[GridRow]:
    """The table by region: women and men for each age group, in one query."""
    cells: dict[tuple[str, str], dict[str, int]] = {}
    names: dict[str, str] = {}
    for code, name, age, sex, count in table.counts.values_list(
        "region_code", "region_name", "age_group", "sex", "count"
    ):
        names[code] = name
        cells.setdefault((code, age), {})[sex] = count
    return [
        (
            code,
            names[code],
            [
                (
                    cells.get((code, age), {}).get("kvinna", 0),
                    cells.get((code, age), {}).get("man", 0),
                )
                for age in AGE_GROUPS
            ],
        )
        for code in sorted(names)
    ]
