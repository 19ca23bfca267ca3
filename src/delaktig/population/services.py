"""Importing population tables. Staff upload and the management command both call this."""

from typing import Any

from django.db import transaction

from delaktig.core.audit import audit_log
from delaktig.core.errors import PermissionDenied, ValidationFailed

from . import scb
from .messages import error_message
from .models import PopulationCount, PopulationTable


def population_import(
    *,
    actor: Any,
    organisation: Any,
    name: str,
    source: str,
    is_synthetic: bool,
    data: bytes,
    filename: str = "",
) -> PopulationTable:
    """Parse an SCB export (JSON-stat2 or CSV) and store it as one table, all rows or none."""
    if actor is not None and not actor.has_perm("population.change_populationtable", organisation):
        raise PermissionDenied()
    try:
        parsed = scb.parse_population_file(data, filename=filename)
    except scb.PopulationFileError as error:
        raise ValidationFailed(error_message(error)) from error
    with transaction.atomic():
        table = PopulationTable.objects.create(
            organisation=organisation,
            name=name,
            year=parsed.year,
            source=source,
            is_synthetic=is_synthetic,
            filename=filename[:255],
            source_format=parsed.source_format,
            imported_by=actor if getattr(actor, "pk", None) else None,
        )
        PopulationCount.objects.bulk_create(
            [
                PopulationCount(
                    table=table,
                    region_code=row.region_code,
                    region_name=row.region_name[:100],
                    age_group=row.age_group,
                    sex=row.sex,
                    count=row.count,
                )
                for row in parsed.rows
            ],
            batch_size=2000,
        )
        if actor is not None:
            audit_log(
                actor=actor,
                action="population.import",
                target=table,
                organisation=organisation,
                data={"rows": len(parsed.rows), "year": parsed.year},
            )
    return table


def population_delete(*, actor: Any, table: PopulationTable) -> None:
    if not actor.has_perm("population.change_populationtable", table.organisation):
        raise PermissionDenied()
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="population.delete",
            target=table,
            organisation=table.organisation,
        )
        table.delete()
